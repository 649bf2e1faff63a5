/**
 * CIS section 3: ownership and permissions of the daemon's files, one verdict per id: each file has
 * an ownership id and a permissions id (3.1 docker.service's owner, 3.2 its mode...). Modes are
 * compared as bits: a file passes when it has no permission bit beyond the allowed mode ("that or
 * more restrictive").
 */
import { verdict, type Check, type CheckResult } from "../../checks/check.js";
import type { FactSet } from "../../facts/fact.js";
import {
  DEFAULT_DOCKER,
  dockerFiles,
  SYSCONFIG_DOCKER,
  type DockerFiles,
  type PathStat,
} from "../facts/docker-files.js";
import { extraBits, octal, symbolic } from "../mode-bits.js";
import type { CheckParams } from "../params.js";
import { field } from "./containers.js";
import { complianceCheck, notApplicable, type Severity } from "./support.js";

const line = (s: PathStat) =>
  `${symbolic(s.mode.perms)} (${octal(s.mode.perms)}) ${field(s.owner)}:${field(s.group)} ${field(s.path)}`;

/** The error of a path the probe neither stat'ed nor found absent: never a pass. */
export function notStated(paths: readonly string[], command: string, source: string): CheckResult {
  return verdict(
    "error",
    `could not read the owner and mode of ${paths.join(", ")}: the probe did not report them`,
    { command, output: `no stat line for ${paths.join(", ")}`, source },
    { hint: `run ${command} on the host as root` },
  );
}

/** One rule on a set of paths: who must own them, or the most open mode they may have. */
export type Rule = { kind: "owner"; owner: string; group: string } | { kind: "mode"; maxMode: number };

function problem(s: PathStat, rule: Rule): string | undefined {
  if (rule.kind === "owner")
    return s.owner !== rule.owner || s.group !== rule.group
      ? `${s.path} is owned by ${s.owner}:${s.group} (expected ${rule.owner}:${rule.group})`
      : undefined;
  const extra = extraBits(s.mode.perms, rule.maxMode);
  return extra !== 0
    ? `${s.path} is ${octal(s.mode.perms)}: ${octal(extra)} is more than ${octal(rule.maxMode)} allows`
    : undefined;
}

export function judgePaths(
  stats: readonly PathStat[],
  rule: Rule,
  what: string,
  command: string,
): CheckResult {
  const evidence = { command, output: stats.map(line).join("\n"), source: "stat" };
  const expected =
    rule.kind === "owner"
      ? `owned by ${rule.owner}:${rule.group}`
      : `${octal(rule.maxMode)} or more restrictive`;
  const bad = stats.filter((s) => problem(s, rule) !== undefined);
  if (bad.length === 0) return verdict("pass", `${what}: ${expected}`, evidence, { expected });
  return verdict("fail", bad.map((s) => problem(s, rule)).join("; "), evidence, {
    expected,
    actual: bad
      .map((s) => (rule.kind === "owner" ? `${s.owner}:${s.group}` : octal(s.mode.perms)) + ` ${s.path}`)
      .join(", "),
    hint: bad
      .map((s) =>
        rule.kind === "owner"
          ? `chown ${rule.owner}:${rule.group} ${s.path}`
          : `chmod ${octal(rule.maxMode)} ${s.path}`,
      )
      .join("; "),
  });
}

interface FileSpec {
  /** The ownership id and the permissions id. */
  owner: string;
  mode: string;
  severity: Severity;
  owners: { owner: string; group: string };
  maxMode: number;
  what: string;
  reads: string;
  pick: (f: DockerFiles) => { paths: string[]; none?: string };
}

function fileCheck(cis: string, rule: Rule, spec: FileSpec): Check {
  const reads = `${spec.reads}: ${rule.kind === "owner" ? "owner and group (`stat -c %U:%G`)" : "the raw `st_mode` (`stat -c %f`), compared as bits"}`;
  return complianceCheck(
    {
      cis,
      severity: spec.severity,
      reads,
      ...(rule.kind === "mode"
        ? {
            differs:
              "mode bits are compared as bits, so 0606 fails against 0644 (docker-bench-security compares octal strings as numbers)",
          }
        : {}),
    },
    [dockerFiles],
    (facts: FactSet) => {
      const files = facts.get(dockerFiles);
      const { paths, none } = spec.pick(files);
      const command = `stat -L -c '%A %a %U:%G %n' ${paths.join(" ") || "..."}`;
      const stats = paths.map((p) => files.stats[p]).filter((s): s is PathStat => s !== undefined);
      const unseen = paths.filter((p) => files.stats[p] === undefined && !files.absent.includes(p));
      if (unseen.length > 0) return notStated(unseen, command, "docker-files");
      if (stats.length === 0)
        return notApplicable(none ?? `${spec.what} does not exist`, {
          command,
          output: files.absent.join("\n") || "no such file",
          source: "stat",
        });
      return judgePaths(stats, rule, spec.what, command);
    },
  );
}

/** The two checks of one file (or set of files): its ownership id and its permissions id. */
function filePair(spec: FileSpec): Check[] {
  return [
    fileCheck(spec.owner, { kind: "owner", ...spec.owners }, spec),
    fileCheck(spec.mode, { kind: "mode", maxMode: spec.maxMode }, spec),
  ];
}

const ROOT = { owner: "root", group: "root" };

/** A root-owned file that may be at most 0644: the unit files and the daemon's options files. */
const rootFile644 = (owner: string, mode: string, spec: Pick<FileSpec, "what" | "reads" | "pick">): Check[] =>
  filePair({ owner, mode, severity: "medium", owners: ROOT, maxMode: 0o644, ...spec });

const unitFiles = (unit: string, owner: string, mode: string): Check[] =>
  rootFile644(owner, mode, {
    what: `the ${unit} unit file`,
    reads: `the unit file systemd loads for ${unit} (\`FragmentPath\`)`,
    pick: (f) => ({ paths: f.units[unit] ? [f.units[unit]] : [], none: `systemd knows no ${unit}` }),
  });

/**
 * The options file of a distribution's init script or unit (/etc/default/docker on Debian,
 * /etc/sysconfig/docker on EL): it can pass dockerd any flag.
 */
const envFile = (path: string, owner: string, mode: string): Check[] =>
  rootFile644(owner, mode, { what: path, reads: `\`${path}\``, pick: () => ({ paths: [path] }) });

/** 3.1-3.8, 3.15-3.22, in the benchmark's order. */
export const fileChecks = (params: CheckParams): Check[] => [
  ...unitFiles("docker.service", "3.1", "3.2"),
  ...unitFiles("docker.socket", "3.3", "3.4"),
  ...filePair({
    owner: "3.5",
    mode: "3.6",
    severity: "medium",
    owners: ROOT,
    maxMode: 0o755,
    what: "/etc/docker",
    reads: "`/etc/docker`",
    pick: () => ({ paths: ["/etc/docker"] }),
  }),
  ...filePair({
    owner: "3.7",
    mode: "3.8",
    severity: "medium",
    owners: ROOT,
    maxMode: params.certsMaxMode,
    what: "registry certificates",
    reads: "every file under `/etc/docker/certs.d` (the policy's `certs_max_mode`, default 0444)",
    pick: (f) => ({ paths: [...f.certs], none: "no registry certificates under /etc/docker/certs.d" }),
  }),
  ...filePair({
    owner: "3.15",
    mode: "3.16",
    severity: "high",
    owners: { owner: "root", group: "docker" },
    maxMode: 0o660,
    what: "the Docker socket",
    reads: "the API socket (docker.socket's `Listen`, else `/var/run/docker.sock`, symlinks resolved)",
    pick: (f) => ({ paths: [...f.sockets], none: "no Docker API socket was found" }),
  }),
  ...filePair({
    owner: "3.17",
    mode: "3.18",
    severity: "medium",
    owners: ROOT,
    maxMode: 0o644,
    what: "/etc/docker/daemon.json",
    reads: "`/etc/docker/daemon.json`",
    pick: () => ({ paths: ["/etc/docker/daemon.json"] }),
  }),
  ...envFile(DEFAULT_DOCKER, "3.19", "3.20"),
  ...envFile(SYSCONFIG_DOCKER, "3.22", "3.21"),
];
