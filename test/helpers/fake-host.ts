/**
 * A fake host that answers the batched fact probe the way a real shell would: it finds the framing
 * lines in the probe script and prints each fact's raw output between them.
 */
import type { ExecResult } from "../../src/transport/transport.js";

/** Raw probe output per fact name; facts not listed print nothing. */
export type RawFacts = Record<string, string>;

export function answerProbe(script: string, raw: RawFacts): ExecResult | undefined {
  const names = [...script.matchAll(/^# fact: (.*)$/gm)].map((m) => m[1] ?? "");
  const begins = [...script.matchAll(/'(@@ops-([0-9a-f]+)-begin-(\d+)@@)'/g)];
  if (begins.length === 0) return undefined;
  const out = begins.map((m, i) => {
    const nonce = m[2] ?? "";
    const body = raw[names[i] ?? ""] ?? "";
    return `${m[1]}\n${body}\n@@ops-${nonce}-end-${m[3]}@@ 0\n`;
  });
  return { code: 0, stdout: out.join(""), stderr: "" };
}
