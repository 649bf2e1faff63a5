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

  it("a release its host started is waited for by a last-resort runAll, and runs once", async () => {
    const cleanups = new HostCleanups();
    let answer: (r: ExecResult) => void = () => undefined;
    const a = new FakeTransport("a", () => new Promise<ExecResult>((r) => (answer = r)));
    const b = new FakeTransport("b", () => ({ code: 0, stdout: "", stderr: "" }));
    cleanups.add("a", a, "release-a", "lock");
    cleanups.add("b", b, "release-b", "lock");
    // Host a finished and releases its lock; then a second signal asks for everything at once.
    cleanups.start("lock", "a");
    assert.deepEqual(b.calls, [], "only host a's cleanups started");
    let ended = false;
    const all = cleanups.runAll(5_000).then((hosts) => ((ended = true), hosts));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(ended, false, "runAll did not wait for the release in flight");
    answer({ code: 0, stdout: "", stderr: "" });
    assert.deepEqual((await all).sort(), ["a", "b"]);
    assert.deepEqual(
      a.calls.map((c) => c.script),
      ["release-a"],
    );
  });
});
