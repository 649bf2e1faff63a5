/**
 * CIS section 3: ownership and permissions of the daemon's files. Modes are compared as bits: a
 * file passes when it has no permission bit beyond the allowed mode ("that or more restrictive").
 */
import { verdict, type Check, type CheckResult } from "../../checks/check.js";
import type { FactSet } from "../../facts/fact.js";
import { dockerFiles, type DockerFiles, type PathStat } from "../facts/docker-files.js";
import { extraBits, octal, symbolic } from "../mode-bits.js";
import type { CheckParams } from "../params.js";
import { complianceCheck, notApplicable, type CheckMeta } from "./support.js";

interface Rule {
  owner: string;
  group: string;
  /** The most open mode allowed. */
  maxMode: number;
}

const line = (s: PathStat) =>
  `${symbolic(s.mode.perms)} (${octal(s.mode.perms)}) ${s.owner}:${s.group} ${s.path}`;

/** What is wrong with one path against a rule, in words; [] when nothing. */
function problems(s: PathStat, rule: Rule): string[] {
  const out: string[] = [];
  if (s.owner !== rule.owner || s.group !== rule.group)
    out.push(`${s.path} is owned by ${s.owner}:${s.group} (expected ${rule.owner}:${rule.group})`);
  const extra = extraBits(s.mode.perms, rule.maxMode);
  if (extra !== 0)
    out.push(
      `${s.path} is ${octal(s.mode.perms)}: ${octal(extra)} is more than ${octal(rule.maxMode)} allows`,
    );
  return out;
}

/** Judges a set of paths against one rule: pass when all are fine, fail naming each that is not. */
function judgePaths(
  paths: readonly string[],
  files: DockerFiles,
  rule: Rule,
  what: string,
  command: string,
): CheckResult {
  const stats = paths.map((p) => files.stats[p]).filter((s): s is PathStat => s !== undefined);
  const output = stats.map(line).join("\n");
  const evidence = { command, output, source: "stat" };
  const found = stats.flatMap((s) => problems(s, rule));
  const expected = `${rule.owner}:${rule.group}, ${octal(rule.maxMode)} or more restrictive`;
  if (found.length === 0) return verdict("pass", `${what}: ${expected}`, evidence, { expected });
  const bad = stats.filter((s) => problems(s, rule).length > 0);
  return verdict("fail", found.join("; "), evidence, {
    expected,
    actual: bad.map((s) => `${s.owner}:${s.group} ${octal(s.mode.perms)} ${s.path}`).join(", "),
    hint: bad
      .map((s) => `chown ${rule.owner}:${rule.group} ${s.path} && chmod ${octal(rule.maxMode)} ${s.path}`)
      .join("; "),
  });
}

function fileCheck(
  meta: CheckMeta,
  rule: Rule,
  pick: (f: DockerFiles) => { paths: string[]; none?: string },
  what: string,
): Check {
  return complianceCheck(meta, [dockerFiles], (facts: FactSet) => {
    const files = facts.get(dockerFiles);
    const { paths, none } = pick(files);
    const command = `stat -L -c '%A %a %U:%G %n' ${paths.join(" ") || "..."}`;
    const present = paths.filter((p) => files.stats[p] !== undefined);
    if (present.length === 0)
      return notApplicable(none ?? `${what} does not exist`, {
        command,
        output: files.absent.join("\n"),
        source: "stat",
      });
    return judgePaths(present, files, rule, what, command);
  });
}

const ROOT = { owner: "root", group: "root" };

export const etcDocker = (): Check =>
  fileCheck(
    {
      id: "cis.files.etc-docker",
      title: "/etc/docker is root:root, 0755 or more restrictive",
      cis: "3.5, 3.6",
      severity: "medium",
      level: 1,
    },
    { ...ROOT, maxMode: 0o755 },
    () => ({ paths: ["/etc/docker"] }),
    "/etc/docker",
  );

export const daemonJsonMode = (): Check =>
  fileCheck(
    {
      id: "cis.files.daemon-json",
      title: "daemon.json is root:root, 0644 or more restrictive",
      cis: "3.17, 3.18",
      severity: "medium",
      level: 1,
    },
    { ...ROOT, maxMode: 0o644 },
    () => ({ paths: ["/etc/docker/daemon.json"] }),
    "/etc/docker/daemon.json",
  );

export const dockerSock = (): Check =>
  fileCheck(
    {
      id: "cis.files.docker-sock",
      title: "docker.sock is root:docker, 0660 or more restrictive",
      cis: "3.15, 3.16",
      severity: "high",
      level: 1,
    },
    { owner: "root", group: "docker", maxMode: 0o660 },
    (f) => ({ paths: [...f.sockets], none: "no Docker API socket was found" }),
    "the Docker socket",
  );

const unitCheck = (unit: string, id: string, cis: string): Check =>
  fileCheck(
    {
      id,
      title: `the ${unit} unit file is root:root, 0644 or more restrictive`,
      cis,
      severity: "medium",
      level: 1,
    },
    { ...ROOT, maxMode: 0o644 },
    (f) => ({ paths: f.units[unit] ? [f.units[unit]] : [], none: `systemd knows no ${unit}` }),
    `the ${unit} unit file`,
  );

export const dockerService = (): Check => unitCheck("docker.service", "cis.files.docker-service", "3.1, 3.2");
export const dockerSocketUnit = (): Check =>
  unitCheck("docker.socket", "cis.files.docker-socket", "3.3, 3.4");

export const certsD = (params: CheckParams): Check =>
  fileCheck(
    {
      id: "cis.files.certs-d",
      title: `registry certificates under /etc/docker/certs.d are root:root, ${octal(params.certsMaxMode)} or more restrictive`,
      cis: "3.7, 3.8",
      severity: "medium",
      level: 1,
    },
    { ...ROOT, maxMode: params.certsMaxMode },
    (f) => ({ paths: [...f.certs], none: "no registry certificates under /etc/docker/certs.d" }),
    "registry certificates",
  );
