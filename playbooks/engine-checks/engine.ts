/**
 * Chapter 3's checks: the docker service is active and enabled, `docker info` answers, and the
 * client and server report their versions. The docker-info fact's probe is reused as is, so verify
 * and install-engine read the engine the same way (and the batch runs that probe once for all the
 * checks that share it, config.ts included).
 */
import { dockerInfo, parseDockerInfo, type DockerInfo } from "../../src/facts/docker-info.js";
import {
  verdict,
  field,
  type ScriptCheck,
  type CheckContext,
  type CheckResult,
  type SectionResult,
} from "./script-check.js";

const INSTALL_HINT = "run `ops run install-engine` against this host";

/** One probe for both service checks: what systemd says about docker.service. */
const serviceScript = [
  "if ! command -v systemctl >/dev/null 2>&1; then echo 'active no-systemd'; echo 'enabled no-systemd'; exit 0; fi",
  "printf 'active %s\\n' \"$(systemctl is-active docker.service 2>/dev/null)\"",
  "printf 'enabled %s\\n' \"$(systemctl is-enabled docker.service 2>/dev/null)\"",
].join("\n");

export const engineActive: ScriptCheck = {
  id: "engine.active",
  title: "docker service is active",
  chapter: "3",
  script: () => serviceScript,
  command: () => "systemctl is-active docker",
  parse(result, ctx) {
    const state = field(result.output, "active") || "unknown";
    if (state === "active") return verdict(this, ctx, result, "pass", "docker.service is active");
    return verdict(this, ctx, result, "fail", `docker.service is ${state} (expected active)`, {
      expected: "active",
      actual: state,
      hint: "start it: `systemctl start docker`; if it dies, read `journalctl -u docker -n 50`",
    });
  },
};

export const engineEnabled: ScriptCheck = {
  id: "engine.enabled",
  title: "docker service starts at boot",
  chapter: "3",
  script: () => serviceScript,
  command: () => "systemctl is-enabled docker",
  parse(result, ctx) {
    const state = field(result.output, "enabled") || "unknown";
    if (state === "enabled") return verdict(this, ctx, result, "pass", "docker.service is enabled");
    return verdict(this, ctx, result, "fail", `docker.service is ${state} (expected enabled)`, {
      expected: "enabled",
      actual: state,
      hint: "enable it: `systemctl enable docker`",
    });
  },
};

/**
 * Parses the shared docker-info section, or returns the error result when its output is not
 * understood (a parser bug or a garbled engine answer is verify's error, not the engine's failure).
 */
export function readInfo(
  check: Pick<ScriptCheck, "command">,
  ctx: CheckContext,
  result: SectionResult,
): DockerInfo | CheckResult {
  try {
    return parseDockerInfo(result.output);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return verdict(check, ctx, result, "error", `could not read docker info: ${message}`);
  }
}

export const isResult = (v: DockerInfo | CheckResult): v is CheckResult => "evidence" in v;

export const engineInfo: ScriptCheck = {
  id: "engine.info",
  title: "docker info answers",
  chapter: "3",
  script: () => dockerInfo.probe,
  command: () => "docker info",
  parse(result, ctx) {
    const info = readInfo(this, ctx, result);
    if (isResult(info)) return info;
    if (info.status === "absent")
      return verdict(this, ctx, result, "fail", "docker is not installed", { hint: INSTALL_HINT });
    if (info.status === "not-running")
      return verdict(this, ctx, result, "fail", `the daemon does not answer: ${info.message}`, {
        hint: "check `systemctl status docker` and `journalctl -u docker -n 50`",
      });
    const drivers = `storage ${info.storageDriver || "?"}, cgroup ${info.cgroupDriver || "?"}`;
    return verdict(this, ctx, result, "pass", `the daemon answers (${drivers})`);
  },
};

/**
 * The engine version a pin names, in the engine's own spelling: the epoch and the package revision go
 * (`3:20.10.24-1.el9`, `5:24.0.7-1~debian.12~bookworm` -> `24.0.7`), and a deb pre-release's `~`
 * becomes the `-` the engine reports (`5:24.0.0~rc.1-1~debian.12~bookworm` -> `24.0.0-rc.1`).
 */
export function pinnedVersion(pin: string): string {
  return pin
    .replace(/^\d+:/, "")
    .replace(/-[^-]*$/, "")
    .replace(/~/g, "-");
}

/**
 * Whether a reported version satisfies a pin: equal, or the pin is a prefix at a dot (`20.10`).
 * What follows a `+` is build metadata, which semver leaves out of a version's identity: Debian's
 * rebuild of 20.10.24 reports `20.10.24+dfsg1` and satisfies a 20.10.24 pin. A pin that spells the
 * metadata itself (`20.10.24+dfsg1`) must match it exactly.
 */
export function versionMatches(pin: string, actual: string): boolean {
  const want = pinnedVersion(pin);
  const reported = want.includes("+") ? actual : actual.replace(/\+.*$/, "");
  return reported === want || reported.startsWith(`${want}.`);
}

export const engineVersions: ScriptCheck = {
  id: "engine.versions",
  title: "client and server versions",
  chapter: "3",
  script: () => dockerInfo.probe,
  command: () => "docker version",
  parse(result, ctx) {
    const info = readInfo(this, ctx, result);
    if (isResult(info)) return info;
    if (info.status === "absent")
      return verdict(this, ctx, result, "fail", "docker is not installed", { hint: INSTALL_HINT });
    const client = info.clientVersion ?? "none";
    const server = info.status === "running" ? info.serverVersion : "none (the daemon does not answer)";
    const actual = `client ${client}, server ${server}`;
    if (info.clientVersion === null || info.status !== "running")
      return verdict(this, ctx, result, "fail", `versions incomplete: ${actual}`, {
        actual,
        hint: "see engine.info for why the daemon does not answer",
      });
    const pin = ctx.desired.dockerVersion;
    if (pin && !versionMatches(pin, info.serverVersion))
      return verdict(this, ctx, result, "fail", `server ${info.serverVersion} is not the pinned version`, {
        expected: pinnedVersion(pin),
        actual: info.serverVersion,
        hint: "run `ops run install-engine` to install the pinned version",
      });
    return verdict(this, ctx, result, "pass", actual);
  },
};

export const engineChecks: readonly ScriptCheck[] = [engineActive, engineEnabled, engineInfo, engineVersions];
