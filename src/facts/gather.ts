/**
 * Batches the probes of many facts into ONE POSIX sh script, so gathering costs one round trip,
 * and splits the output back into per-fact sections. The one batch builder of ops: resources' facts,
 * verify's checks (which start containers) and compliance's checks all go through it.
 *
 * Each section is framed by lines that carry a random per-run nonce: a probe's output (a file, a
 * URL body, an os-release value) cannot forge a frame it cannot guess. A section may be gated on
 * others (`gates`): it runs only when each of them exited 0, decided inside the same script. When
 * probes change the host, the batch carries their `cleanup`, run on exit whatever happens (a failed
 * probe, a signal, the SSH channel going away).
 */
import { randomBytes } from "node:crypto";
import { FactError } from "../errors.js";
import { quote } from "../transport/quote.js";
import { concurrentBatch } from "./concurrent-probe.js";
import { FactSet, type Fact, type ProbeStatus } from "./fact.js";

/** How long one bounded command (`t ...`) may take in a batch: a pull through a slow mirror is the longest. */
export const COMMAND_TIMEOUT_S = 180;

export interface BatchOptions {
  /** Fact name -> names of facts whose probes must exit 0 before it runs. */
  gates?: ReadonlyMap<string, readonly string[]>;
  /** POSIX sh run once when the batch's shell exits, however it exits. */
  cleanup?: string;
  /** Where the batch writes its shell's pid while it runs, so an interrupt can stop it (see stopBatchScript). */
  pidFile?: string;
}

/** A fresh nonce for one gathering: 32 hex characters. */
export function makeNonce(): string {
  return randomBytes(16).toString("hex");
}

const begin = (nonce: string, i: number): string => `@@ops-${nonce}-begin-${i}@@`;
const skip = (nonce: string, i: number): string => `@@ops-${nonce}-skip-${i}@@`;
const end = (nonce: string, i: number): string => `@@ops-${nonce}-end-${i}@@`;

/** Facts deduplicated by name, first occurrence kept, order preserved. */
export function uniqueFacts(facts: readonly Fact<unknown>[]): Fact<unknown>[] {
  const seen = new Map<string, Fact<unknown>>();
  for (const f of facts) if (!seen.has(f.name)) seen.set(f.name, f);
  return [...seen.values()];
}

/** The gate of section `i`: a shell test that every section it needs exited 0. */
function gateOf(fact: Fact<unknown>, index: ReadonlyMap<string, number>, options: BatchOptions): string {
  const needs = options.gates?.get(fact.name) ?? [];
  const tests = needs.map((name) => {
    const at = index.get(name);
    if (at === undefined)
      throw new Error(`fact ${fact.name} is gated on ${name}, which is not in the batch before it`);
    return `[ "$s${at}" = 0 ]`;
  });
  return tests.join(" && ");
}

/**
 * Builds the single probe script of one host.
 *
 * Each probe runs in its own subshell with stdin from /dev/null (a probe can never eat the rest of
 * the script), and its exit status is recorded but never stops the batch.
 *
 * @example
 * const nonce = makeNonce();
 * const { stdout } = await transport.exec(buildProbe(facts, nonce));
 * const set = parseProbeOutput(facts, stdout, nonce);
 */
export function buildProbe(
  facts: readonly Fact<unknown>[],
  nonce: string = makeNonce(),
  options: BatchOptions = {},
): string {
  if (!/^[0-9a-f]{8,}$/.test(nonce)) throw new Error("nonce must be at least 8 lowercase hex characters");
  const parts = ["#!/bin/sh", "# ops fact probe: one section per fact", "LC_ALL=C; export LC_ALL"];
  if (options.cleanup !== undefined || options.pidFile !== undefined) {
    if (options.pidFile !== undefined) parts.push(`echo $$ > ${quote(options.pidFile)}`, "OPS_BATCH_SELF=$$");
    const removePid = options.pidFile !== undefined ? `\nrm -f ${quote(options.pidFile)}` : "";
    parts.push(
      `ops_cleanup() {\n${options.cleanup ?? ":"}${removePid}\n}`,
      // A signal must not wait for the probe in flight (a pull can take minutes): probes run in the
      // background and the shell waits, which a trapped signal interrupts; the probe and its children
      // are stopped, then `exit` runs the EXIT trap, so cleanup happens exactly once on every path.
      "ops_child=",
      'ops_stop() { if [ -n "$ops_child" ]; then command -v pkill >/dev/null 2>&1 && pkill -TERM -P "$ops_child"; kill -TERM "$ops_child"; fi; } 2>/dev/null',
      "trap 'ops_cleanup >/dev/null 2>&1' EXIT",
      "trap 'ops_stop; exit 143' TERM HUP INT PIPE",
    );
  }
  const background = options.cleanup !== undefined || options.pidFile !== undefined;
  // A hung daemon must not hold the run forever: probes bound their slow commands with `t`.
  parts.push(
    `t() { if command -v timeout >/dev/null 2>&1; then timeout ${COMMAND_TIMEOUT_S} "$@"; else "$@"; fi; }`,
  );
  const unique = uniqueFacts(facts);
  // Independent probes (no gates, nothing to clean up) run at once; the frames are the same.
  const gated = unique.some((f) => (options.gates?.get(f.name)?.length ?? 0) > 0);
  if (!background && !gated && unique.length > 1) {
    const definitions = unique.map((fact, i) => `ops_p${i}() (\n${fact.probe}\n)`);
    const sections = unique.map((fact, i) => {
      const f = frame(fact, i, nonce);
      return { begin: f.begin, run: `ops_p${i} </dev/null ${f.stderr}`, end: f.end("$ops_s") };
    });
    parts.push(concurrentBatch(definitions, sections));
    return parts.join("\n") + "\n";
  }
  const index = new Map<string, number>();
  unique.forEach((fact, i) => {
    const f = frame(fact, i, nonce);
    const gate = gateOf(fact, index, options);
    const run = background
      ? `(\n${fact.probe}\n) </dev/null ${f.stderr} &\nops_child=$!\nwait "$ops_child"\ns${i}=$?\nops_child=`
      : `(\n${fact.probe}\n) </dev/null ${f.stderr}\ns${i}=$?`;
    parts.push(
      f.begin,
      gate ? `if ${gate}; then\n${run}\nelse\nprintf '%s\\n' '${skip(nonce, i)}'; s${i}=skip\nfi` : run,
      f.end(`$s${i}`),
    );
    index.set(fact.name, i);
  });
  return parts.join("\n") + "\n";
}

/**
 * The frame of fact `i`'s section, the same in a sequential and a concurrent batch: the begin line
 * (after a comment naming the fact), the probe's stderr redirection, and the end line carrying the
 * exit status held in `status` (a shell expansion).
 */
function frame(fact: Fact<unknown>, i: number, nonce: string) {
  return {
    begin: `# fact: ${fact.name.replace(/[\r\n]/g, " ")}\nprintf '%s\\n' '${begin(nonce, i)}'`,
    stderr: fact.stderr === "fold" ? "2>&1" : "2>/dev/null",
    end: (status: string) => `printf '\\n%s %s\\n' '${end(nonce, i)}' "${status}"`,
  };
}

/**
 * Splits the output of `buildProbe` and parses each section with its fact. Pure, and it never
 * throws for one fact: a section that is missing (the script died before it) or that its parser
 * rejects is recorded, and `FactSet.get` throws a FactError naming that fact. Gated sections that
 * did not run are `skipped`.
 */
export function parseProbeOutput(facts: readonly Fact<unknown>[], stdout: string, nonce: string): FactSet {
  const values = new Map<string, unknown>();
  const skipped = new Set<string>();
  const errors = new Map<string, FactError>();
  const probes = new Map<string, ProbeStatus>();
  uniqueFacts(facts).forEach((fact, i) => {
    const raw = section(stdout, nonce, i);
    if (raw === undefined) {
      probes.set(fact.name, { exitCode: -1, complete: false, output: partialSection(stdout, nonce, i) });
      errors.set(fact.name, new FactError(fact.name, `the probe printed no section for ${fact.name}`));
      return;
    }
    if (raw === "skip") {
      skipped.add(fact.name);
      return;
    }
    probes.set(fact.name, { exitCode: raw.code, complete: true, output: raw.body });
    try {
      values.set(fact.name, fact.parse(raw.body, raw.code));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors.set(
        fact.name,
        err instanceof FactError ? err : new FactError(fact.name, `${fact.name}: ${message}`),
      );
    }
  });
  return new FactSet(values, skipped, errors, probes);
}

/** What a section that never ended printed (the batch died or was cut): its text up to the end of the output. */
function partialSection(stdout: string, nonce: string, i: number): string {
  const open = `${begin(nonce, i)}\n`;
  const start = stdout.indexOf(open);
  return start < 0 ? "" : stdout.slice(start + open.length);
}

/** The text between the begin line and the end line of section `i`, and its exit status. */
function section(
  stdout: string,
  nonce: string,
  i: number,
): { body: string; code: number } | "skip" | undefined {
  const open = `${begin(nonce, i)}\n`;
  const start = stdout.indexOf(open);
  if (start < 0) return undefined;
  const from = start + open.length;
  if (stdout.startsWith(`${skip(nonce, i)}\n`, from)) return "skip";
  // The end frame is preceded by the newline buildProbe prints before it.
  const close = `\n${end(nonce, i)} `;
  const stop = stdout.indexOf(close, from);
  if (stop < 0) return undefined;
  const lineEnd = stdout.indexOf("\n", stop + close.length);
  const status = stdout.slice(stop + close.length, lineEnd < 0 ? undefined : lineEnd).trim();
  const code = /^\d+$/.test(status) ? Number(status) : -1;
  return { body: stdout.slice(from, Math.max(from, stop)), code };
}

/**
 * POSIX sh that stops a batch still running (an interrupted run) through its pid file, waiting a
 * bounded time; run on a new channel of the same connection before the batch's own cleanup.
 */
export function stopBatchScript(pidFile: string): string {
  const pid = quote(pidFile);
  return [
    `if [ -f ${pid} ]; then`,
    `  p=$(cat ${pid} 2>/dev/null)`,
    // The batch's own trap runs the cleanup too: it must not signal or wait for itself.
    // Only a real process id: never 0 or a negative one, which `kill` reads as a process group.
    '  if [ "$p" -gt 1 ] 2>/dev/null && [ "$p" != "${OPS_BATCH_SELF:-none}" ]; then',
    '    kill -TERM "$p" 2>/dev/null; i=0',
    '    while kill -0 "$p" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.2; i=$((i + 1)); done',
    "  fi",
    "fi",
  ].join("\n");
}
