/**
 * CIS 3.9-3.14 and 3.23-3.24: ownership and permissions of the files the daemon's configuration
 * names: the TLS CA, server certificate and key it serves its TCP socket with, and the containerd
 * socket it talks to. The paths come from the daemon's command line and daemon.json, parsed as the
 * other daemon checks parse them; owner and mode from the daemon-paths probe.
 */
import type { Check } from "../../checks/check.js";
import { boolSetting, stringSetting } from "../daemon-config.js";
import { daemonPaths, DEFAULT_TLS_FILES } from "../facts/daemon-paths.js";
import type { PathStat } from "../facts/docker-files.js";
import { configEvidence, configFacts, configOf } from "./daemon-config-facts.js";
import { judgePaths, notStated, type Rule } from "./files.js";
import { complianceCheck, notApplicable, type Severity } from "./support.js";

type TlsKey = keyof typeof DEFAULT_TLS_FILES;

const ROOT_OWNED: Rule = { kind: "owner", owner: "root", group: "root" };

const BITS =
  "mode bits are compared as bits, so 0606 fails against 0644 (docker-bench-security compares octal strings as numbers)";

/** One TLS file's check: the path dockerd uses for `key`, judged by `rule`. */
function tlsFileCheck(cis: string, key: TlsKey, what: string, rule: Rule, severity: Severity): Check {
  const ruleText =
    rule.kind === "owner" ? "owner and group (`stat -c %U:%G`)" : "the raw `st_mode`, compared as bits";
  return complianceCheck(
    {
      cis,
      severity,
      reads: `the ${what} dockerd serves TLS with (\`--${key}\` on its command line, else \`${key}\` in daemon.json, else \`${DEFAULT_TLS_FILES[key]}\` when TLS is on): ${ruleText}`,
      differs:
        rule.kind === "mode"
          ? `${BITS}${key === "tlskey" ? "; 0400 or fewer bits passes where docker-bench-security wants exactly 400" : ""}`
          : "not applicable when the daemon uses no TLS; the default path counts when TLS is on without one",
    },
    [...configFacts, daemonPaths],
    (facts) => {
      const cfg = configOf(facts);
      const files = facts.get(daemonPaths);
      const set = stringSetting(cfg, key, { long: key });
      const tlsOn =
        boolSetting(cfg, "tlsverify", "tlsverify", false).value ||
        boolSetting(cfg, "tls", "tls", false).value;
      const path = set.value ?? (tlsOn ? DEFAULT_TLS_FILES[key] : undefined);
      const command = `stat -L -c '%A %a %U:%G %n' ${path ?? `<${key}>`}`;
      const configured = configEvidence(cfg, [key, "tls", "tlsverify"]);
      if (path === undefined)
        return notApplicable(`the daemon uses no TLS (no ${key}, tls or tlsverify)`, {
          command,
          output: configured,
          source: set.source,
        });
      const stat: PathStat | undefined = files.stats[path];
      if (stat !== undefined) return judgePaths([stat], rule, `the ${what} ${path}`, command);
      if (files.absent.includes(path))
        return notApplicable(
          `the ${what} ${path} (${set.value === undefined ? "dockerd's default" : set.source}) does not exist`,
          {
            command,
            output: `${configured}\nabsent ${path}`,
            source: "stat",
          },
        );
      return notStated([path], command, "daemon-paths");
    },
  );
}

const tlsPair = (owner: string, mode: string, key: TlsKey, what: string, maxMode: number): Check[] => [
  tlsFileCheck(owner, key, what, ROOT_OWNED, "high"),
  tlsFileCheck(mode, key, what, { kind: "mode", maxMode }, "high"),
];

/** containerd's socket: whoever can write to it controls every container. */
function containerdCheck(cis: string, rule: Rule): Check {
  return complianceCheck(
    {
      cis,
      severity: "high",
      reads: `the containerd socket (\`--containerd\`, the \`containerd\` key, \`/run/containerd/containerd.sock\`, the daemon-managed \`/var/run/docker/containerd/containerd.sock\`; symlinks resolved): ${
        rule.kind === "owner" ? "owner and group" : "the raw `st_mode`, compared as bits"
      }`,
      ...(rule.kind === "mode" ? { differs: BITS } : {}),
    },
    [daemonPaths],
    (facts) => {
      const files = facts.get(daemonPaths);
      const command = `stat -L -c '%A %a %U:%G %n' ${files.containerd.join(" ") || "/run/containerd/containerd.sock"}`;
      const stats = files.containerd.map((p) => files.stats[p]);
      if (files.containerd.length === 0)
        return notApplicable("no containerd socket was found", {
          command,
          output:
            "no socket at /run/containerd/containerd.sock or /var/run/docker/containerd/containerd.sock",
          source: "stat",
        });
      const unseen = files.containerd.filter((_, i) => stats[i] === undefined);
      if (unseen.length > 0) return notStated(unseen, command, "daemon-paths");
      return judgePaths(
        stats.filter((s): s is PathStat => s !== undefined),
        rule,
        "the containerd socket",
        command,
      );
    },
  );
}

/** 3.9-3.14, 3.23 and 3.24, in the benchmark's order. */
export const daemonFileChecks = (): Check[] => [
  ...tlsPair("3.9", "3.10", "tlscacert", "TLS CA certificate", 0o444),
  ...tlsPair("3.11", "3.12", "tlscert", "server certificate", 0o444),
  ...tlsPair("3.13", "3.14", "tlskey", "server key", 0o400),
  containerdCheck("3.23", ROOT_OWNED),
  containerdCheck("3.24", { kind: "mode", maxMode: 0o660 }),
];
