/**
 * Batches the probes of many facts into ONE POSIX sh script, so gathering costs one round trip,
 * and splits the output back into per-fact sections.
 *
 * Each section is framed by lines that carry a random per-run nonce: a probe's output (a file, a
 * URL body, an os-release value) cannot forge a frame it cannot guess.
 */
import { randomBytes } from "node:crypto";
import { FactError } from "../errors.js";
import { FactSet, type Fact } from "./fact.js";

/** What a probe's stderr becomes: folded into its stdout, or thrown away (the default). */
export type StderrMode = "fold" | "discard";

/** A fact may say what to do with its probe's stderr; facts that don't say get "discard". */
export type GatheredFact<T> = Fact<T> & { readonly stderr?: StderrMode };

/** A fresh nonce for one gathering: 32 hex characters. */
export function makeNonce(): string {
  return randomBytes(16).toString("hex");
}

const begin = (nonce: string, i: number): string => `@@ops-${nonce}-begin-${i}@@`;
const end = (nonce: string, i: number): string => `@@ops-${nonce}-end-${i}@@`;

/** Facts deduplicated by name, first occurrence kept, order preserved. */
export function uniqueFacts(facts: readonly Fact<unknown>[]): Fact<unknown>[] {
  const seen = new Map<string, Fact<unknown>>();
  for (const f of facts) if (!seen.has(f.name)) seen.set(f.name, f);
  return [...seen.values()];
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
export function buildProbe(facts: readonly Fact<unknown>[], nonce: string = makeNonce()): string {
  if (!/^[0-9a-f]{8,}$/.test(nonce)) throw new Error("nonce must be at least 8 lowercase hex characters");
  const parts = ["#!/bin/sh", "# ops fact probe: one section per fact", "LC_ALL=C; export LC_ALL"];
  uniqueFacts(facts).forEach((fact, i) => {
    const stderr = (fact as GatheredFact<unknown>).stderr === "fold" ? "2>&1" : "2>/dev/null";
    parts.push(
      `# fact: ${fact.name.replace(/[\r\n]/g, " ")}`,
      `printf '%s\\n' '${begin(nonce, i)}'`,
      `(\n${fact.probe}\n) </dev/null ${stderr}`,
      `printf '\\n%s %s\\n' '${end(nonce, i)}' "$?"`,
    );
  });
  return parts.join("\n") + "\n";
}

/**
 * Splits the output of `buildProbe` and parses each section with its fact. Pure.
 * Throws FactError naming the fact when its section is missing or its parser throws.
 */
export function parseProbeOutput(facts: readonly Fact<unknown>[], stdout: string, nonce: string): FactSet {
  const values = new Map<string, unknown>();
  uniqueFacts(facts).forEach((fact, i) => {
    const raw = section(stdout, nonce, i);
    if (raw === undefined) throw new FactError(fact.name, `the probe printed no section for ${fact.name}`);
    try {
      values.set(fact.name, fact.parse(raw));
    } catch (err) {
      if (err instanceof FactError) throw err;
      throw new FactError(fact.name, `${fact.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return new FactSet(values);
}

/** The text between the begin line and the end line of section `i`, exactly as the probe printed it. */
function section(stdout: string, nonce: string, i: number): string | undefined {
  const open = `${begin(nonce, i)}\n`;
  const start = stdout.indexOf(open);
  if (start < 0) return undefined;
  const from = start + open.length;
  // The end frame is preceded by the newline buildProbe prints before it.
  const stop = stdout.indexOf(`\n${end(nonce, i)} `, from);
  if (stop < 0) return undefined;
  return stdout.slice(from, Math.max(from, stop));
}
