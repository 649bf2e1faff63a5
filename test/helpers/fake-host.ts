/**
 * A fake host that answers the batched fact probe the way a real shell would: it finds the framing
 * lines in the probe script and prints each fact's raw output between them, honouring the gates
 * (a gated section whose needs did not exit 0 is printed as skipped).
 */
import type { ExecResult } from "../../src/transport/transport.js";

/** Raw probe output per fact name; facts not listed print nothing. */
export type RawFacts = Record<string, string>;

/** One section of a batch: the fact's name, its probe, and the sections it is gated on. */
export interface BatchSection {
  name: string;
  probe: string;
  needs: number[];
}

/** The sections of a batch built by buildProbe, and its nonce; undefined when `script` is not a batch. */
export function readBatch(script: string): { nonce: string; sections: BatchSection[] } | undefined {
  const nonce = /'@@ops-([0-9a-f]+)-begin-0@@'/.exec(script)?.[1];
  if (nonce === undefined) return undefined;
  const parts = script.split(/^# fact: /m).slice(1);
  const sections = parts.map((part) => {
    const name = part.slice(0, part.indexOf("\n"));
    const probe = /\n\(\n([\s\S]*?)\n\) <\/dev\/null/.exec(part)?.[1] ?? "";
    const gate = /^if (.*); then$/m.exec(part)?.[1] ?? "";
    const needs = [...gate.matchAll(/\$s(\d+)/g)].map((m) => Number(m[1]));
    return { name, probe, needs };
  });
  return { nonce, sections };
}

/**
 * Answers a batch section by section: `answer` gives each section's output and exit status.
 *
 * @example answerBatch(script, (s) => s.probe.includes("docker pull") ? { code: 1, output: "denied" } : { code: 0, output: "" })
 */
export function answerBatch(
  script: string,
  answer: (section: BatchSection) => { code: number; output: string },
): ExecResult | undefined {
  const batch = readBatch(script);
  if (!batch) return undefined;
  const { nonce } = batch;
  const codes: number[] = [];
  const out = batch.sections.map((section, i) => {
    const begin = `@@ops-${nonce}-begin-${i}@@\n`;
    if (section.needs.some((n) => codes[n] !== 0)) {
      codes[i] = -1;
      return `${begin}@@ops-${nonce}-skip-${i}@@\n\n@@ops-${nonce}-end-${i}@@ skip\n`;
    }
    const { code, output } = answer(section);
    codes[i] = code;
    return `${begin}${output}\n@@ops-${nonce}-end-${i}@@ ${code}\n`;
  });
  return { code: 0, stdout: out.join(""), stderr: "" };
}

/** Answers a probe from recorded raw output per fact name (every section exits 0). */
export function answerProbe(script: string, raw: RawFacts): ExecResult | undefined {
  return answerBatch(script, (s) => ({
    code: 0,
    output: Object.hasOwn(raw, s.name) ? (raw[s.name] ?? "") : "",
  }));
}
