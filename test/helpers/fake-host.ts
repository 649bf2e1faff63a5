/**
 * A fake host that answers the batched fact probe the way a real shell would: it finds the framing
 * lines in the probe script and prints each fact's raw output between them, honouring the gates
 * (a gated section whose needs did not exit 0 is printed as skipped).
 */
import { HOST_FACT_PROBES } from "../../src/packages/host-facts.js";
import type { ExecResult } from "../../src/transport/transport.js";

/** The host-facts section that lists the package managers present (named by every family's managers). */
export const MANAGERS = HOST_FACT_PROBES.find((f) => f.name.startsWith("commands:"))?.name ?? "commands:";

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
 * What a Rocky 9 host with dnf prints for the host facts (the first stage of every host's command):
 * the default of every fake host, so a test names only the facts it is about.
 */
export const EL9_HOST_FACTS: RawFacts = {
  "os-release":
    'NAME="Rocky Linux"\nVERSION_ID="9.4"\nID="rocky"\nID_LIKE="rhel centos fedora"\nPRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"\n\n@@release-file@@\nRocky Linux release 9.4 (Blue Onyx)\n',
  kernel: "5.14.0-427.13.1.el9_4.x86_64 x86_64\n",
  [MANAGERS]: "present dnf\npresent yum\n",
};

/**
 * Answers a batch section by section: `answer` gives each section's output and exit status, but
 * the host facts (the first stage of every host's command) come from `hostFacts`, el9 by default.
 *
 * @example answerBatch(script, (s) => s.probe.includes("docker pull") ? { code: 1, output: "denied" } : { code: 0, output: "" })
 */
export function answerBatch(
  script: string,
  answer: (section: BatchSection) => { code: number; output: string },
  hostFacts: RawFacts = EL9_HOST_FACTS,
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
    const known = Object.hasOwn(hostFacts, section.name) ? hostFacts[section.name] : undefined;
    const { code, output } = known !== undefined ? { code: 0, output: known } : answer(section);
    codes[i] = code;
    return `${begin}${output}\n@@ops-${nonce}-end-${i}@@ ${code}\n`;
  });
  return { code: 0, stdout: out.join(""), stderr: "" };
}

/** Answers a probe from recorded raw output per fact name (every section exits 0), an el9 host's facts by default. */
export function answerProbe(script: string, raw: RawFacts): ExecResult | undefined {
  const all = { ...EL9_HOST_FACTS, ...raw };
  const hostFacts = Object.fromEntries(Object.keys(EL9_HOST_FACTS).map((k) => [k, all[k] ?? ""]));
  return answerBatch(
    script,
    (s) => ({ code: 0, output: Object.hasOwn(all, s.name) ? (all[s.name] ?? "") : "" }),
    hostFacts,
  );
}
