// The two measured tools, each run as a user would run it from a shell, and checked: a run that
// fails is an error (the bench exits non-zero), never a fast-looking figure.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LabInfo } from "../lab/lab.js";
import { failedHosts, parseAnsibleRecap, parseOpsOutput, type AnsibleRecap, type OpsRun } from "./parse.js";
import { tail, timed } from "./proc.js";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(BENCH_DIR, "..", "..");
export const ANSIBLE_DIR = join(BENCH_DIR, "ansible");
/** A fresh install on 20 hosts over 2 cores takes minutes; this only stops a hung run. */
const TIMEOUT_MS = 30 * 60_000;

export interface OpsMeasure extends OpsRun {
  readonly ms: number;
  readonly maxRss: number | undefined;
}

/** `node bin/ops.js run install-engine` (the built CLI, as installed users run it) under GNU time. */
export async function runOps(
  lab: LabInfo,
  forks: number,
  extraNodeArgs: readonly string[] = [],
): Promise<OpsMeasure> {
  const args = [...extraNodeArgs, join(REPO_ROOT, "bin", "ops.js"), "run", "install-engine"];
  args.push("--inventory", lab.inventoryFile, "--forks", String(forks), "--output", "json");
  const r = await timed(process.execPath, args, {
    measureMemory: true,
    timeoutMs: TIMEOUT_MS,
    cwd: REPO_ROOT,
  });
  let run: OpsRun;
  try {
    run = parseOpsOutput(r.stdout);
  } catch (err) {
    throw new Error(
      `ops exited ${r.code} without a summary (${String(err)}):\n${tail(r.stderr || r.stdout)}`,
    );
  }
  const bad = failedHosts(run);
  if (r.code !== 0 || bad.length > 0) {
    const why = run.errors.length > 0 ? run.errors.join("\n") : tail(r.stderr);
    throw new Error(`ops exited ${r.code}; failed hosts: ${bad.join(", ") || "none"}\n${why}`);
  }
  return { ...run, ms: r.ms, maxRss: r.maxRss };
}

export interface AnsibleMeasure {
  readonly ms: number;
  readonly recap: readonly AnsibleRecap[];
}

/** ansible-playbook with the bench's ansible.cfg, forks = number of hosts, on the lab inventory. */
export async function runAnsible(lab: LabInfo, forks: number): Promise<AnsibleMeasure> {
  // A fresh ControlPath dir per run: every run pays for its own connections, as every ops run does;
  // ControlPersist still multiplexes the tasks WITHIN a run, which is what it is for.
  const cp = mkdtempSync(join(tmpdir(), "ops-bench-cp-"));
  const env = {
    ...process.env,
    ANSIBLE_CONFIG: join(ANSIBLE_DIR, "ansible.cfg"),
    ANSIBLE_SSH_CONTROL_PATH_DIR: cp,
    ANSIBLE_NOCOLOR: "1",
  };
  const playbook = join(ANSIBLE_DIR, "install-engine.yml");
  const args = ["-i", lab.inventoryFile, "-f", String(forks), playbook];
  try {
    const r = await timed("ansible-playbook", args, { env, timeoutMs: TIMEOUT_MS, cwd: ANSIBLE_DIR });
    const recap = parseAnsibleRecap(r.stdout);
    const bad = recap.filter((h) => h.failed > 0 || h.unreachable > 0).map((h) => h.host);
    if (r.code !== 0 || bad.length > 0 || recap.length !== lab.hosts.length) {
      const seen = `${recap.length}/${lab.hosts.length} hosts in the recap`;
      throw new Error(
        `ansible-playbook exited ${r.code}; failed: ${bad.join(", ") || "none"}; ${seen}\n${tail(r.stdout, 30)}`,
      );
    }
    return { ms: r.ms, recap };
  } finally {
    await closeMasters(cp);
  }
}

/** Stops the run's ControlPersist masters by their sockets (they would otherwise idle for 60 s). */
async function closeMasters(dir: string): Promise<void> {
  const sockets = readdirSync(dir).map((f) => join(dir, f));
  await Promise.all(
    sockets.map((s) => timed("ssh", ["-o", `ControlPath=${s}`, "-O", "exit", "lab"], { timeoutMs: 10_000 })),
  );
  rmSync(dir, { recursive: true, force: true });
}
