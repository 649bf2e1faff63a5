/**
 * Whether auditd is there, the file watches its loaded rules hold (`auditctl -l`), and which of the
 * Docker files the CIS benchmark (1.1.3 to 1.1.18) wants watched exist on this host: a rule is only
 * asked for a file that is there.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";
import { sh } from "../../transport/quote.js";

/**
 * Paths the benchmark wants audited, with the section that names each. Where packages put a file in
 * another home, both are listed (the check asks a rule for each that exists): docker-ce's dockerd is
 * /usr/bin/dockerd, Debian's and Ubuntu's docker.io install it as /usr/sbin/dockerd.
 */
export const AUDITED_PATHS: Readonly<Record<string, string>> = {
  "/usr/bin/dockerd": "1.1.3",
  "/usr/sbin/dockerd": "1.1.3",
  "/run/containerd": "1.1.4",
  "/var/lib/docker": "1.1.5",
  "/etc/docker": "1.1.6",
  "/usr/lib/systemd/system/docker.service": "1.1.7",
  "/lib/systemd/system/docker.service": "1.1.7",
  "/run/containerd/containerd.sock": "1.1.8",
  "/usr/lib/systemd/system/docker.socket": "1.1.9",
  "/lib/systemd/system/docker.socket": "1.1.9",
  "/etc/default/docker": "1.1.10",
  "/etc/docker/daemon.json": "1.1.11",
  "/etc/containerd/config.toml": "1.1.12",
  "/etc/sysconfig/docker": "1.1.13",
  "/usr/bin/containerd": "1.1.14",
  "/usr/bin/containerd-shim": "1.1.15",
  "/usr/bin/containerd-shim-runc-v1": "1.1.16",
  "/usr/bin/containerd-shim-runc-v2": "1.1.17",
  "/usr/bin/runc": "1.1.18",
};

export type AuditRules =
  | { readonly status: "absent"; readonly present: readonly string[] }
  | { readonly status: "loaded"; readonly watched: readonly string[]; readonly present: readonly string[] };

const NAME = "audit-rules";

export function parseAuditRules(stdout: string): AuditRules {
  const rows = lines(stdout);
  const present = rows.filter((l) => l.startsWith("present ")).map((l) => l.slice(8));
  const state = rows.find((l) => /^(absent|rules)$/.test(l)) ?? "";
  if (state === "absent") return { status: "absent", present };
  if (state !== "rules") throw new FactError(NAME, `unexpected output "${(rows[0] ?? "").slice(0, 80)}"`);
  // `-w /etc/docker -p wa -k docker` (a watch) or `-a always,exit -F path=/usr/bin/dockerd ...`.
  const watched = rows
    .filter((l) => l.startsWith("rule "))
    .flatMap((l) => {
      const rule = l.slice(5);
      const w = /(?:^|\s)-w\s+(\S+)/.exec(rule)?.[1];
      const p = /(?:^|\s)-F\s+(?:path|dir)=(\S+)/.exec(rule)?.[1];
      return [w, p].filter((x): x is string => x !== undefined);
    });
  return { status: "loaded", watched: [...new Set(watched)], present };
}

/** @example facts.get(auditRules) // { status: "absent", present: ["/etc/docker", …] } */
export const auditRules: Fact<AuditRules> = {
  name: NAME,
  command: "auditctl -l",
  stderr: "fold",
  probe: [
    `for p in ${sh(Object.keys(AUDITED_PATHS))}; do if [ -e "$p" ]; then printf 'present %s\\n' "$p"; fi; done`,
    "if ! command -v auditctl >/dev/null 2>&1; then echo absent; exit 0; fi",
    // Without root, auditctl cannot list the rules: the probe fails with its message and status.
    'if ! out=$(auditctl -l 2>&1); then s=$?; printf "%s\\n" "$out"; exit "$s"; fi',
    "echo rules",
    'printf "%s\\n" "$out" | sed "s/^/rule /"',
  ].join("\n"),
  parse: parseAuditRules,
};
