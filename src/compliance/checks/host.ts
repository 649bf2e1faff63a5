/**
 * CIS section 1, the host around the engine: the data root on its own partition (1.1.1), who may
 * control the daemon (1.1.2), an audit rule for each of Docker's files (1.1.3 to 1.1.18, one verdict
 * each), and an engine that is not too old (1.2.2).
 */
import { verdict, type Check } from "../../checks/check.js";
import { group } from "../../facts/group.js";
import { AUDITED_PATHS, auditRules } from "../facts/audit-rules.js";
import { mountOf, mounts } from "../facts/mounts.js";
import type { CheckParams } from "../params.js";
import { compareVersions } from "../version.js";
import { complianceCheck, engineCheck, listWords, notApplicable } from "./support.js";

export const dataRootPartition = (): Check =>
  engineCheck(
    {
      cis: "1.1.1",
      severity: "medium",
      reads: "`DockerRootDir` from `docker info`, and the mount holding it in `/proc/mounts`: not `/`",
    },
    [mounts],
    (info, facts) => {
      const root = info.rootDir;
      const where = mountOf(facts.get(mounts), root);
      const evidence = {
        command: `findmnt -T ${root}`,
        output: where
          ? `${root} is on ${where.target} (${where.source}, ${where.fstype})`
          : `${root}: no mount found`,
        source: "/proc/mounts, docker info",
      };
      if (where && where.target !== "/")
        return verdict("pass", `${root} has its own filesystem (${where.target}, ${where.fstype})`, evidence);
      return verdict("fail", `${root} is on the root filesystem: images and logs can fill it`, evidence, {
        expected: `${root} on its own partition`,
        actual: `on / (${where?.source ?? "?"})`,
        hint: `mount a dedicated filesystem (an LVM volume) on ${root}, moving its content while docker is stopped`,
      });
    },
  );

export const dockerGroup = (params: CheckParams): Check => {
  const fact = group("docker");
  const allowed = new Set(params.allowedDockerUsers);
  return complianceCheck(
    {
      cis: "1.1.2",
      severity: "high",
      reads:
        "`getent group docker` against the policy's `docker_group_members` and the host's `docker_users`",
    },
    [fact],
    (facts) => {
      const g = facts.get(fact);
      const evidence = {
        command: "getent group docker",
        output: g.exists ? `docker:x:${g.gid}:${g.members.join(",")}` : "no docker group",
        source: "getent group",
      };
      if (!g.exists) return notApplicable("there is no docker group", evidence);
      const extra = g.members.filter((m) => !allowed.has(m));
      if (extra.length === 0)
        return verdict(
          "pass",
          g.members.length === 0 ? "the docker group has no members" : "every member is allowed",
          evidence,
        );
      return verdict(
        "fail",
        `${listWords(extra)} ${extra.length === 1 ? "is" : "are"} in the docker group (root on this host)`,
        evidence,
        {
          expected: `members within [${[...allowed].join(", ")}]`,
          actual: g.members.join(", "),
          hint: `${extra.map((u) => `gpasswd -d ${u} docker`).join("; ")}, or allow them in the policy (docker_group_members)`,
        },
      );
    },
  );
};

/** The audited paths of one CIS id (docker.service and docker.socket have two possible homes). */
const pathsOf = (cis: string): string[] =>
  Object.entries(AUDITED_PATHS)
    .filter(([, id]) => id === cis)
    .map(([path]) => path);

/** One check per audited path's CIS id: a watch (`-w`) or a path rule (`-F path=`) for the file, when it exists. */
function auditCheck(cis: string): Check {
  const paths = pathsOf(cis);
  return complianceCheck(
    {
      cis,
      severity: "low",
      reads: `\`auditctl -l\`: a watch or path rule for ${paths.map((p) => `\`${p}\``).join(" or ")}`,
      differs:
        "not applicable when the file does not exist on the host; without auditd it fails (nothing audits the file), where docker-bench-security warns",
    },
    [auditRules],
    (facts) => {
      const a = facts.get(auditRules);
      const present = paths.filter((p) => a.present.includes(p));
      const command = "auditctl -l";
      if (present.length === 0)
        return notApplicable(`${listWords(paths)} does not exist on this host`, {
          command: `ls -d ${paths.join(" ")}`,
          output: "no such file",
          source: "test -e",
        });
      if (a.status === "absent")
        return verdict(
          "fail",
          `auditd is not installed: nothing audits ${listWords(present)}`,
          { command: "command -v auditctl", output: "auditctl: not found", source: "auditctl" },
          {
            expected: `a watch on ${listWords(present)}`,
            actual: "no auditd",
            hint: `install audit, add "-w ${present[0] ?? ""} -k docker" to /etc/audit/rules.d/docker.rules, then augenrules --load`,
          },
        );
      const watched = new Set(a.watched);
      const evidence = {
        command,
        output: `watched: ${a.watched.join(" ") || "nothing"}`,
        source: "auditctl -l",
      };
      const missing = present.filter((p) => !watched.has(p));
      if (missing.length === 0) return verdict("pass", `${listWords(present)} is audited`, evidence);
      return verdict("fail", `no audit rule for ${listWords(missing)}`, evidence, {
        expected: `a watch (-w ${missing[0] ?? ""} -k docker)`,
        actual: "no rule",
        hint: `add "-w ${missing[0] ?? ""} -k docker" to /etc/audit/rules.d/docker.rules, then augenrules --load`,
      });
    },
  );
}

/** 1.1.3 to 1.1.18, one check each. */
export const auditChecks = (): Check[] =>
  [...new Set(Object.values(AUDITED_PATHS))]
    .sort((a, b) => Number(a.split(".")[2]) - Number(b.split(".")[2]))
    .map(auditCheck);

export const engineVersion = (params: CheckParams): Check =>
  engineCheck(
    {
      cis: "1.2.2",
      severity: "medium",
      reads: "`ServerVersion` from `docker info`, at least the policy's `minimum_engine_version`",
      differs:
        'the benchmark leaves "up to date" to a person (manual); ops judges it against the policy\'s minimum version',
    },
    [],
    (info) => {
      const evidence = {
        command: "docker info --format '{{.ServerVersion}}'",
        output: `ServerVersion: ${info.serverVersion}`,
        source: "docker info",
      };
      const order = compareVersions(info.serverVersion, params.minimumEngineVersion);
      if (order === undefined)
        return verdict("error", `cannot read the engine version "${info.serverVersion}"`, evidence, {
          hint: "docker version shows what the engine reports",
        });
      if (order >= 0) return verdict("pass", `engine ${info.serverVersion}`, evidence);
      return verdict(
        "fail",
        `engine ${info.serverVersion} is older than ${params.minimumEngineVersion}`,
        evidence,
        {
          expected: `>= ${params.minimumEngineVersion}`,
          actual: info.serverVersion,
          hint: "upgrade the engine: ops run install-engine -e docker_version=<newer>",
        },
      );
    },
  );
