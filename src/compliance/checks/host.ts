/**
 * CIS section 1, the host around the engine: the data root on its own partition, who may control
 * the daemon (the docker group), audit rules for Docker's files, and an engine that is not too old.
 */
import { verdict, type Check } from "../../checks/check.js";
import { group } from "../../facts/group.js";
import { AUDITED_PATHS, auditRules } from "../facts/audit-rules.js";
import { mountOf, mounts } from "../facts/mounts.js";
import type { CheckParams } from "../params.js";
import { compareVersions } from "../version.js";
import { complianceCheck, engineCheck, listWords, notApplicable, type CheckMeta } from "./support.js";

export const dataRootPartition = (): Check => {
  const meta: CheckMeta = {
    id: "cis.host.data-root-partition",
    title: "Docker's data root is on a separate partition",
    cis: "1.1.1",
    severity: "medium",
    level: 1,
  };
  return engineCheck(meta, [mounts], (info, facts) => {
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
  });
};

export const dockerGroup = (params: CheckParams): Check => {
  const meta: CheckMeta = {
    id: "cis.host.docker-group",
    title: "only allowed users are in the docker group",
    cis: "1.1.2",
    severity: "high",
    level: 1,
  };
  const fact = group("docker");
  const allowed = new Set(params.allowedDockerUsers);
  return complianceCheck(meta, [fact], (facts) => {
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
  });
};

export const auditRulesCheck = (): Check => {
  const meta: CheckMeta = {
    id: "cis.host.audit-rules",
    title: "auditd watches the Docker daemon and its files",
    cis: "1.1.3-1.1.18",
    severity: "low",
    level: 1,
  };
  return complianceCheck(meta, [auditRules], (facts) => {
    const a = facts.get(auditRules);
    const command = "auditctl -l";
    if (a.status === "absent")
      return notApplicable("auditd is not installed", {
        command: "command -v auditctl",
        output: "auditctl: not found",
        source: "auditctl",
      });
    if (a.status === "error") {
      return verdict(
        "error",
        `auditctl -l failed: ${a.message}`,
        { command, output: a.message, source: "auditctl" },
        {
          hint: "run ops check as root (become: true) so auditctl can list the rules",
        },
      );
    }
    const watched = new Set(a.watched);
    const missing = a.present.filter((p) => !watched.has(p));
    const evidence = {
      command,
      output: `watched: ${a.watched.join(" ") || "nothing"}\npresent: ${a.present.join(" ")}`,
      source: "auditctl -l",
    };
    if (missing.length === 0)
      return verdict("pass", `every Docker file present is audited (${a.present.length})`, evidence);
    return verdict(
      "fail",
      `no audit rule for ${listWords(missing.map((p) => `${p} (${AUDITED_PATHS[p] ?? "?"})`))}`,
      evidence,
      {
        expected: "a watch (-w PATH -k docker) for each",
        actual: `${missing.length} of ${a.present.length} unwatched`,
        hint: `add ${missing.map((p) => `"-w ${p} -k docker"`).join(", ")} to /etc/audit/rules.d/docker.rules, then augenrules --load`,
      },
    );
  });
};

export const engineVersion = (params: CheckParams): Check => {
  const meta: CheckMeta = {
    id: "cis.engine.version",
    title: `the engine is version ${params.minimumEngineVersion} or newer`,
    cis: "1.2.2",
    severity: "medium",
    level: 1,
  };
  return engineCheck(meta, [], (info) => {
    const evidence = {
      command: "docker info --format '{{.ServerVersion}}'",
      output: `ServerVersion: ${info.serverVersion}`,
      source: "docker info",
    };
    const order = compareVersions(info.serverVersion, params.minimumEngineVersion);
    if (order === undefined)
      return verdict("error", `cannot read the engine version "${info.serverVersion}"`, evidence);
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
  });
};
