/**
 * The output going away (a pipe whose reader left, a closed terminal) stops a run as a hangup does,
 * once, and never counts as the second signal that quits at once; with no run in progress ops ends
 * with 0. Fake streams stand in for stdout and stderr.
 */
import { strict as assert } from "node:assert";
import { EventEmitter } from "node:events";
import { handleInterrupts, handleLostOutput } from "../../../src/cli/signals.js";
import { HostCleanups } from "../../../src/run/host-cleanups.js";

const gone = (code: string) => Object.assign(new Error(`write ${code}`), { code });

function setup() {
  const stdout = new EventEmitter();
  const stderr = new EventEmitter();
  const exits: number[] = [];
  const fatals: unknown[] = [];
  handleLostOutput(
    [stdout, stderr],
    (code) => exits.push(code),
    (err) => fatals.push(err),
  );
  return { stdout, stderr, exits, fatals };
}

describe("handleLostOutput", () => {
  it("a closed pipe during a run stops it as SIGPIPE, once; later write errors do not quit at once", () => {
    const { stdout, stderr, exits, fatals } = setup();
    const said: string[] = [];
    const interrupts = handleInterrupts(new HostCleanups(), (t) => said.push(t));
    try {
      stdout.emit("error", gone("EPIPE"));
      stdout.emit("error", gone("EPIPE"));
      stderr.emit("error", gone("EIO"));
      assert.ok(interrupts.signal.aborted);
      assert.equal(interrupts.stoppedBy, "SIGPIPE");
      assert.equal(said.length, 1, said.join(""));
      assert.match(said[0] ?? "", /interrupted \(SIGPIPE\): no new host starts/);
      assert.doesNotMatch(said[0] ?? "", /again to quit now/);
      assert.deepEqual([exits, fatals], [[], []]);
    } finally {
      interrupts.dispose();
    }
    // Writes still failing after the stopped run ended change nothing: its exit stays 130.
    stdout.emit("error", gone("EPIPE"));
    assert.deepEqual(exits, []);
  });

  it("a closed terminal (SIGHUP, then every write fails with EIO) is one stop, not a second signal", () => {
    const { stdout, stderr, exits } = setup();
    const said: string[] = [];
    const interrupts = handleInterrupts(new HostCleanups(), (t) => said.push(t));
    try {
      process.emit("SIGHUP", "SIGHUP");
      stderr.emit("error", gone("EIO"));
      stdout.emit("error", gone("EIO"));
      assert.equal(interrupts.stoppedBy, "SIGHUP");
      assert.ok(!said.join("").includes("quitting now"), said.join(""));
      assert.deepEqual(exits, []);
    } finally {
      interrupts.dispose();
    }
  });

  it("with no run in progress a closed pipe ends ops with 0; any other stream error is a bug", () => {
    const { stdout, exits, fatals } = setup();
    stdout.emit("error", gone("EPIPE"));
    const odd = gone("ENOSPC");
    stdout.emit("error", odd);
    assert.deepEqual(exits, [0]);
    assert.deepEqual(fatals, [odd]);
  });
});
