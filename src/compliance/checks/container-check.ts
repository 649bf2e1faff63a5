/**
 * The one judge of per-container checks (CIS 4.1 and section 5): a rule says what is wrong with one
 * container, this says it of every running container, naming each (name, short id, image) in the
 * message, in the evidence and in `subjects` (what waivers' `containers:` patterns match). A
 * container the rule cannot judge (its processes could not be listed) is an error, never a pass.
 */
import { verdict, type Check, type CheckResult } from "../../checks/check.js";
import { printable } from "../../report/printable.js";
import { dockerDaemon } from "../../facts/docker-info.js";
import type { Fact, FactSet } from "../../facts/fact.js";
import { containers, type ContainerInfo, type Containers } from "../facts/containers.js";
import {
  complianceCheck,
  engineDown,
  listWords,
  notApplicable,
  type CheckMeta,
  type RunningEngine,
} from "./support.js";

/** What a rule finds in one container: why it fails, that it could not tell (an error), or nothing. */
export type Finding = string | { readonly error: string } | undefined;

export interface ContainerRule extends CheckMeta {
  /** Why a container breaks the rule, or undefined when it does not. */
  offends(c: ContainerInfo, facts: FactSet, found: Containers): Finding;
  /** The field(s) the rule reads, for evidence: "CapAdd=[NET_ADMIN]". */
  shows?(c: ContainerInfo): string;
  /** Reads `docker info` too, and does not apply when this says why (no AppArmor in the engine). */
  applies?(info: RunningEngine): string | undefined;
  /** Message when every container is fine. */
  good: string;
  expected: string;
  hint: string;
  /** Facts the rule reads besides the containers. */
  facts?: Check["facts"];
}

/**
 * One field of host data in evidence: escaped on its own (the one rule of src/report/printable.ts),
 * so a name or a mount source with a newline cannot forge a line of the evidence.
 */
export const field = (value: string): string => printable(value);

/** How evidence names a container: `web (3f2a1b9c0d4e, busybox)`. */
export const containerName = (c: ContainerInfo): string =>
  `${field(c.name)} (${field(c.id.slice(0, 12))}, ${field(c.image)})`;

const describe = (c: ContainerInfo) =>
  `privileged=${c.privileged} network=${c.network} memory=${c.memory} ` +
  `restart=${c.restart || "no"}:${c.restartRetries} health=${c.health ?? "none"} ` +
  `mounts=${c.mounts.map((m) => m.source).join(",") || "none"}`;

type Judged = [ContainerInfo, string];

function judgeAll(rule: ContainerRule, facts: FactSet, found: Containers, command: string): CheckResult {
  const bad: Judged[] = [];
  const unknown: Judged[] = [];
  for (const c of found.containers) {
    const f = rule.offends(c, facts, found);
    if (typeof f === "string") bad.push([c, field(f)]);
    else if (f !== undefined) unknown.push([c, field(f.error)]);
  }
  const flagged = new Set([...bad, ...unknown].map(([c]) => c.id));
  const show = rule.shows ?? describe;
  // Offenders last: the evidence keeps the last lines.
  const ordered = [
    ...found.containers.filter((c) => !flagged.has(c.id)),
    ...found.containers.filter((c) => flagged.has(c.id)),
  ];
  const evidence = {
    command,
    output:
      ordered.map((c) => `${containerName(c)}: ${field(show(c))}`).join("\n") || "no running containers",
    source: "docker inspect",
  };
  const n = found.containers.length;
  if (n === 0) return verdict("pass", "no running containers", evidence);
  const say = (items: Judged[]) => items.map(([c, why]) => `${containerName(c)}: ${why}`);
  if (bad.length > 0) {
    const more = unknown.length > 0 ? `; could not judge ${listWords(say(unknown))}` : "";
    const result = verdict(
      "fail",
      `${bad.length} running container${bad.length === 1 ? "" : "s"}: ${listWords(say(bad))}${more}`,
      evidence,
      { expected: rule.expected, actual: say(bad).join("; "), hint: rule.hint },
    );
    return { ...result, subjects: bad.map(([c]) => c.name) };
  }
  if (unknown.length > 0)
    return verdict("error", `could not judge ${listWords(say(unknown))}`, evidence, {
      hint: "check again: a container that stopped meanwhile cannot be judged",
    });
  return verdict("pass", `${rule.good} (${n} running)`, evidence);
}

/** A check over every running container; a container that breaks the rule fails it, named. */
export function containerCheck(rule: ContainerRule): Check {
  const { applies, facts: extra = [] } = rule;
  const all: Fact<unknown>[] = [containers, ...(applies ? [dockerDaemon] : []), ...extra];
  const command = containers.command ?? "docker inspect";
  return complianceCheck(rule, all, (facts) => {
    if (applies) {
      const info = facts.get(dockerDaemon);
      if (info.status !== "running") return engineDown(info);
      const why = applies(info);
      if (why !== undefined)
        return notApplicable(why, {
          command: "docker info --format '{{json .SecurityOptions}}'",
          output: `SecurityOptions: ${JSON.stringify(info.securityOptions)}`,
          source: "docker info",
        });
    }
    return judgeAll(rule, facts, facts.get(containers), command);
  });
}
