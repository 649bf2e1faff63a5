import { strict as assert } from "node:assert";
import bcrypt from "bcryptjs";
import { htpasswdContent, parseHtpasswd, type Hasher } from "../../../src/registry/htpasswd.js";

/** A counting hasher: proves which accounts were hashed anew without bcrypt's cost. */
function fakeHasher(): Hasher & { made: string[] } {
  const made: string[] = [];
  return {
    made,
    hash: (pw) => {
      made.push(pw);
      return `H(${pw})#${made.length}`;
    },
    matches: (pw, hash) => hash.startsWith(`H(${pw})#`),
  };
}

describe("htpasswd planner", () => {
  const accounts = [
    { name: "alice", password: "alice-pw-1" },
    { name: "robot$ci", password: "robot-pw-1" },
  ];

  it("hashes every account of a new file", () => {
    const h = fakeHasher();
    assert.equal(htpasswdContent(accounts, null, h), "alice:H(alice-pw-1)#1\nrobot$ci:H(robot-pw-1)#2\n");
  });

  it("keeps a hash whose password still matches, byte for byte: the second run is a no-op", () => {
    const h = fakeHasher();
    const first = htpasswdContent(accounts, null, h);
    assert.equal(htpasswdContent(accounts, first, h), first);
    assert.equal(h.made.length, 2);
  });

  it("hashes anew only the account whose password changed, and drops removed accounts", () => {
    const h = fakeHasher();
    const first = htpasswdContent([...accounts, { name: "gone", password: "gone-pw-12" }], null, h);
    const next = htpasswdContent([{ name: "alice", password: "alice-pw-2" }, accounts[1]!], first, h);
    const lines = parseHtpasswd(next);
    assert.equal(lines.get("robot$ci"), parseHtpasswd(first).get("robot$ci"));
    assert.equal(lines.get("alice"), "H(alice-pw-2)#4");
    assert.ok(!lines.has("gone"));
  });

  it("really uses bcrypt that nginx can check ($2b$, cost 6)", () => {
    const text = htpasswdContent([{ name: "alice", password: "alice-pw-1" }], null);
    const hash = parseHtpasswd(text).get("alice") ?? "";
    assert.match(hash, /^\$2b\$06\$/);
    assert.ok(bcrypt.compareSync("alice-pw-1", hash));
    assert.equal(htpasswdContent([{ name: "alice", password: "alice-pw-1" }], text), text);
  });
});
