/**
 * CIS 5.23: no `docker exec --privileged`, judged from the audit log (the key `docker`, as
 * docker-bench-security searches it). A search that finds nothing proves something only when a
 * run of the docker client would have been recorded: auditing on and a rule with the key that
 * records the client's executions. Otherwise the verdict is an error, never a pass (a host that
 * cannot keep such a log waives the check with `run: false`).
 */
import { verdict, type Check, type CheckResult } from "../../checks/check.js";
import { execAudit, type ExecRecord } from "../facts/exec-audit.js";
import { complianceCheck, listWords } from "./support.js";

const COMMAND = "ausearch --input-logs -k docker -m EXECVE";
const RULE = "-w /usr/bin/docker -p x -k docker";

/** Flags of `docker exec` / `docker compose exec` that take the next argument as their value. */
const VALUE_FLAGS = new Set([
  "-e",
  "--env",
  "--env-file",
  "-u",
  "--user",
  "-w",
  "--workdir",
  "--detach-keys",
  "--index",
]);
const SHORT_VALUE = new Set(["e", "u", "w"]);
/** Go's boolean flag values that mean true. */
const TRUE = new Set(["", "1", "t", "T", "true", "TRUE", "True"]);

/**
 * Whether a recorded run is an `exec` with `--privileged` set true among exec's own flags (before
 * the container's name: what follows is the command run inside, not docker's).
 *
 * @example privilegedExec(["docker", "exec", "-u", "root", "--privileged", "web", "sh"]) // true
 */
export function privilegedExec(argv: readonly string[]): boolean {
  return argv.some((arg, i) => i > 0 && arg === "exec" && privilegedFrom(argv, i + 1));
}

function privilegedFrom(argv: readonly string[], from: number): boolean {
  for (let i = from; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--" || !arg.startsWith("-") || arg === "-") return false;
    const long = /^--privileged(?:=(.*))?$/.exec(arg);
    if (long) {
      if (TRUE.has(long[1] ?? "")) return true;
      continue;
    }
    if (VALUE_FLAGS.has(arg)) i++;
    else if (/^-[a-zA-Z]+$/.test(arg)) {
      // A cluster of short flags (-it, -itu root, -uroot): a value flag takes the rest or the next.
      const at = [...arg.slice(1)].findIndex((c) => SHORT_VALUE.has(c));
      if (at >= 0 && at === arg.length - 2) i++;
    }
  }
  return false;
}

/** The rules that record every execution of the client: a watch with `x`, a path rule, or every execve. */
function recordsClient(rule: string, client: readonly string[]): boolean {
  const watch = /(?:^|\s)-w\s+(\S+)/.exec(rule)?.[1];
  if (watch !== undefined) {
    const perms = /(?:^|\s)-p\s+(\S+)/.exec(rule)?.[1];
    return client.includes(watch) && (perms === undefined || perms.includes("x"));
  }
  const filters = [...rule.matchAll(/-F\s+(\w+)(=|!=|>=|<=|>|<|&)(\S+)/g)].map((m) => ({
    f: m[1],
    op: m[2],
    v: m[3],
  }));
  const execve = /-S\s+(?:\S+,)?execve(?:,|\s|$)/.test(rule);
  const path = filters.find((x) => (x.f === "path" || x.f === "exe") && x.op === "=");
  if (path !== undefined)
    return (
      client.includes(path.v ?? "") && (execve || filters.some((x) => x.f === "perm" && x.v?.includes("x")))
    );
  // A syscall rule on execve for everyone: only the arch and key may narrow it.
  return execve && filters.every((x) => x.f === "arch" || x.f === "key");
}

const when = (r: ExecRecord) => new Date(r.time * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC";
const shown = (r: ExecRecord) => `${r.argv.join(" ").slice(0, 160)} (${when(r)})`;

export const privilegedExecCheck = (): Check =>
  complianceCheck(
    {
      cis: "5.23",
      severity: "medium",
      reads:
        "the audit log through `ausearch --input-logs -k docker` (runs of the docker client), with `auditctl -s` and `auditctl -l`: a rule with the key `docker` must record the client's executions",
      differs:
        "docker-bench-security greps every line for `exec` and `privileged` and passes an empty search; ops reads exec's own flags (`--privileged=false` is not privileged) and errs when nothing would have been recorded",
    },
    [execAudit],
    (facts): CheckResult => {
      const a = facts.get(execAudit);
      if (a.status === "absent")
        return verdict(
          "error",
          "ausearch is not installed: no audit log of docker exec can be read",
          { command: "command -v ausearch", output: "ausearch: not found", source: "ausearch" },
          {
            hint: `install audit (auditd), add "${RULE}" to /etc/audit/rules.d/docker.rules and augenrules --load; or waive cis.5.23 with run: false where auditd cannot run`,
          },
        );
      const evidence = (output: string) => ({ command: COMMAND, output, source: "ausearch" });
      if (!a.enabled)
        return verdict(
          "error",
          "auditing is disabled (auditctl -s: enabled 0): nothing records docker exec",
          evidence("enabled 0"),
          {
            hint: "enable auditing (auditctl -e 1, or start auditd)",
          },
        );
      const recording = a.rules.filter((r) => recordsClient(r, a.client));
      if (a.client.length === 0 || recording.length === 0)
        return verdict(
          "error",
          a.client.length === 0
            ? "no docker client on this host's PATH: which runs to look for in the audit log is unknown"
            : `no audit rule with the key docker records runs of ${listWords([...new Set(a.client)])}: an empty search proves nothing`,
          evidence(`rules with the key docker: ${a.rules.join("; ") || "none"}`),
          {
            hint: `add "${RULE}" (the client's path) to /etc/audit/rules.d/docker.rules, then augenrules --load`,
          },
        );
      const privileged = a.records.filter((r) => privilegedExec(r.argv));
      if (privileged.length === 0)
        return verdict(
          "pass",
          `no docker exec --privileged among ${a.execve} recorded runs of docker`,
          evidence(`${a.execve} runs recorded by ${recording[0] ?? ""}; none with exec --privileged`),
        );
      // The probe keeps the log's last records: the latest is shown, and the evidence ends with it.
      const latest = privileged[privileged.length - 1] as ExecRecord;
      return verdict(
        "fail",
        `${privileged.length} docker exec --privileged recorded, the last: ${shown(latest)}`,
        evidence(privileged.slice(-5).map(shown).join("\n")),
        {
          expected: "no docker exec --privileged",
          actual: `${privileged.length} recorded (the last ${when(latest)})`,
          hint: "run what needs capabilities in a container started with exactly those (--cap-add), not docker exec --privileged",
        },
      );
    },
  );
