/**
 * What the fault suite asserts after a run was stopped, read from its events and from the hosts:
 * exit 130 naming the signal, nothing started after it, no lock or batch pid file left, queued hosts
 * never contacted (no event, no login in their sshd journal).
 */
import assert from "node:assert/strict";
import { hostExec, hostExecResult } from "../../lab/lab.js";
import { exists } from "./host-state.js";
import type { OpsResult } from "./ops-cli.js";
import { afterSignal, connected, outline, resultsOf, type Sig, type SignalledRun } from "./signals.js";

/**
 * An event ops emitted before it handled the signal may reach the test a little after the signal
 * was sent (pipes, a loaded machine): the tolerance when judging "after the signal" by arrival.
 */
const SLACK_MS = 1_000;

/** `Accepted ...` lines in a host's sshd journal: a host never contacted gains none. */
export async function logins(host: string): Promise<number> {
  const r = await hostExecResult(
    host,
    "journalctl -q -o cat -u ssh -u sshd 2>/dev/null | grep -c '^Accepted ' ",
  );
  return Number(r.stdout.trim() || "0");
}

/** Each host's login count, to compare after a run. */
export async function loginCounts(hosts: readonly string[]): Promise<Map<string, number>> {
  return new Map(await Promise.all(hosts.map(async (n) => [n, await logins(n)] as const)));
}

/** What `ops verify` could leave on a host: containers, volumes, temp paths, the batch's pid file. */
export async function verifyLeftovers(host: string): Promise<string> {
  return hostExec(
    host,
    "if command -v docker >/dev/null; then docker ps -a --format '{{.Names}}' | grep ops-verify; " +
      "docker volume ls -q | grep ops-verify; fi; ls -d /tmp/ops-verify* /tmp/ops-batch-* 2>/dev/null; true",
  );
}

/**
 * What every interrupted run must show: exit 130 naming the signal, an interrupted run-done, no
 * host that connected after the signal did anything, at most one step or handler per host finished
 * after the signal and it had begun before, and no lock or batch pid file left on any of `hosts`.
 *
 * @example await assertStopped(run, "SIGTERM", ["el9-1", "el9-2"]);
 */
export async function assertStopped(run: SignalledRun, signal: Sig, hosts: readonly string[]): Promise<void> {
  console.log(`      ${signal}: ${outline(run)}`);
  const why = `${run.stderr}\n${run.stdout.slice(-3000)}`;
  assert.ok(run.signalAt !== undefined, `the run ended before its signal point:\n${why}`);
  assert.equal(run.code, 130, why);
  assert.match(run.stderr, new RegExp(`interrupted \\(${signal}\\)`));
  const done = run.events.find((e) => e.kind === "run-done");
  assert.ok(done?.kind === "run-done" && done.interrupted, "run-done says interrupted");
  const results = resultsOf(run);
  const signalAt = run.signalAt;
  for (const name of hosts) {
    const result = results.get(name);
    if (result === undefined) continue;
    const [late] = afterSignal(run, name, ["host-connected"]);
    if (late !== undefined) {
      // Reported within the slack, it may have connected just before ops handled the signal:
      // then only its read-only probe may have run, never a step. Later, it must not start.
      const justBefore = late.at <= signalAt + SLACK_MS;
      const probedOnly = result.error?.kind === "interrupted" && result.applied.length === 0;
      const stopped = result.status === "not-started" && result.commands === 0;
      assert.ok(stopped || (justBefore && probedOnly), `${name} connected after the signal and went on`);
    }
    const finished = afterSignal(run, name, ["step-ran", "handler-ran"]);
    assert.ok(finished.length <= 1, `${name}: ${finished.length} steps finished after the signal`);
    for (const f of finished) {
      const ms = "ms" in f.event ? f.event.ms : 0;
      assert.ok(f.at - ms <= signalAt + SLACK_MS, `${name}: a step began after the signal`);
    }
    assert.equal(await exists(name, "/run/ops.lock"), false, `${name}: /run/ops.lock left behind`);
    const pidFiles = await hostExec(name, "ls /tmp/ops-batch-*.pid 2>/dev/null; true");
    assert.equal(pidFiles, "", `${name}: batch pid file left`);
  }
}

/**
 * Hosts queued behind --forks when the run stopped: never contacted (no event, no login in their
 * sshd journal since `before`) and, when the run could report (`reported`), reported not started.
 */
export async function assertQueued(
  run: Pick<OpsResult, "events" | "code" | "stderr" | "stdout">,
  queued: readonly string[],
  before: Map<string, number>,
  reported = true,
): Promise<void> {
  const results = reported ? resultsOf(run) : undefined;
  for (const name of queued) {
    assert.ok(!connected(run).has(name), `${name} was connected after the signal`);
    assert.equal(await logins(name), before.get(name), `${name}: sshd accepted a login`);
    if (!results) continue;
    assert.equal(results.get(name)?.status, "not-started", name);
    assert.equal(results.get(name)?.commands, 0, name);
  }
}
