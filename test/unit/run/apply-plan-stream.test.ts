/**
 * A step whose stdin is a stream (an image, a bundle) is counted as it is sent: progress events in
 * bytes, at most one per 250 ms, and the total on the step's result; a step without one reports no
 * bytes.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import type { OpsEvent } from "../../../src/events.js";
import { applyPlan } from "../../../src/run/apply-plan.js";
import { HostRecorder } from "../../../src/run/host-recorder.js";
import { FakeTransport, ok } from "../../../src/transport/fake.js";

describe("applyPlan with a streamed stdin", () => {
  it("emits step-progress in bytes and records the bytes sent", async () => {
    const events: OpsEvent[] = [];
    let clock = 0;
    // Each reading of the clock moves it 100 ms: progress is throttled to one event per 250 ms.
    const now = () => (clock += 100);
    const rec = new HostRecorder("h1", (e) => events.push(e), now);
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(1000, 1));
    const transport = new FakeTransport("h1", [
      { match: /docker load/, result: ok() },
      { match: /true/, result: ok() },
    ]);
    await applyPlan(
      transport,
      {
        stepCount: 2,
        resources: [
          {
            id: "image:a:1",
            outcome: {
              kind: "change",
              steps: [
                { description: "load a:1", script: "docker load", stdinStream: () => Readable.from(chunks) },
                { description: "plain", script: "true", stdin: "x" },
              ],
            },
          },
        ],
      },
      [],
      { now },
      rec,
    );
    const progress = events
      .filter((e) => e.kind === "step-progress")
      .map((e) => (e.kind === "step-progress" ? e.bytes : 0));
    assert.ok(progress.length >= 2 && progress.length < 10, `throttled progress: ${progress.join(",")}`);
    assert.deepEqual(
      [...progress].sort((a, b) => a - b),
      progress,
      "bytes only grow",
    );
    const ran = events.filter((e) => e.kind === "step-ran");
    assert.deepEqual(
      ran.map((e) => (e.kind === "step-ran" ? [e.description, e.bytes] : [])),
      [
        ["load a:1", 10_000],
        ["plain", undefined],
      ],
    );
    assert.equal(transport.calls[0]?.stdinBytes?.length, 10_000);
  });
});
