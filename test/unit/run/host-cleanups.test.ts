import { strict as assert } from "node:assert";
import { HostCleanups } from "../../../src/run/host-cleanups.js";
import { FakeTransport } from "../../../src/transport/fake.js";
import type { ExecResult } from "../../../src/transport/transport.js";

describe("HostCleanups", () => {
  it("runs only what is still pending, each once, on a new channel", async () => {
    const cleanups = new HostCleanups();
    const a = new FakeTransport("a", () => ({ code: 0, stdout: "", stderr: "" }));
    const doneLock = cleanups.add("a", a, "release-lock", "lock");
    cleanups.add("a", a, "remove-containers", "effects");
    doneLock();
    await Promise.all(cleanups.start("effects"));
    await Promise.all(cleanups.start());
    assert.deepEqual(
      a.calls.map((c) => c.script),
      ["remove-containers"],
    );
    await cleanups.settle("a");
    assert.deepEqual(cleanups.hosts, []);
  });

  it("gives up after its time bound when a host does not answer, and says which hosts finished", async () => {
    const cleanups = new HostCleanups();
    const stuck = new FakeTransport("stuck", () => new Promise<ExecResult>(() => undefined));
    const fine = new FakeTransport("fine", () => ({ code: 0, stdout: "", stderr: "" }));
    cleanups.add("stuck", stuck, "release", "lock");
    cleanups.add("fine", fine, "release", "lock");
    const t0 = Date.now();
    assert.deepEqual(await cleanups.runAll(50), ["fine"]);
    assert.ok(Date.now() - t0 < 1000);
  });
});
