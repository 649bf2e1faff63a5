/**
 * What a person sees of a verify run: live progress per host while checks run, each host's checks
 * when it is done (details under what did not pass), and the totals; and that a secret reaches no
 * reporter (pretty, JSON lines, JUnit) however it got into a message.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import type { CheckOutcome } from "../../../src/checks/check.js";
import type { HostResult, OpsEvent } from "../../../src/events.js";
import { jsonReporter } from "../../../src/report/json.js";
import { junitReporter } from "../../../src/report/junit-reporter.js";
import { linesReporter } from "../../../src/report/lines.js";
import { liveReporter } from "../../../src/report/live.js";
import { Redactor } from "../../../src/run/redact.js";

function fakeTty(): { stream: NodeJS.WriteStream; text: () => string } {
  let raw = "";
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      raw += chunk.toString();
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(w, { isTTY: true, columns: 120, rows: 40 });
  // eslint-disable-next-line no-control-regex
  return { stream: w, text: () => raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "") };
}

const pass: CheckOutcome = {
  id: "engine.active",
  title: "docker service is active",
  status: "pass",
  message: "docker.service is active",
  evidence: { command: "systemctl is-active docker", outputTail: "" },
};
const fail: CheckOutcome = {
  id: "config.registry-mirrors",
  title: "registry mirrors as desired",
  status: "fail",
  message: "registry mirrors differ: missing http://m:5000",
  expected: "http://m:5000",
  actual: "(none)",
  hint: "run `ops run install-engine`",
  evidence: { command: "docker info", outputTail: "Mirrors: []" },
};

const result = (host: string, checks: CheckOutcome[]): HostResult => ({
  host,
  status: "ok",
  ok: 0,
  changed: 0,
  failed: 0,
  commands: 1,
  ms: 1200,
  plan: [],
  applied: [],
  handlers: [],
  checks,
});

const run: OpsEvent[] = [
  {
    kind: "run-start",
    command: "verify",
    playbook: "install-engine",
    hosts: ["el9-1", "el9-2"],
    check: true,
    at: "t",
  },
  { kind: "host-connected", host: "el9-1", ms: 5 },
  { kind: "host-connected", host: "el9-2", ms: 5 },
  { kind: "check-result", host: "el9-1", check: pass },
];

describe("verify's output", () => {
  it("is live on a terminal: hosts in flight, progress count, then each host's checks and the totals", () => {
    const { stream, text } = fakeTty();
    const sink = liveReporter({ stream, check: true, diff: false, verbose: false });
    run.forEach(sink);
    assert.match(text(), /0\/2 hosts done/);
    assert.match(text(), /el9-1\s+checked engine\.active/);
    assert.match(text(), /el9-2\s+gathering facts and running checks/);
    sink({ kind: "host-done", summary: result("el9-1", [pass, fail]) });
    assert.match(text(), /1\/2 hosts done/);
    assert.match(text(), /el9-1: 1\/2 checks passed\n {2}ok {3}engine\.active/);
    assert.match(text(), /FAIL config\.registry-mirrors +registry mirrors differ/);
    assert.match(text(), /expected: http:\/\/m:5000\n\s+actual: {3}\(none\)/);
    sink({ kind: "host-done", summary: result("el9-2", [pass]) });
    sink({
      kind: "run-done",
      command: "verify",
      hosts: [result("el9-1", [pass, fail]), result("el9-2", [pass])],
      ms: 2000,
      check: true,
      interrupted: false,
    });
    assert.match(text(), /checks: 2 passed, 1 failed, 0 errors\n$/);
  });

  it("no reporter ever sees a secret, whatever message carried it", () => {
    const secret = "s3cr3t-Pa55";
    const redactor = new Redactor([secret]);
    const leaky: CheckOutcome = {
      ...fail,
      message: `login as admin:${secret} refused`,
      evidence: { command: `docker login -p ${secret}`, outputTail: secret },
    };
    const events: OpsEvent[] = [
      ...run,
      {
        kind: "step-planned",
        host: "el9-1",
        resource: "file:/etc/app",
        description: "update",
        diff: `-pw=old\n+pw=${secret}`,
      },
      {
        kind: "host-failed",
        host: "el9-1",
        error: { kind: "step", message: `exit 1: ${secret}`, hint: secret },
      },
      { kind: "host-done", summary: result("el9-1", [leaky]) },
      {
        kind: "run-done",
        command: "verify",
        hosts: [result("el9-1", [leaky])],
        ms: 1,
        check: true,
        interrupted: false,
      },
    ].map((e) => redactor.maskDeep(e as OpsEvent));
    let out = "";
    const write = (t: string) => void (out += t);
    const { stream, text } = fakeTty();
    for (const sink of [
      linesReporter({ write, check: true, diff: true, verbose: true }),
      jsonReporter(write),
      junitReporter(write),
      liveReporter({ stream, check: true, diff: true, verbose: true }),
    ])
      events.forEach(sink);
    assert.ok(out.includes("<testsuite") && out.includes('"kind":"run-done"'), "every reporter wrote");
    assert.doesNotMatch(out + text(), new RegExp(secret));
  });
});
