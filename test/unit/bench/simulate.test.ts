// The simulation's recorded host must still be what a converged host answers to install-engine's
// probe today: a new or changed fact that the recording lacks would turn the bench's no-op into a
// change (re-record with `npx tsx test/bench/simulate.ts --record el9-1` on a converged lab host).
import { strict as assert } from "node:assert";
import { simulate } from "../../bench/simulate.js";

describe("bench --simulate", () => {
  it("three converged hosts from the recording are a no-op: every host ok", async () => {
    const r = await simulate(3, false);
    assert.equal(r.ok, 3, `only ${r.ok} of 3 hosts were a no-op: re-record the fixture`);
  });

  it("three unreachable hosts: none ok, and the run still ends", async () => {
    const r = await simulate(3, true);
    assert.equal(r.ok, 0);
    assert.equal(r.hosts, 3);
  });
});
