/**
 * Compliance fixtures: a recorded host (test/fixtures/compliance/hosts/*.json, the raw output of
 * every probe, captured on the lab) with a case's overrides on top, parsed by the real facts into
 * the FactSet a judge reads. `{ "daemonJson": {...} }` stands for the raw output the file probe
 * prints for a daemon.json with that content.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Check } from "../../../../src/checks/check.js";
import { FactSet } from "../../../../src/facts/fact.js";

export const FIXTURES = fileURLToPath(new URL("../../../fixtures/compliance/", import.meta.url));

export type ProbeValue = string | { daemonJson: unknown; mode?: string };

/** What the file probe prints for a regular file with this text. */
export function fileProbeOutput(text: string, mode = "644"): string {
  const sum = createHash("sha256").update(text).digest("hex");
  const b64 = Buffer.from(text).toString("base64");
  return `stat ${mode} root root 1700000000 ${Buffer.byteLength(text)} regular file\nsha256 ${sum}\n@@content@@\n${b64}\n`;
}

function raw(value: ProbeValue): string {
  if (typeof value === "string") return value;
  return fileProbeOutput(`${JSON.stringify(value.daemonJson, null, 2)}\n`, value.mode);
}

/** The raw probe outputs of a recorded host, by fact name. */
export function hostProbes(host: string): Record<string, ProbeValue> {
  const text = readFileSync(`${FIXTURES}hosts/${host}.json`, "utf8");
  return (JSON.parse(text) as { probes: Record<string, ProbeValue> }).probes;
}

/** Parses what `facts` need from the probes; a fact the fixture lacks is an error in the fixture. */
export function factSetFor(facts: Check["facts"], probes: Record<string, ProbeValue>): FactSet {
  const values = new Map<string, unknown>();
  for (const fact of facts) {
    const value = probes[fact.name];
    if (value === undefined) throw new Error(`the fixture has no output for the probe of ${fact.name}`);
    values.set(fact.name, fact.parse(raw(value)));
  }
  return new FactSet(values);
}
