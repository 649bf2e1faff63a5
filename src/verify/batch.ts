/**
 * Runs the checks of one host in ONE script (one round trip) and splits its output back into a
 * section per check. Checks with the same script share one section (the docker-info probe feeds
 * four checks). A check whose `needs` did not exit 0 is not run; its section says so.
 *
 * The script traps EXIT (and TERM, HUP, INT, PIPE) to run the cleanup, so everything the checks
 * created is removed when a check fails, when the shell is killed, and when the SSH channel goes away.
 */
import { randomBytes } from "node:crypto";
import { quote } from "../transport/quote.js";
import type { Check, CheckContext, SectionResult } from "./check.js";
import { cleanupScript, pidFile } from "./names.js";

/** How long one docker command may take in a batch (a pull through a slow mirror is the longest). */
export const COMMAND_TIMEOUT_S = 180;

/** What a section holds: its script, and the sections that must have passed first. */
export interface Section {
  script: string;
  needs: number[];
}

export interface BatchPlan {
  sections: Section[];
  /** The section index of each check, in the order of the checks. */
  sectionOf: number[];
}

/** Groups checks into sections (equal scripts share one) and resolves `needs` to section indexes. */
export function planBatch(checks: readonly Check[], ctx: CheckContext): BatchPlan {
  const sections: Section[] = [];
  const byScript = new Map<string, number>();
  const byId = new Map<string, number>();
  const sectionOf = checks.map((check) => {
    const script = check.script(ctx);
    const needs = (check.needs ?? []).map((id) => {
      const at = byId.get(id);
      if (at === undefined) throw new Error(`check ${check.id} needs ${id}, which is not listed before it`);
      return at;
    });
    let at = needs.length === 0 ? byScript.get(script) : undefined;
    if (at === undefined) {
      at = sections.length;
      sections.push({ script, needs });
      if (needs.length === 0) byScript.set(script, at);
    }
    byId.set(check.id, at);
    return at;
  });
  return { sections, sectionOf };
}

/** A fresh nonce: section frames no output can forge. */
export function makeNonce(): string {
  return randomBytes(12).toString("hex");
}

const frame = (nonce: string, what: string, i: number) => `@@verify-${nonce}-${what}-${i}@@`;

/** The whole script of one host: preamble, cleanup trap, then each section framed by nonce lines. */
export function buildBatch(plan: BatchPlan, ctx: CheckContext, nonce: string): string {
  const parts = [
    "LC_ALL=C; export LC_ALL",
    `echo $$ > ${quote(pidFile(ctx))}`,
    "OPS_VERIFY_SELF=$$",
    `cleanup() {\n${cleanupScript(ctx)}\n}`,
    // `exit` inside a signal trap runs the EXIT trap: cleanup happens exactly once on every path.
    "trap 'cleanup >/dev/null 2>&1' EXIT",
    "trap 'exit 143' TERM HUP INT PIPE",
    // A hung daemon must not hold the run forever: every docker command goes through t.
    "t() { if command -v timeout >/dev/null 2>&1; then timeout " +
      `${COMMAND_TIMEOUT_S} "$@"; else "$@"; fi; }`,
  ];
  plan.sections.forEach((section, i) => {
    const gate = section.needs.map((n) => `[ "$s${n}" = 0 ]`).join(" && ") || "true";
    parts.push(
      `printf '%s\\n' '${frame(nonce, "begin", i)}'`,
      `if ${gate}; then\n(\n${section.script}\n) </dev/null 2>&1\ns${i}=$?\nelse\nprintf '%s\\n' '${frame(nonce, "skip", i)}'; s${i}=skip\nfi`,
      `printf '\\n%s %s\\n' '${frame(nonce, "end", i)}' "$s${i}"`,
    );
  });
  return parts.join("\n") + "\n";
}

/** A section's outcome: its output and exit code, `skipped` when a need failed, or missing. */
export type SectionOutcome = (SectionResult & { skipped: boolean }) | undefined;

/**
 * Splits the batch's stdout into sections. Pure. A section is undefined when its end frame is
 * missing (the script died there), so the caller reports that check as an error, never a pass.
 */
export function splitBatch(stdout: string, count: number, nonce: string): SectionOutcome[] {
  return Array.from({ length: count }, (_, i) => {
    const open = `${frame(nonce, "begin", i)}\n`;
    const start = stdout.indexOf(open);
    if (start < 0) return undefined;
    const bodyStart = start + open.length;
    const close = new RegExp(`\\n${frame(nonce, "end", i)} (\\S+)\\n`).exec(stdout.slice(bodyStart));
    if (!close) return undefined;
    const output = stdout.slice(bodyStart, bodyStart + close.index);
    if (close[1] === "skip") return { code: -1, output: "", skipped: true };
    return { code: Number(close[1]), output, skipped: false };
  });
}
