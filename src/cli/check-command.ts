/**
 * `ops check`: compliance on the one engine. Every input (policy, waivers, inventory, the history
 * database) is read and checked before any host is touched; then each host's drift and CIS checks
 * run read-only in one round trip; then the run is stored, the reports are written and, when asked,
 * a notification goes out. An interrupted run stores nothing.
 */
import { printable } from "../report/printable.js";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { utcDay } from "../compliance/apply-waivers.js";
import { catalog } from "../compliance/checks/catalog.js";
import { allWaivers, complianceJudged, compliancePlaybook } from "../compliance/compliance-playbook.js";
import { driftIdsOf } from "../compliance/drift-ids.js";
import { finishRun, type Finished } from "../compliance/finish-run.js";
import { defaultHistoryPath, openHistory } from "../compliance/history/open.js";
import { applyPolicy, loadPolicy } from "../compliance/policy.js";
import { listText, runSummaryText } from "../compliance/report/text.js";
import { recordRun, type ComplianceRun } from "../compliance/run-record.js";
import { secretMasker } from "../compliance/mask.js";
import { checkSet, policyDigest } from "../compliance/run-identity.js";
import { loadWaivers, type Waiver } from "../compliance/waivers.js";
import { ConfigError } from "../errors.js";
import type { HostResult } from "../events.js";
import { loadInventory } from "../inventory/load.js";
import { keyringFrom } from "./vault-options.js";
import type { Inventory } from "../inventory/types.js";
import { junitReporter } from "../report/junit-reporter.js";
import type { LoadedPlaybook } from "../run/prepare.js";
import { executeCommand, type HostsCliOptions } from "./execute-command.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { loadPlaybook } from "./load-playbook.js";

export interface CheckCliOptions extends Omit<HostsCliOptions, "inventory"> {
  inventory?: string;
  policy?: string;
  waivers?: string;
  /** A SQLite path or a postgres:// URL; false with --no-history. */
  history?: string | false;
  reportDir?: string;
  html?: string;
  prometheus?: string;
  notify?: string;
  list?: boolean;
  /** The Prometheus `inventory` label (a schedule's name); default the inventory file. */
  metricsName?: string;
  /** Retention: keep the newest N runs, and runs younger than D days. */
  keepRuns?: number;
  keepDays?: number;
  /** Waive what the inventory itself configures (a host's insecure_registries for CIS 2.5). */
  waiveConfigured?: boolean;
}

/**
 * The playbooks whose plan is drift: install-engine on every host ops manages, and deploy-registry
 * when the inventory has a registry (a host in its `registry_group`, or `registry_hostname` set).
 */
export function driftPlaybooks(inventory?: Inventory): string[] {
  const registry = inventory?.hosts.some((h) => {
    const group = typeof h.vars.registry_group === "string" ? h.vars.registry_group : "registry";
    const named = typeof h.vars.registry_hostname === "string" && h.vars.registry_hostname !== "";
    return named || (inventory.groups[group]?.length ?? 0) > 0;
  });
  return registry ? ["install-engine", "deploy-registry"] : ["install-engine"];
}

/** The drift playbooks, and the drift ids a policy or waiver may name. */
export async function loadDrift(
  inventory?: Inventory,
): Promise<{ drift: LoadedPlaybook[]; driftIds: string[] }> {
  const drift: LoadedPlaybook[] = [];
  for (const name of driftPlaybooks(inventory)) drift.push(await loadPlaybook(name));
  return { drift, driftIds: driftIdsOf(drift) };
}

/** Sortable and readable: 20260501T020000Z-3fa2. */
export const historyRunId = (at: Date): string =>
  `${at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomBytes(2).toString("hex")}`;

function checkNotifyUrl(url: string): void {
  let ok = false;
  try {
    ok = ["http:", "https:"].includes(new URL(url).protocol);
  } catch {
    ok = false;
  }
  // The URL may carry a token: the message never repeats it.
  if (!ok) throw new ConfigError("--notify must be an http:// or https:// URL", { path: "--notify" });
}

/** The engine's JUnit reporter, fed the run's events again, for the report directory. */
function junitOf(startedAt: string, hosts: readonly HostResult[]): string {
  let xml = "";
  const sink = junitReporter((t) => (xml += t));
  const names = hosts.map((h) => h.host);
  sink({
    kind: "run-start",
    command: "check",
    playbook: "compliance",
    hosts: names,
    check: true,
    at: startedAt,
  });
  sink({ kind: "run-done", command: "check", hosts: [...hosts], ms: 0, check: true, interrupted: false });
  return xml;
}

/**
 * @example const code = await checkCommand({ inventory: "hosts.yaml", output: "pretty", forks: 50, ... });
 */
export async function checkCommand(
  opts: CheckCliOptions,
  write: (text: string) => void = (t) => void process.stdout.write(t),
  warn: (text: string) => void = (t) => void process.stderr.write(t),
): Promise<number> {
  const inventory =
    opts.inventory === undefined
      ? undefined
      : await loadInventory(opts.inventory, { vault: keyringFrom(opts) });
  const { drift, driftIds } = await loadDrift(inventory);
  const policy = loadPolicy(opts.policy, driftIds);
  if (opts.list) {
    const all = catalog(policy.params);
    write(listText(all, new Set(applyPolicy(policy, all).map((c) => c.id))));
    return EXIT.ok;
  }
  if (opts.inventory === undefined || inventory === undefined)
    throw new ConfigError("ops check needs an inventory", { path: "--inventory" }, "ops check -i hosts.yaml");
  const inventoryFile = opts.inventory;
  // Waiver host patterns resolve against the whole inventory: --limit must not turn one into an error.
  const waivers: Waiver[] = opts.waivers ? loadWaivers(opts.waivers, inventory, driftIds) : [];
  if (opts.notify !== undefined) {
    checkNotifyUrl(opts.notify);
    if (opts.history === false)
      throw new ConfigError("--notify compares with the run before: it needs history", {
        path: "--no-history",
      });
  }
  const store = opts.history === false ? undefined : await openHistory(opts.history || defaultHistoryPath());
  try {
    const started = new Date();
    const startedAt = started.toISOString();
    const today = utcDay(started);
    const setup = {
      policy,
      waivers,
      today,
      drift,
      ...(opts.waiveConfigured ? { configured: [] as Waiver[] } : {}),
    };
    let kept: { run: ComplianceRun; finished: Finished } | undefined;
    // Runs once every host is done (never after an interrupt): the run is stored, reported, announced.
    const keep = async (hosts: readonly HostResult[]) => {
      const exitCode = exitCodeFor({ command: "check", hosts, check: true, interrupted: false });
      const meta = {
        id: historyRunId(started),
        startedAt,
        finishedAt: new Date().toISOString(),
        inventory: resolve(inventoryFile),
        targets: opts.limit ?? "all",
        policy: [...policy.files],
        policyDigest: policyDigest(policy),
        checkSet: checkSet(applyPolicy(policy, catalog(policy.params)), policy.drift),
        exitCode,
      };
      const run = recordRun(meta, hosts, allWaivers(setup), today);
      const finished = await finishRun(run, {
        ...(store ? { store } : {}),
        ...(opts.reportDir !== undefined
          ? { reportDir: opts.reportDir, junit: junitOf(startedAt, hosts) }
          : {}),
        ...(opts.html !== undefined ? { html: opts.html } : {}),
        ...(opts.prometheus !== undefined ? { prometheus: opts.prometheus } : {}),
        ...(opts.metricsName !== undefined ? { metricsName: opts.metricsName } : {}),
        ...(opts.notify !== undefined ? { notifyUrl: opts.notify } : {}),
        ...(opts.keepRuns !== undefined || opts.keepDays !== undefined
          ? {
              retention: {
                ...(opts.keepRuns !== undefined ? { keepRuns: opts.keepRuns } : {}),
                ...(opts.keepDays !== undefined ? { keepDays: opts.keepDays } : {}),
              },
            }
          : {}),
      });
      kept = { run, finished };
    };
    const { code } = await executeCommand(
      {
        command: "check",
        playbooks: [{ playbook: compliancePlaybook({ ...setup, keep }) }],
        stages: { resources: true, checks: "read-only" },
        apply: false,
        drift: policy.drift,
        judged: complianceJudged(setup),
        maskText: secretMasker(policy.secretPatterns),
      },
      { ...opts, inventory: inventoryFile },
    );
    if (kept !== undefined) {
      if (kept.finished.notified) warn(`notified: ${printable(kept.finished.notified)}\n`);
      if (opts.output === "pretty")
        write(
          runSummaryText(kept.run, {
            ...(store ? { history: store.where } : {}),
            reports: kept.finished.reports,
          }),
        );
    }
    return code;
  } finally {
    await store?.close();
  }
}
