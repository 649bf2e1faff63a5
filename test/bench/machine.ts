// What the figures were measured on: a number without its machine means little (2 cores or 64).
import { spawnSync } from "node:child_process";
import { cpus, loadavg, release, totalmem } from "node:os";

export interface Machine {
  readonly cpus: string;
  readonly memory: string;
  readonly kernel: string;
  readonly node: string;
  readonly ansible: string;
  readonly openssh: string;
  readonly date: string;
  /** 1-minute load average when the report is written: other work on the machine skews wall times. */
  readonly load: string;
}

/** First line a command prints, on stdout or stderr (`ssh -V` prints on stderr), or "unknown". */
function firstLine(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  const text = `${r.stdout ?? ""}`.trim() || `${r.stderr ?? ""}`.trim();
  return text.split("\n")[0]?.trim() || "unknown";
}

export function describeMachine(now: Date = new Date()): Machine {
  const c = cpus();
  return {
    cpus: `${c.length} × ${c[0]?.model.trim() ?? "unknown"} (nproc ${firstLine("nproc", [])})`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `Linux ${release()}`,
    node: process.version,
    ansible: firstLine("ansible", ["--version"]),
    openssh: firstLine("ssh", ["-V"]),
    date: now.toISOString(),
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}
