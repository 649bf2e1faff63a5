/**
 * `ops init`, step by step: hosts -> probe (host keys, facts, sudo) -> key installation -> mirrors
 * by measurement -> registry and compliance -> the files, validated, then written at once -> the
 * commands, and the offer to run them. Every side effect comes in through `WizardDeps`.
 */
import { READ_LIMITS, readUserFileIfExistsSync } from "../fs/read-file.js";
import { dirname, relative } from "node:path";
import { Interrupted } from "../errors.js";
import { printable } from "../report/printable.js";
import type { LoadedPlaybook } from "../run/prepare.js";
import type { Ask } from "./ask.js";
import { checkFiles } from "./check-files.js";
import { complianceStep } from "./compliance-step.js";
import { askHosts } from "./hosts-step.js";
import { renderInventory } from "./inventory-doc.js";
import { keyStep } from "./key-step.js";
import type { LiveOutput } from "./live-lines.js";
import type { LocalKey } from "./local-keys.js";
import { mirrorsStep } from "./mirrors-step.js";
import { planFiles } from "./plan-files.js";
import type { Login, WizardConnect } from "./probe-host.js";
import { conflictsOf } from "./host-facts.js";
import { probeStep, type ProbedHost } from "./probe-step.js";
import { registryStep } from "./registry-step.js";
import { repoKeyStep, type RepoKey } from "./repo-key.js";
import { runStep, type Runner } from "./run-step.js";
import { groupVarsFile, renderVars } from "./vars-doc.js";
import { writeFilesAtomically, type FileToWrite } from "./write-files.js";
import { registryFiles } from "./registry-files.js";
import { createKeyring, fixedPassword, joinKeyrings, type VaultKeyring } from "../vault/keyring.js";

export interface WizardDeps {
  ask: Ask;
  connect: WizardConnect;
  out: LiveOutput;
  runner: Runner;
  /** The default answer of the inventory question (the command line's --inventory). */
  inventory: string;
  /** known_hosts given on the command line; else the transport's default (~/.ssh/known_hosts). */
  knownHostsFile: string | undefined;
  cwd: string;
  home: string;
  /** `user@machine`, the comment of a key the wizard makes. */
  keyComment: string;
  agent: boolean;
  keys: readonly LocalKey[];
  createKey: (path: string, comment: string) => Promise<LocalKey>;
  /**
   * The playbooks the written files must satisfy (install-engine, and deploy-registry when chosen),
   * and every variable name ops knows, as `ops inventory check` loads them.
   */
  playbooks: (
    names: readonly string[],
  ) => Promise<{ playbooks: LoadedPlaybook[]; known: ReadonlySet<string> }>;
  capabilities: {
    canDeploy: boolean;
    canSchedule: boolean;
    /** Reads a registry's CA certificate file (registry-ca.ts); without it, trusting a CA is disabled. */
    readCa?: (path: string) => string;
  };
  now: () => Date;
  signal?: AbortSignal | undefined;
  /**
   * The vault password(s) given to ops init, for an inventory that already holds vaults: its hosts
   * are read with them, and the written files checked with them; `passwordFile`, when one was named,
   * goes into the commands printed and run at the end.
   */
  vault?: { keyring: VaultKeyring; passwordFile?: string | undefined } | undefined;
}

/** The keyring that opens the files to write: the inventory's own vaults and the new values. */
function vaultOf(given: VaultKeyring | undefined, made: string | undefined): { vault?: VaultKeyring } {
  const mine = made !== undefined ? createKeyring([fixedPassword(made)]) : undefined;
  if (given === undefined || !given.configured) return mine ? { vault: mine } : {};
  return { vault: mine ? joinKeyrings(given, mine) : given };
}

/** A path as the person would type it from where they are: relative below, absolute elsewhere. */
function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === "" || rel.startsWith("..") ? path : rel;
}

/** The file's text when it exists (the inventory being extended, its group_vars), read the one bounded way. */
const readIfThere = (path: string): string | undefined =>
  readUserFileIfExistsSync(path, { what: "inventory file", maxBytes: READ_LIMITS.inventory });

/**
 * Runs the wizard; resolves with the exit code of what it ran at the end (0 when it only wrote files).
 *
 * @example const code = await runWizard({ ask: terminalAsk(prompts), connect, out, runner, ... });
 */
export async function runWizard(deps: WizardDeps): Promise<number> {
  const say = (line: string) => deps.out.write(`${printable(line, true)}\n`);
  const { ask } = deps;
  say(
    "ops init: looks at your hosts first, then asks only what it cannot find out. Ctrl-C quits, nothing written.",
  );
  say("");
  const answer = await askHosts(ask, {
    inventory: deps.inventory,
    cwd: deps.cwd,
    keys: deps.keys,
    agent: deps.agent,
    localUser: deps.keyComment.split("@")[0] ?? "",
    home: deps.home,
    say,
    vault: deps.vault?.keyring,
  });
  const first: Login = {
    user: answer.user,
    auth: answer.auth,
    keyFile: answer.keyFile,
    password: answer.password,
    become: answer.become,
    knownHostsFile: deps.knownHostsFile,
  };
  say("");
  say(`Probing ${answer.addresses.length} host(s):`);
  const probed = await probeStep(ask, answer.addresses, first, {
    connect: deps.connect,
    out: deps.out,
    say,
    signal: deps.signal,
  });
  let hosts: readonly ProbedHost[] = probed.hosts;
  try {
    for (const d of probed.dropped) say(`  left out: ${d.label} (${d.reason})`);
    const keys = await keyStep(ask, hosts, probed.login, {
      keys: deps.keys,
      home: deps.home,
      comment: deps.keyComment,
      createKey: deps.createKey,
      connect: deps.connect,
      out: deps.out,
      say,
    });
    say("");
    say("Timing the mirrors from the hosts:");
    const mirrors = await mirrorsStep(ask, hosts, { out: deps.out, say });
    const firstHost = hosts[0] as ProbedHost;
    const repoKey: RepoKey = mirrors.customRepo
      ? await repoKeyStep(ask, firstHost, mirrors.repo, say)
      : { fingerprint: undefined, note: "" };
    const date = deps.now().toISOString().slice(0, 10);
    const inventoryShown = shownPath(deps.cwd, answer.inventoryFile);
    const base = {
      date,
      inventoryShown,
      hosts,
      existing: answer.existing,
      login: keys.login,
      keyInstalled: keys.keyWorks.length > 0 && probed.login.auth === "password",
      home: deps.home,
      knownHostsFile: deps.knownHostsFile,
      mirrors,
      repoKey,
    };
    const names = planFiles({ ...base, registry: { kind: "none", vars: [] } }).names;
    const registry = await registryStep(ask, {
      ...deps.capabilities,
      hostNames: names.map((n) => n.name),
      accounts: { inventoryDir: dirname(answer.inventoryFile), home: deps.home, say },
    });
    const compliance = await complianceStep(ask, { canSchedule: deps.capabilities.canSchedule, say });
    const plan = planFiles({
      ...base,
      registry,
      ...(compliance.cisProfile ? { cisProfile: compliance.cisProfile } : {}),
    });

    // Done with the hosts: the runs below open their own connections.
    await Promise.all(hosts.map((h) => h.transport.close()));
    hosts = [];

    const varsFile = groupVarsFile(dirname(answer.inventoryFile));
    const files: FileToWrite[] = [
      {
        path: answer.inventoryFile,
        content: renderInventory(readIfThere(answer.inventoryFile), plan.inventory),
      },
      {
        path: varsFile,
        content: renderVars(
          readIfThere(varsFile),
          `Variables of every host, written by \`ops init\` on ${date}. \`ops playbooks\` lists them all with their defaults.`,
          plan.vars,
        ),
      },
    ];
    const accounts = registry.accounts;
    if (accounts) files.push(...registryFiles(accounts, dirname(answer.inventoryFile), date));
    const vault = accounts?.vault;
    const playbooks = ["install-engine", ...(registry.kind === "deploy" ? ["deploy-registry"] : [])];
    const checked = await checkFiles({
      // The vault password file lives outside the inventory: it is not part of what is checked.
      files: files.filter((f) => f.path !== vault?.passwordFile),
      ...vaultOf(deps.vault?.keyring, vault?.password),
      inventoryFile: answer.inventoryFile,
      ...(await deps.playbooks(playbooks)),
      intended: plan.intended,
      newHosts: plan.names.map((n) => n.name),
    });
    if (deps.signal?.aborted) throw new Interrupted("interrupted before writing: nothing was written");
    await writeFilesAtomically(files);
    say("");
    say(
      `Wrote ${files.map((f) => shownPath(deps.cwd, f.path)).join(" and ")} (${checked.targets.length} host(s), valid for ${playbooks.join(", ")}).`,
    );
    for (const line of checked.overridden) say(`  ! ${line}: the value ops init chose does not apply there`);
    for (const n of keys.needPassword) {
      say(
        `  ! ${n.label} still needs a password to log in (${n.reason}): set ansible_password there, or install a key`,
      );
    }
    if (plan.inventory.connection["ansible_become"]?.comment.includes("password")) {
      say(
        "  ! sudo asks for a password on some hosts: ops runs need ansible_become_password there (ops init keeps no password)",
      );
    }
    const conflicts = probed.hosts
      .filter((h) => conflictsOf(h.facts).length > 0)
      .map((h) => plan.names.find((n) => n.label === h.label)?.name ?? h.label);
    return await runStep(
      ask,
      {
        inventory: inventoryShown,
        conflicts,
        deployHost: registry.deployHost,
        schedule: compliance.schedule,
        ...(vault || deps.vault?.passwordFile !== undefined
          ? { vaultPasswordFile: shownPath(deps.cwd, vault?.passwordFile ?? deps.vault?.passwordFile ?? "") }
          : {}),
      },
      deps.runner,
      say,
    );
  } finally {
    await Promise.all(hosts.map((h) => h.transport.close()));
  }
}
