/** A systemd unit's state, from `systemctl show`. */
import { quote } from "../transport/quote.js";
import type { Fact } from "./fact.js";
import { lines } from "./text.js";

export interface SystemdUnit {
  /** False when systemctl is missing or systemd is not running (containers, chroots). */
  readonly systemd: boolean;
  /** LoadState == "loaded" (a unit that is not installed is "not-found"). */
  readonly loaded: boolean;
  readonly active: boolean;
  /** UnitFileState is enabled, enabled-runtime, alias, static or indirect... only "enabled*" counts. */
  readonly enabled: boolean;
  readonly loadState: string;
  readonly activeState: string;
  readonly subState: string;
  readonly unitFileState: string;
  /** Monotonic microseconds when it became active; null when never. */
  readonly activeSince: number | null;
  readonly mainPid: number | null;
}

export function parseSystemdUnit(stdout: string): SystemdUnit {
  const kv = new Map<string, string>();
  for (const line of lines(stdout)) {
    const at = line.indexOf("=");
    if (at > 0) kv.set(line.slice(0, at), line.slice(at + 1));
  }
  const loadState = kv.get("LoadState") ?? "";
  const activeState = kv.get("ActiveState") ?? "";
  const unitFileState = kv.get("UnitFileState") ?? "";
  const since = Number(kv.get("ActiveEnterTimestampMonotonic") ?? "0");
  const pid = Number(kv.get("MainPID") ?? "0");
  return {
    systemd: loadState !== "",
    loaded: loadState === "loaded",
    active: activeState === "active",
    enabled: unitFileState === "enabled" || unitFileState === "enabled-runtime",
    loadState,
    activeState,
    subState: kv.get("SubState") ?? "",
    unitFileState,
    activeSince: Number.isFinite(since) && since > 0 ? since : null,
    mainPid: Number.isFinite(pid) && pid > 0 ? pid : null,
  };
}

/** @example facts.get(systemdUnit("docker")) // { active: true, enabled: true, … } */
export function systemdUnit(name: string): Fact<SystemdUnit> {
  const props = "LoadState,ActiveState,SubState,UnitFileState,ActiveEnterTimestampMonotonic,MainPID";
  return {
    name: `systemd-unit:${name}`,
    probe: `command -v systemctl >/dev/null 2>&1 && systemctl show ${quote(name)} -p ${props} || true`,
    parse: parseSystemdUnit,
  };
}
