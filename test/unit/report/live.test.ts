import assert from "node:assert/strict";
import { Writable } from "node:stream";
import type { HostResult } from "../../../src/events.js";
import { liveReporter } from "../../../src/report/live.js";

/** A terminal-like stream that records what was written (ANSI control sequences stripped). */
function fakeTty(): { stream: NodeJS.WriteStream; text: () => string } {
  let raw = "";
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      raw += chunk.toString();
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(w, { isTTY: true, columns: 100, rows: 40 });
  // eslint-disable-next-line no-control-regex
  return { stream: w, text: () => raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "") };
}

const result = (host: string): HostResult => ({
  host,
  status: "ok",
  ok: 0,
  changed: 0,
  failed: 0,
  commands: 1,
  ms: 0,
  plan: [],
  applied: [],
  handlers: [],
  checks: [],
});

describe("live terminal reporter", () => {
  it("shows each host's current action, then the changes and the summary", () => {
    const { stream, text } = fakeTty();
    const sink = liveReporter({ stream, check: false, diff: false, verbose: false });
    sink({
      kind: "run-start",
      command: "run",
      playbook: "p",
      hosts: ["el9-1", "el9-2"],
      check: false,
      at: "now",
    });
    assert.match(text(), /0\/2 hosts done/);
    sink({ kind: "host-connected", host: "el9-1", ms: 10 });
    assert.match(text(), /el9-1\s+gathering facts/);
    sink({ kind: "step-planned", host: "el9-1", resource: "r", description: "install docker-ce" });
    assert.match(text(), /el9-1\s+next: install docker-ce/);
    sink({ kind: "step-ran", host: "el9-1", resource: "r", description: "install docker-ce", ms: 1000 });
    sink({
      kind: "run-done",
      hosts: [
        { ...result("el9-1"), status: "changed", ok: 1, changed: 1, commands: 3, ms: 1000 },
        { ...result("el9-2"), ok: 2, ms: 900 },
      ],
      ms: 1100,
      check: false,
      command: "run",
      interrupted: false,
    });
    assert.match(text(), /el9-1: changed: install docker-ce \(1\.0s\)/);
    assert.match(text(), /2 hosts: 1 ok, 1 changed, 0 failed, 0 unreachable in 1\.1s\n$/);
  });
});
