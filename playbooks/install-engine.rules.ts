/**
 * install-engine's cross-field rules, checked before anything connects: values that cannot work (a
 * version pin dnf would reject) and settings that would open the engine to the network (a TCP API
 * socket without TLS, an insecure registry CIDR that covers the internet) are configuration errors,
 * the unsafe ones unless named in `docker_allow_unsafe` on purpose.
 */
import type { RuleProblem, VarRule } from "../src/playbook.js";
import { readPemCertificates } from "../src/registry/pem.js";
import { parseEvr } from "../src/packages/rpm/version.js";
import { daemonSettings } from "./install-engine.daemon.js";
import type { InstallEngineVars } from "./install-engine.vars.js";

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : typeof v === "string" ? [v] : [];

/** The daemon.json keys that would be written, and where each comes from, for messages. */
function origin(vars: InstallEngineVars, key: string): { variable: string; path?: string } {
  if (key === "insecure-registries" && vars.insecure_registries.length > 0)
    return { variable: "insecure_registries" };
  return { variable: "docker_daemon_options", path: key };
}

/** A `hosts` entry that listens on TCP: `tcp://...`, or a bare `host:port`. */
const isTcp = (h: string): boolean =>
  /^tcp:\/\//i.test(h) || (/:\d+$/.test(h) && !/^(unix|fd|npipe):/i.test(h));

export const versionPinIsValid: VarRule<InstallEngineVars> = {
  name: "version-pin",
  check(vars) {
    if (vars.docker_version === "") return [];
    try {
      parseEvr(vars.docker_version);
      return [];
    } catch (err) {
      return [{ variable: "docker_version", message: err instanceof Error ? err.message : String(err) }];
    }
  },
};

export const tcpSocketNeedsTls: VarRule<InstallEngineVars> = {
  name: "tcp-socket-needs-tls",
  check(vars) {
    if (vars.docker_allow_unsafe.includes("tcp-without-tls")) return [];
    const set = daemonSettings(vars);
    const tcp = strings(set.hosts).filter(isTcp);
    if (tcp.length === 0 || set.tlsverify === true) return [];
    return [
      {
        variable: "docker_daemon_options",
        path: "hosts",
        message: `the engine would listen on ${tcp.join(", ")} without tlsverify: anyone who reaches it is root on the host`,
        hint: 'set "tlsverify": true with tlscacert, tlscert and tlskey, or allow it on purpose with docker_allow_unsafe: [tcp-without-tls]',
      },
    ];
  },
};

/** A CIDR wider than /8 (or any IPv6 prefix under /16) is most of a network, if not the internet. */
function tooWide(entry: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(entry);
  if (!m) return false;
  const bits = Number(m[2]);
  return (m[1] ?? "").includes(":") ? bits < 16 : bits < 8;
}

export const insecureRegistriesAreNarrow: VarRule<InstallEngineVars> = {
  name: "insecure-registry-any",
  check(vars) {
    if (vars.docker_allow_unsafe.includes("insecure-registry-any")) return [];
    const wide = strings(daemonSettings(vars)["insecure-registries"]).filter(tooWide);
    return wide.map((entry): RuleProblem => ({
      ...origin(vars, "insecure-registries"),
      message: `insecure registry ${entry} would let any registry in it serve images without TLS checks`,
      hint: "name the registries (host:port) or a narrow CIDR, or allow it on purpose with docker_allow_unsafe: [insecure-registry-any]",
    }));
  },
};

/** Numbers YAML or JSON turned into Infinity would be written to daemon.json as null. */
export const finiteNumbers: VarRule<InstallEngineVars> = {
  name: "finite-numbers",
  check(vars) {
    const problems: RuleProblem[] = [];
    const walk = (value: unknown, path: string): void => {
      if (typeof value === "number" && !Number.isFinite(value))
        problems.push({ variable: "docker_daemon_options", path, message: `${path} is not a finite number` });
      else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === "object")
        for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    };
    walk(vars.docker_daemon_options, "");
    return problems;
  },
};

/**
 * Each PEM block of a registry CA parses as an X.509 certificate: the schema checks the armour, this
 * checks what is inside, so a truncated paste fails before connecting rather than at the first pull.
 */
export const registryCasAreCertificates: VarRule<InstallEngineVars> = {
  name: "registry-ca-certs",
  check(vars) {
    const problems: RuleProblem[] = [];
    for (const [endpoint, pem] of Object.entries(vars.registry_ca_certs)) {
      try {
        readPemCertificates(pem);
      } catch (err) {
        problems.push({
          variable: "registry_ca_certs",
          path: endpoint,
          message: `the CA for ${endpoint}: ${err instanceof Error ? err.message : String(err)}`,
          hint: "paste the registry's CA certificate whole, as a YAML block (registry_ca_certs: {host:port: |...})",
        });
      }
    }
    return problems;
  },
};

export const installEngineRules: readonly VarRule<InstallEngineVars>[] = [
  versionPinIsValid,
  tcpSocketNeedsTls,
  insecureRegistriesAreNarrow,
  finiteNumbers,
  registryCasAreCertificates,
];

/** The unsafe settings this host's variables allow and use, for the daemon.json step to say so. */
export function unsafeInUse(vars: InstallEngineVars): string[] {
  const set = daemonSettings(vars);
  const used: string[] = [];
  if (
    vars.docker_allow_unsafe.includes("tcp-without-tls") &&
    strings(set.hosts).some(isTcp) &&
    set.tlsverify !== true
  )
    used.push("TCP API socket without TLS");
  if (
    vars.docker_allow_unsafe.includes("insecure-registry-any") &&
    strings(set["insecure-registries"]).some(tooWide)
  )
    used.push("insecure registry CIDR wider than /8");
  return used;
}
