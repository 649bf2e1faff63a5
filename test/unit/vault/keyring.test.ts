/**
 * Two keyrings as one (ops init extending a vaulted inventory while it encrypts new values with its
 * own password): each vault opens with whichever password fits; a vault neither opens is refused.
 */
import assert from "node:assert/strict";
import { encryptVault } from "../../../src/vault/format.js";
import { createKeyring, fixedPassword, joinKeyrings } from "../../../src/vault/keyring.js";

describe("joinKeyrings", function () {
  this.timeout(20_000);

  it("opens a vault of either password, refuses one of neither, and an unconfigured side is skipped", async () => {
    const theirs = encryptVault(Buffer.from("inventory secret"), Buffer.from("their-pass"));
    const mine = encryptVault(Buffer.from("new secret"), Buffer.from("init-pass"));
    const other = encryptVault(Buffer.from("x"), Buffer.from("nobody's"));
    const both = joinKeyrings(
      createKeyring([fixedPassword("their-pass")]),
      createKeyring([fixedPassword("init-pass")]),
    );
    assert.equal((await both.open(theirs)).toString(), "inventory secret");
    assert.equal((await both.open(mine)).toString(), "new secret");
    await assert.rejects(both.open(other), /wrong vault password/);
    const onlyMine = joinKeyrings(createKeyring([]), createKeyring([fixedPassword("init-pass")]));
    assert.equal(onlyMine.configured, true);
    assert.equal((await onlyMine.open(mine)).toString(), "new secret");
  });
});
