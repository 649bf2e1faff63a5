/**
 * `ops schedule check|list|remove|run`: compliance on a timer. `check` checks every input now (so a
 * schedule never fails on its first night for a typo), saves the schedule (mode 0600: it may hold a
 * notify or database URL), and installs a systemd service and timer (user units when not root), or
 * a cron entry where there is no systemd. The unit runs `ops schedule run <name>`, which takes the
 * control machine's lock, runs `ops check` with the saved options (history, reports, notify) and
 * releases it.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { defaultHistoryPath, openHistory, stateDir } from "../compliance/history/open.js";
import { loadPolicy } from "../compliance/policy.js";
import { listSaved, readSaved, removeSaved, writeSaved } from "../compliance/schedule/saved.js";
import {
  DETECT_SCRIPT,
  installCommands,
  removeCommands,
  statusScript,
} from "../compliance/schedule/scripts.js";
import {
  checkScheduleName,
  checkTimes,
  type ScheduleKind,
  type ScheduleSpec,
} from "../compliance/schedule/spec.js";
import { targetFor, type ScheduleTarget } from "../compliance/schedule/units.js";
import { loadWaivers } from "../compliance/waivers.js";
import { ConfigError, RunStepFailed } from "../errors.js";
import { loadInventory } from "../inventory/load.js";
import { keyringFrom, savedVaultOptions, type VaultCliOptions } from "./vault-options.js";
import { PROJECT_ROOT } from "../paths.js";
import { printable } from "../report/printable.js";
import { LocalTransport } from "../transport/local.js";
import { quote } from "../transport/quote.js";
import type { Transport } from "../transport/transport.js";
import { tail } from "../text/tail.js";
import { loadDrift } from "./check-command.js";
import { EXIT } from "./exit-codes.js";

export interface ScheduleCheckOptions extends VaultCliOptions {
  name: string;
  onCalendar: string;
  cron: string;
  randomizedDelay: number;
  useCron: boolean;
  inventory: string;
  limit?: string;
  extraVars: string[];
  policy?: string;
  waivers?: string;
  history?: string;
  reportDir?: string;
  notify?: string;
  forks: number;
  knownHosts?: string;
  keepRuns?: number;
  keepDays?: number;
  waiveConfigured?: boolean;
}

export interface ScheduleDeps {
  transport: Transport;
  write(text: string): void;
  env: NodeJS.ProcessEnv;
  isRoot: boolean;
}

export const localDeps = (): ScheduleDeps => ({
  transport: new LocalTransport("localhost"),
  write: (t) => void process.stdout.write(t),
  env: process.env,
  isRoot: process.getuid?.() === 0,
});

export function targetOf(kind: ScheduleKind, name: string, deps: ScheduleDeps): ScheduleTarget {
  return targetFor(kind, name, {
    home: deps.env.HOME ?? homedir(),
    node: process.execPath,
    opsBin: join(PROJECT_ROOT, "bin", "ops.js"),
    ...(deps.env.XDG_CONFIG_HOME ? { xdgConfigHome: deps.env.XDG_CONFIG_HOME } : {}),
  });
}

/** Where this user's schedules are saved (root: system-wide). */
export const configDir = (deps: ScheduleDeps) =>
  targetOf(deps.isRoot ? "systemd-system" : "systemd-user", "x", deps).configDir;

async function exec(
  deps: ScheduleDeps,
  what: string,
  script: string,
  options?: Parameters<Transport["exec"]>[1],
) {
  const r = await deps.transport.exec(script, { become: false, ...(options ?? {}) });
  if (r.code !== 0)
    throw new RunStepFailed(
      what,
      "before",
      `${what} failed (exit ${r.code}): ${tail(r.stderr || r.stdout, 4)}`,
    );
  return r.stdout;
}

async function detectKind(deps: ScheduleDeps, useCron: boolean): Promise<ScheduleKind> {
  const found = (await exec(deps, "detect systemd or cron", DETECT_SCRIPT)).trim();
  if (found === "none")
    throw new ConfigError("this machine has neither systemd nor cron to run a schedule", {
      path: "ops schedule check",
    });
  if (useCron && found.startsWith("systemd")) return deps.isRoot ? "cron-system" : "cron-user";
  return found as ScheduleKind;
}

/**
 * @example await scheduleCheck({ name: "nightly", inventory: "hosts.yaml", ... }, localDeps())
 */
export async function scheduleCheck(opts: ScheduleCheckOptions, deps: ScheduleDeps): Promise<number> {
  checkScheduleName(opts.name);
  checkTimes(opts.onCalendar, opts.cron);
  const vault = savedVaultOptions(opts, deps.env);
  // Everything the run will read is checked now, with the same code the run uses.
  const inventory = await loadInventory(opts.inventory, { vault: keyringFrom(opts, deps.env) });
  const { driftIds } = await loadDrift(inventory);
  loadPolicy(opts.policy, driftIds);
  if (opts.waivers) loadWaivers(opts.waivers, inventory, driftIds);
  const history = opts.history ?? defaultHistoryPath(deps.env);
  await (await openHistory(history)).close();
  const kind = await detectKind(deps, opts.useCron);
  if (kind.startsWith("systemd")) {
    const r = await deps.transport.exec(`systemd-analyze calendar -- ${quote(opts.onCalendar)} >/dev/null`, {
      become: false,
    });
    if (r.code !== 0)
      throw new ConfigError(
        `systemd does not understand '${opts.onCalendar}'`,
        { path: "--on-calendar" },
        tail(r.stderr, 2),
      );
  }
  const abs = (p: string | undefined) => (p === undefined ? undefined : resolve(p));
  const spec: ScheduleSpec = {
    name: opts.name,
    onCalendar: opts.onCalendar,
    cron: opts.cron,
    randomizedDelaySec: opts.randomizedDelay,
    check: {
      inventory: resolve(opts.inventory),
      ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
      extraVars: opts.extraVars.map((e) => (e.startsWith("@") ? `@${resolve(e.slice(1))}` : e)),
      ...(opts.policy !== undefined ? { policy: abs(opts.policy) } : {}),
      ...(opts.waivers !== undefined ? { waivers: abs(opts.waivers) } : {}),
      history: /^postgres(ql)?:/i.test(history) ? history : resolve(history),
      reportDir: resolve(opts.reportDir ?? join(stateDir(deps.env), "reports", opts.name)),
      ...(opts.notify !== undefined ? { notify: opts.notify } : {}),
      forks: opts.forks,
      ...(opts.knownHosts !== undefined ? { knownHosts: abs(opts.knownHosts) } : {}),
      ...(opts.keepRuns !== undefined ? { keepRuns: opts.keepRuns } : {}),
      ...(opts.keepDays !== undefined ? { keepDays: opts.keepDays } : {}),
      ...(opts.waiveConfigured === true ? { waiveConfigured: true } : {}),
      ...vault,
    },
  };
  const target = targetOf(kind, opts.name, deps);
  // Rendered before anything is written: a value units or cron cannot hold installs nothing.
  const commands = installCommands(spec, target);
  await writeSaved(target.configDir, { version: 1, kind, spec });
  for (const [i, c] of commands.entries())
    await exec(deps, `install schedule step ${i + 1}`, c.script, c.options);
  const where = kind.startsWith("systemd")
    ? `${target.unitDir}/ops-check-${opts.name}.{service,timer}`
    : (target.cronFile ?? "the crontab");
  deps.write(
    `schedule ${opts.name}: ${kind}, ${kind.startsWith("systemd") ? opts.onCalendar : opts.cron}; installed in ${where}\n`,
  );
  deps.write(
    `  reports: ${spec.check.reportDir}\n  history: ${opts.history && /^postgres/i.test(history) ? "(PostgreSQL)" : spec.check.history}\n`,
  );
  if (kind === "systemd-user")
    deps.write(
      "  user units run while you are logged in; `loginctl enable-linger` keeps them running after you log out\n",
    );
  return EXIT.ok;
}

/** @example await scheduleList(localDeps()) */
export async function scheduleList(deps: ScheduleDeps): Promise<number> {
  const dir = configDir(deps);
  const names = await listSaved(dir);
  if (names.length === 0) {
    deps.write(`no schedules (${dir})\n`);
    return EXIT.ok;
  }
  for (const name of names) {
    const saved = await readSaved(dir, name);
    const t = targetOf(saved.kind, name, deps);
    const status = (await deps.transport.exec(statusScript(name, saved.kind, t), { become: false })).stdout;
    const kv = new Map(
      status
        .split("\n")
        .flatMap((l) => (l.includes("=") ? [[l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]] : [])),
    );
    const when = saved.kind.startsWith("systemd") ? saved.spec.onCalendar : saved.spec.cron;
    const next = kv.get("NextElapseUSecRealtime") || "-";
    const last = kv.has("service.Result")
      ? `${kv.get("service.Result")} (exit ${kv.get("service.ExecMainStatus")})`
      : "-";
    const installed = saved.kind.startsWith("systemd")
      ? (kv.get("ActiveState") ?? "missing")
      : kv.has("cron")
        ? "installed"
        : "missing";
    deps.write(
      `${printable(`${name}  ${saved.kind}  ${when}  timer: ${installed}  next: ${next}  last: ${last}  inventory: ${saved.spec.check.inventory}`)}\n`,
    );
  }
  return EXIT.ok;
}

/** @example await scheduleRemove("nightly", localDeps()) */
export async function scheduleRemove(name: string, deps: ScheduleDeps): Promise<number> {
  const saved = await readSaved(configDir(deps), name);
  const t = targetOf(saved.kind, name, deps);
  for (const c of removeCommands(name, t)) await exec(deps, "remove schedule", c.script, c.options);
  await removeSaved(t.configDir, name);
  deps.write(`schedule ${name} removed\n`);
  return EXIT.ok;
}
