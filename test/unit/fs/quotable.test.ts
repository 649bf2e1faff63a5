import { strict as assert } from "node:assert";
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeError } from "../../../src/cli/errors.js";
import { ConfigError } from "../../../src/errors.js";
import { mayQuote } from "../../../src/fs/quotable.js";

describe("errors about local files quote only what the person may read", () => {
  const dir = mkdtempSync(join(tmpdir(), "ops-quotable-"));
  const secret = join(dir, "shadow");
  const policy = join(dir, "policy.yaml");
  writeFileSync(secret, "root:$6$abcdefgh:19000:0:99999:7:::\n");
  chmodSync(secret, 0o600);
  symlinkSync(secret, policy);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const someoneElse = { SUDO_UID: "65534" };

  it("a file readable by everyone, or one's own: yes; another's private file through a symlink: no", () => {
    assert.equal(mayQuote(policy, {}), true, "our own file, readable by its owner");
    assert.equal(mayQuote(policy, someoneElse), false, "under sudo, the person is SUDO_UID");
    chmodSync(secret, 0o644);
    assert.equal(mayQuote(policy, someoneElse), true);
    chmodSync(secret, 0o600);
    assert.equal(mayQuote(join(dir, "missing"), someoneElse), true, "nothing to leak");
  });

  it("a policy symlinked to a file the person cannot read: the error names the file and line, not its lines", () => {
    const err = new ConfigError(
      "root:$6$abcdefgh:19000:0:99999:7:: is not allowed here",
      { file: policy, line: 1, path: "root:$6$abcdefgh" },
      "did you mean root?",
    );
    const before = process.env.SUDO_UID;
    process.env.SUDO_UID = "65534";
    try {
      const { text, code } = describeError(err);
      assert.equal(code, 1);
      assert.equal(
        text,
        `error: ${policy}:1: not valid here (content not shown: only its owner may read ${policy})`,
      );
      assert.doesNotMatch(text, /abcdefgh|root/);
    } finally {
      if (before === undefined) delete process.env.SUDO_UID;
      else process.env.SUDO_UID = before;
    }
  });
});
