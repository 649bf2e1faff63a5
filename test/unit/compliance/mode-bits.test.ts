import { strict as assert } from "node:assert";
import { extraBits, octal, parseOctal, parseStatHex, symbolic } from "../../../src/compliance/mode-bits.js";

const TYPES = {
  socket: 0o140000,
  symlink: 0o120000,
  file: 0o100000,
  directory: 0o040000,
  fifo: 0o010000,
} as const;
const ALL_PERMS = Array.from({ length: 0o10000 }, (_, i) => i);

/** An independent definition of "p is as restrictive as a, or more": bit by bit, twelve bits. */
function withinBitByBit(p: number, a: number): boolean {
  for (let bit = 0; bit < 12; bit++) if ((p >> bit) & 1 && !((a >> bit) & 1)) return false;
  return true;
}

describe("mode bits", () => {
  it("parses every st_mode stat -c %f can print back to its type and permission bits (exhaustive)", () => {
    for (const [kind, type] of Object.entries(TYPES))
      for (const perms of ALL_PERMS) {
        const hex = (type | perms).toString(16); // what GNU and busybox stat print for %f
        assert.deepEqual(parseStatHex(hex), { kind, perms }, hex);
      }
  });

  it("octal() and parseOctal() are inverses for every mode", () => {
    for (const perms of ALL_PERMS) assert.equal(parseOctal(octal(perms)), perms);
  });

  it("extraBits is zero exactly when no bit is beyond the allowed mode, for every pair of the modes CIS names", () => {
    for (const allowed of [0o755, 0o644, 0o660, 0o444, 0o400])
      for (const perms of ALL_PERMS)
        assert.equal(
          extraBits(perms, allowed) === 0,
          withinBitByBit(perms, allowed),
          `${octal(perms)} vs ${octal(allowed)}`,
        );
  });

  it("catches what comparing octal strings as decimals misses", () => {
    // 606 < 644 and 641 < 644 as numbers, yet others may write (0002) or group may execute (0010).
    assert.equal(extraBits(parseOctal("0606"), 0o644), 0o002);
    assert.equal(extraBits(parseOctal("0641"), 0o644), 0o001);
    // A setuid bit is beyond any plain mode.
    assert.equal(extraBits(0o4644, 0o644), 0o4000);
  });

  it("refuses text that is not a mode", () => {
    assert.throws(() => parseStatHex("81a4x"), /not a hex file mode/);
    assert.throws(() => parseStatHex("1ffffff"), /not a file mode/);
    assert.throws(() => parseOctal("0888"), /not an octal mode/);
  });

  it("writes modes as ls does", () => {
    assert.equal(symbolic(0o644), "rw-r--r--");
    assert.equal(symbolic(0o2750), "rwxr-s---");
    assert.equal(symbolic(0o1777), "rwxrwxrwt");
    assert.equal(symbolic(0o4644), "rwSr--r--");
  });
});
