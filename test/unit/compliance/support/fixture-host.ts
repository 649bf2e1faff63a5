/**
 * Compliance fixtures: a recorded host (test/fixtures/compliance/hosts/*.json, the raw output of
 * every probe, captured on the lab) with a case's overrides on top, framed as the host's one batch
 * prints it and parsed by the real gathering code into the FactSet a judge reads. A probe value is
 * its stdout (exit 0), `{ "stdout", "exit" }` for a probe that failed, `{ "stdout", "cut": true }`
 * for a section the batch never finished, or `{ "daemonJson": {...} }` for the raw output the file
 * probe prints for a daemon.json with that content.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Check } from "../../../../src/checks/check.js";
import type { FactSet } from "../../../../src/facts/fact.js";
import { parseProbeOutput, uniqueFacts } from "../../../../src/facts/gather.js";

export const FIXTURES = fileURLToPath(new URL("../../../fixtures/compliance/", import.meta.url));

export type ProbeValue =
  | string
  | { daemonJson: unknown; mode?: string }
  | { stdout: string; exit?: number; cut?: boolean }
  | { info: Record<string, unknown> };

/** What the file probe prints for a regular file with this text. */
export function fileProbeOutput(text: string, mode = "644"): string {
  const sum = createHash("sha256").update(text).digest("hex");
  const b64 = Buffer.from(text).toString("base64");
  return `stat ${mode} root root 1700000000 ${Buffer.byteLength(text)} regular file\nsha256 ${sum}\n@@content@@\n${b64}\n`;
}

function raw(value: ProbeValue): { stdout: string; exit: number; cut: boolean } {
  if (typeof value === "string") return { stdout: value, exit: 0, cut: false };
  if ("info" in value)
    throw new Error("an { info } probe value is merged into a host's probes first (withProbes)");
  if ("stdout" in value) return { stdout: value.stdout, exit: value.exit ?? 0, cut: value.cut === true };
  return {
    stdout: fileProbeOutput(`${JSON.stringify(value.daemonJson, null, 2)}\n`, value.mode),
    exit: 0,
    cut: false,
  };
}

/** The raw probe outputs of a recorded host, by fact name. */
export function hostProbes(host: string): Record<string, ProbeValue> {
  const text = readFileSync(`${FIXTURES}hosts/${host}.json`, "utf8");
  return (JSON.parse(text) as { probes: Record<string, ProbeValue> }).probes;
}

/**
 * A case's probes over its host's: `{ "info": {...} }` for the docker-daemon probe replaces those
 * top-level fields of the host's recorded `docker info` JSON, so a case states only what it changes.
 */
export function withProbes(
  base: Record<string, ProbeValue>,
  over: Record<string, ProbeValue> = {},
): Record<string, ProbeValue> {
  const out = { ...base };
  for (const [name, value] of Object.entries(over)) {
    const recorded = base[name];
    if (typeof value === "object" && "info" in value && typeof recorded === "string") {
      const at = recorded.indexOf("info ");
      const info = JSON.parse(recorded.slice(at + 5)) as Record<string, unknown>;
      out[name] = `${recorded.slice(0, at)}info ${JSON.stringify({ ...info, ...value.info })}\n`;
    } else out[name] = value;
  }
  return out;
}

const NONCE = "0123456789abcdef0123456789abcdef";

/**
 * What the batch prints for these facts (the frames of src/facts/gather.ts, with each probe's
 * output and exit status), parsed back by parseProbeOutput: the path a host's answer takes.
 */
export function factSetFor(facts: Check["facts"], probes: Record<string, ProbeValue>): FactSet {
  let out = "";
  let stopped = false;
  uniqueFacts(facts).forEach((fact, i) => {
    const value = probes[fact.name];
    if (value === undefined) throw new Error(`the fixture has no output for the probe of ${fact.name}`);
    // A section cut off means the batch died there: nothing after it arrives.
    if (stopped) return;
    const { stdout, exit, cut } = raw(value);
    out += `@@ops-${NONCE}-begin-${i}@@\n${stdout}`;
    if (!cut) out += `\n@@ops-${NONCE}-end-${i}@@ ${exit}\n`;
    stopped = cut;
  });
  return parseProbeOutput(facts, out, NONCE);
}
