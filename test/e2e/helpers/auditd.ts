/**
 * The Linux audit system of this machine, for end-to-end proofs of the checks that read it. The
 * kernel's audit state and rules are machine-wide, so everything here records what it changes and
 * puts it back: rules are deleted one by one (never `auditctl -D`), the enabled flag is restored, and
 * an auditd is stopped only when this helper started it.
 *
 * The audit log outlives a test: a `docker exec --privileged` recorded once stays in it. When no
 * auditd runs, the one started here writes to a log of its own: it runs in a private mount
 * namespace where a temporary directory is bound over /var/log/audit, so the machine's log is left
 * untouched and each run starts from an empty log. A process started in that namespace (the test's
 * sshd) sees the same log at the usual path, as ausearch --input-logs expects it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LOG_DIR = "/var/log/audit";

export interface AuditStatus {
  readonly enabled: number;
  /** The pid of the audit daemon the kernel sends records to; 0 when none. */
  readonly pid: number;
}

/** `auditctl -s`, read. */
export function auditStatus(): AuditStatus {
  const out = execFileSync("auditctl", ["-s"], { encoding: "utf8" });
  const field = (name: string) => {
    const v = new RegExp(`^${name} (\\d+)`, "m").exec(out)?.[1];
    if (v === undefined) throw new Error(`auditctl -s printed no ${name}:\n${out}`);
    return Number(v);
  };
  return { enabled: field("enabled"), pid: field("pid") };
}

export const auditctl = (args: readonly string[]): string =>
  execFileSync("auditctl", args, { encoding: "utf8" });

/** An auditd this helper started, writing to a log of its own; `pid` is also its mount namespace's. */
export interface PrivateAuditd {
  readonly pid: number;
  stop(): Promise<void>;
}

async function until(what: string, test: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100)))
    if (test()) return;
  throw new Error(`timed out after ${ms} ms waiting until ${what}`);
}

/** Starts auditd in the foreground (-n) in a private mount namespace; resolves once the kernel sends to it. */
export async function startPrivateAuditd(): Promise<PrivateAuditd> {
  const dir = mkdtempSync(join(tmpdir(), "ops-e2e-audit-"));
  const log = join(dir, "log");
  mkdirSync(log, { mode: 0o750 });
  const script = `mount --bind ${log} ${LOG_DIR} && exec /usr/sbin/auditd -n`;
  const child: ChildProcess = spawn("unshare", ["--mount", "--propagation", "private", "sh", "-c", script], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const pid = child.pid;
  if (pid === undefined) throw new Error("unshare did not start");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(`auditd (pid ${pid}) receives the kernel's records (${err.trim()})`, () => {
      if (child.exitCode !== null) throw new Error(`auditd exited ${child.exitCode}: ${err}`);
      return auditStatus().pid === pid;
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { pid, stop };
}

/**
 * Rules added with `add` and removed, in reverse, by `removeAll`: each `-w PATH …` or `-a …` rule is
 * deleted with the same arguments (`-W …`, `-d …`), so the machine's own rules are left alone.
 */
export class AuditRules {
  private readonly added: string[][] = [];

  add(rule: readonly string[]): void {
    auditctl(rule);
    this.added.push([...rule]);
  }

  removeAll(): void {
    const errors: string[] = [];
    for (const rule of this.added.splice(0).reverse()) {
      const flag = rule[0] === "-w" ? "-W" : rule[0] === "-a" ? "-d" : undefined;
      if (flag === undefined) throw new Error(`cannot undo auditctl ${rule.join(" ")}`);
      try {
        auditctl([flag, ...rule.slice(1)]);
      } catch (e) {
        errors.push(`auditctl ${flag} ${rule.slice(1).join(" ")}: ${(e as Error).message}`);
      }
    }
    if (errors.length > 0) throw new Error(errors.join("\n"));
  }
}
