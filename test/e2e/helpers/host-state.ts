/** What a test reads from inside a lab host to judge a run: file checksums, engine identity, config. */
import { hostExec, hostExecResult } from "../../lab/lab.js";

export const MANAGED_FILES = [
  "/etc/yum.repos.d/docker-ce.repo",
  "/etc/docker/daemon.json",
  "/etc/pki/rpm-gpg/docker-ce.gpg",
];

/** sha256 and mtime (ns) of each managed file: equal before and after means untouched. */
export async function fileStamps(host: string, files = MANAGED_FILES): Promise<string> {
  return hostExec(
    host,
    `for f in ${files.join(" ")}; do printf '%s %s %s\\n' "$f" "$(sha256sum < "$f" | cut -c1-64)" "$(stat -c %Y.%y "$f")"; done`,
  );
}

/** The engine's main PID and start time: unchanged means not restarted. */
export async function engineIdentity(host: string): Promise<{ pid: string; since: string }> {
  const out = await hostExec(
    host,
    "systemctl show docker -p MainPID -p ActiveEnterTimestampMonotonic --value",
  );
  const [pid = "", since = ""] = out.trim().split("\n");
  return { pid, since };
}

export interface EngineConfig {
  active: string;
  enabled: string;
  mirrors: string[];
  insecure: string[];
}

/** Service state and the registry config `docker info` reports. */
export async function engineConfig(host: string): Promise<EngineConfig> {
  const active = (await hostExecResult(host, "systemctl is-active docker")).stdout.trim();
  const enabled = (await hostExecResult(host, "systemctl is-enabled docker")).stdout.trim();
  const info = JSON.parse(await hostExec(host, "docker info --format '{{json .RegistryConfig}}'")) as {
    Mirrors: string[] | null;
    IndexConfigs: Record<string, { Secure: boolean }>;
  };
  const insecure = Object.entries(info.IndexConfigs)
    .filter(([, v]) => !v.Secure)
    .map(([k]) => k);
  return { active, enabled, mirrors: info.Mirrors ?? [], insecure };
}

/** Whether a path exists on the host. */
export async function exists(host: string, path: string): Promise<boolean> {
  return (await hostExecResult(host, `test -e ${path}`)).exitCode === 0;
}
