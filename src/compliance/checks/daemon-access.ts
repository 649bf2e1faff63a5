/**
 * CIS section 2, who can reach the daemon and what it trusts: no TCP socket without TLS, insecure
 * registries only from an allowed list, and a log driver that keeps logs bounded.
 */
import { verdict, type Check } from "../../checks/check.js";
import { boolSetting, flagValues, listSetting } from "../daemon-config.js";
import type { CheckParams } from "../params.js";
import { configEvidence, configFacts, configOf } from "./daemon-config-facts.js";
import { engineCheck, listWords, notApplicable, type CheckMeta } from "./support.js";

/** What dockerd itself says in `docker info` about a TCP socket (daemon/info.go's fillAPIInfo). */
const API_WARNING = /API is accessible on (\S+) without (encryption|TLS client verification)/;

export const tls = (): Check => {
  const meta: CheckMeta = {
    cis: "2.7",
    severity: "high",
    reads:
      "the daemon's own warnings in `docker info` (\"API is accessible on http://… without encryption\"), `-H`/`hosts` from the daemon's command line and daemon.json, `tlsverify`",
    differs: "not applicable without a TCP socket (docker-bench-security reports it as info)",
  };
  return engineCheck(meta, [...configFacts], (info, facts) => {
    const cfg = configOf(facts);
    // dockerd refuses a key set in both places, but a broken unit may still try: read both.
    const fromFlags = flagValues(cfg.args, "host", "H");
    const fromFile = listSetting({ ...cfg, args: [] }, "hosts", { long: "host" });
    const tcp = [...fromFlags, ...fromFile.value].filter((h) => h.startsWith("tcp://"));
    const hostsSource =
      [
        fromFlags.length > 0 ? cfg.cmdlineSource : undefined,
        fromFile.value.length > 0 ? cfg.filePath : undefined,
      ]
        .filter(Boolean)
        .join(", ") || "default";
    const verify = boolSetting(cfg, "tlsverify", "tlsverify", false);
    const warnings = info.warnings.filter((w) => API_WARNING.test(w)).map((w) => w.split("\n")[0] ?? w);
    const output = [
      `docker info warnings: ${warnings.length > 0 ? warnings.join(" | ") : "none about the API"}`,
      configEvidence(cfg, ["hosts", "tls", "tlsverify"]),
    ].join("\n");
    const evidence = {
      command: "docker info; tr '\\0' ' ' < /proc/$(systemctl show -p MainPID docker | cut -d= -f2)/cmdline",
      output,
    };
    if (warnings.length > 0) {
      const [, where = "", why = ""] = API_WARNING.exec(warnings[0] ?? "") ?? [];
      return verdict(
        "fail",
        `the API is reachable on ${where} without ${why}`,
        { ...evidence, source: "docker info" },
        {
          expected: "no TCP socket, or TLS with client verification (tlsverify)",
          actual: `${where} without ${why}`,
          hint: "remove the tcp:// host, or set tlsverify with tlscacert, tlscert and tlskey; then restart docker",
        },
      );
    }
    if (tcp.length === 0)
      return notApplicable("the API listens on no TCP socket", { ...evidence, source: hostsSource });
    if (!verify.value) {
      return verdict(
        "fail",
        `${listWords(tcp)} is configured without tlsverify`,
        { ...evidence, source: hostsSource },
        {
          expected: "tlsverify true",
          actual: `tlsverify ${verify.value} (${verify.source})`,
          hint: "set tlsverify with tlscacert, tlscert and tlskey; then restart docker",
        },
      );
    }
    return verdict("pass", `${listWords(tcp)} requires TLS client certificates`, {
      ...evidence,
      source: verify.source,
    });
  });
};

export const insecureRegistries = (params: CheckParams): Check => {
  const meta: CheckMeta = {
    cis: "2.5",
    severity: "high",
    reads:
      "insecure registries from `docker info` (`RegistryConfig`), within the policy's `allowed_insecure_registries`",
    differs:
      "the effective list the daemon applied, not daemon.json's text; a registry the inventory configures (`insecure_registries`) still fails, and `--waive-configured` waives it, naming the variable",
  };
  const allowed = new Set(params.allowedInsecureRegistries);
  return engineCheck(meta, [], (info) => {
    const extra = info.insecureRegistries.filter((r) => !allowed.has(r));
    const evidence = {
      command: "docker info --format '{{json .RegistryConfig}}'",
      output: `insecure registries: ${info.insecureRegistries.join(", ") || "none"}\nallowed: ${[...allowed].join(", ") || "none"}`,
      source: "docker info",
    };
    if (extra.length === 0) {
      const what =
        info.insecureRegistries.length === 0 ? "no insecure registries" : "only allowed insecure registries";
      return verdict("pass", what, evidence);
    }
    const failed = verdict("fail", `the engine trusts ${listWords(extra)} without TLS`, evidence, {
      expected: `insecure registries within [${[...allowed].join(", ")}]`,
      actual: info.insecureRegistries.join(", "),
      hint: "serve the registry over TLS (trust its CA in /etc/docker/certs.d/<host:port>/ca.crt) and remove it from insecure-registries; or waive it (ops check --waive-configured waives what the inventory configures)",
    });
    // What a waiver of the registries the inventory configures must cover, every one of them.
    return { ...failed, subjects: extra };
  });
};

/** Drivers whose files grow without bound unless told otherwise. */
const NEEDS_MAX_SIZE = new Set(["json-file"]);

export const logDriver = (params: CheckParams): Check => {
  const meta: CheckMeta = {
    cis: "2.13",
    severity: "medium",
    reads:
      "`LoggingDriver` from `docker info` within the policy's `log_drivers`; json-file also needs `log-opts` `max-size`",
    differs:
      "ops accepts the drivers the policy lists (local drivers with size limits by default); list only remote drivers to judge by the benchmark's text",
  };
  const allowed = new Set(params.allowedLogDrivers);
  return engineCheck(meta, [...configFacts], (info, facts) => {
    const cfg = configOf(facts);
    const opts = listSetting(cfg, "log-opts", { long: "log-opt" });
    const maxSize = opts.value.find((o) => o.startsWith("max-size="));
    const driver = info.loggingDriver;
    const evidence = {
      command: "docker info --format '{{.LoggingDriver}}'; grep -A3 log-opts /etc/docker/daemon.json",
      output: `LoggingDriver: ${driver}\n${configEvidence(cfg, ["log-driver", "log-opts"])}`,
      source: `docker info, ${opts.source}`,
    };
    if (!allowed.has(driver)) {
      return verdict("fail", `the log driver ${driver || "(none)"} is not allowed`, evidence, {
        expected: `one of ${[...allowed].join(", ")}`,
        actual: driver || "none",
        hint: 'set "log-driver" in /etc/docker/daemon.json to an allowed driver and restart docker',
      });
    }
    if (NEEDS_MAX_SIZE.has(driver) && maxSize === undefined) {
      return verdict("fail", `${driver} logs grow without bound (no max-size)`, evidence, {
        expected: `${driver} with log-opts max-size`,
        actual: `${driver}, log-opts ${opts.value.join(", ") || "none"}`,
        hint: 'set "log-opts": {"max-size": "10m", "max-file": "3"} in /etc/docker/daemon.json and restart docker',
      });
    }
    const bound = maxSize ? ` with ${maxSize}` : "";
    return verdict("pass", `containers log to ${driver}${bound}`, evidence);
  });
};
