import { strict as assert } from "node:assert";
import {
  failedHosts,
  parseAnsibleRecap,
  parseCpuSeconds,
  parseMaxRss,
  parseOpsOutput,
} from "../../bench/parse.js";

const host = (name: string, status: string, commands: number) => ({
  host: name,
  status,
  ok: 7,
  changed: 0,
  failed: status === "failed" ? 1 : 0,
  commands,
  ms: 210,
});

const OPS_NOOP = [
  JSON.stringify({
    kind: "run-start",
    playbook: "install-engine",
    hosts: ["el9-1", "el9-2"],
    check: false,
    at: "x",
  }),
  JSON.stringify({ kind: "host-connected", host: "el9-1", ms: 120 }),
  JSON.stringify({ kind: "host-connected", host: "el9-2", ms: 130 }),
  JSON.stringify({ kind: "facts-gathered", host: "el9-1", ms: 80, facts: 12 }),
  JSON.stringify({ kind: "facts-gathered", host: "el9-2", ms: 90, facts: 12 }),
  JSON.stringify({
    kind: "run-done",
    hosts: [host("el9-1", "ok", 1), host("el9-2", "ok", 1)],
    ms: 240,
    check: false,
  }),
].join("\n");

describe("bench parsers", () => {
  describe("parseOpsOutput", () => {
    it("reads the run-done summary and the connect/probe times", () => {
      const run = parseOpsOutput(OPS_NOOP + "\n");
      assert.equal(run.runMs, 240);
      assert.deepEqual(
        run.hosts.map((h) => h.commands),
        [1, 1],
      );
      assert.deepEqual(run.connectMs, [120, 130]);
      assert.deepEqual(run.factsMs, [80, 90]);
      assert.deepEqual(run.errors, []);
      assert.deepEqual(failedHosts(run), []);
    });

    it("pools step and handler times by resource, for the fresh-run breakdown", () => {
      const out = [
        JSON.stringify({ kind: "step-ran", host: "a", resource: "packages", description: "dnf", ms: 9000 }),
        JSON.stringify({ kind: "step-ran", host: "b", resource: "packages", description: "dnf", ms: 11000 }),
        JSON.stringify({
          kind: "handler-ran",
          host: "a",
          handler: "restart docker",
          description: "x",
          ms: 700,
        }),
        JSON.stringify({ kind: "run-done", hosts: [host("a", "changed", 9)], ms: 12000, check: false }),
      ].join("\n");
      const run = parseOpsOutput(out);
      assert.deepEqual(run.steps.get("packages"), [9000, 11000]);
      assert.deepEqual(run.steps.get("handler restart docker"), [700]);
    });

    it("skips lines that are not events", () => {
      const run = parseOpsOutput("(node:1) Warning: something\n{not json\n" + OPS_NOOP);
      assert.equal(run.hosts.length, 2);
    });

    it("fails when there is no run-done (ops crashed)", () => {
      assert.throws(
        () => parseOpsOutput(JSON.stringify({ kind: "host-connected", host: "a", ms: 1 })),
        /no run-done/,
      );
    });

    it("collects host failures so a failed run is reported with its reason", () => {
      const out = [
        JSON.stringify({
          kind: "host-unreachable",
          host: "el9-2",
          error: { kind: "ConnectError", message: "refused" },
        }),
        JSON.stringify({
          kind: "run-done",
          hosts: [host("el9-1", "ok", 1), host("el9-2", "unreachable", 0)],
          ms: 5,
          check: false,
        }),
      ].join("\n");
      const run = parseOpsOutput(out);
      assert.deepEqual(failedHosts(run), ["el9-2"]);
      assert.deepEqual(run.errors, ["el9-2: ConnectError: refused"]);
    });
  });

  it("parseMaxRss reads GNU time -v in kilobytes and returns bytes", () => {
    const report =
      '\tCommand being timed: "node bin/ops.js"\n\tMaximum resident set size (kbytes): 81234\n\tExit status: 0\n';
    assert.equal(parseMaxRss(report), 81234 * 1024);
    assert.equal(parseMaxRss("nothing here"), undefined);
  });

  it("parseCpuSeconds adds GNU time -v's user and system seconds; undefined when either is missing", () => {
    const report =
      '\tCommand being timed: "node bin/ops.js"\n\tUser time (seconds): 3.10\n\tSystem time (seconds): 0.52\n';
    assert.equal(parseCpuSeconds(report), 3.62);
    assert.equal(parseCpuSeconds("\tUser time (seconds): 3.10\n"), undefined);
  });

  describe("parseAnsibleRecap", () => {
    const recap = [
      "TASK [Check that the engine answers] ***",
      "ok: [el9-1]",
      "",
      "PLAY RECAP *********************************************************************",
      "el9-1                      : ok=10   changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0",
      "el9-2                      : ok=3    changed=1    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0",
      "",
    ].join("\n");

    it("reads one line per host", () => {
      assert.deepEqual(parseAnsibleRecap(recap), [
        { host: "el9-1", ok: 10, changed: 0, unreachable: 0, failed: 0 },
        { host: "el9-2", ok: 3, changed: 1, unreachable: 0, failed: 1 },
      ]);
    });

    it("finds nothing when the play never reached its recap", () => {
      assert.deepEqual(parseAnsibleRecap("ERROR! the playbook could not be found"), []);
    });
  });
});
