/**
 * What the daemon was configured with, from the two places dockerd reads settings: daemon.json and
 * its command line (`/proc/<pid>/cmdline`). dockerd refuses to start when both set the same key,
 * so whichever has it is the answer. Pure: facts in, settings with the source they came from out.
 */
import type { FileInfo } from "../facts/file.js";
import type { DockerdCmdline } from "./facts/dockerd-cmdline.js";

type Json = Record<string, unknown>;

export interface DaemonConfig {
  /** daemon.json as an object; {} when the file is absent, empty or unreadable. */
  readonly file: Json;
  /** Why daemon.json could not be read as an object, when it could not. */
  readonly fileProblem?: string;
  readonly filePath: string;
  /** dockerd's arguments without the program name; [] when no daemon runs. */
  readonly args: readonly string[];
  /** `/proc/<pid>/cmdline`, or undefined when no daemon runs. */
  readonly cmdlineSource?: string;
}

/** A configured value and where it was read: "/etc/docker/daemon.json", "/proc/812/cmdline" or "default". */
export interface Setting<T> {
  readonly value: T;
  readonly source: string;
}

/** @example daemonConfig(facts.get(file("/etc/docker/daemon.json")), facts.get(dockerdCmdline), "/etc/docker/daemon.json") */
export function daemonConfig(info: FileInfo, cmd: DockerdCmdline, filePath: string): DaemonConfig {
  const running = cmd.running
    ? { args: cmd.args.slice(1), cmdlineSource: `/proc/${cmd.pid}/cmdline` }
    : { args: [] };
  if (!info.exists) return { file: {}, filePath, ...running };
  if (info.type !== "file" || info.content === null)
    return { file: {}, filePath, fileProblem: `${filePath} is not a readable file`, ...running };
  const text = info.content.toString("utf8");
  if (text.trim() === "") return { file: {}, filePath, ...running };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return { file: parsed as Json, filePath, ...running };
    return { file: {}, filePath, fileProblem: `${filePath} is not a JSON object`, ...running };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { file: {}, filePath, fileProblem: `${filePath} is not valid JSON (${why})`, ...running };
  }
}

/**
 * Values of a flag that takes a value, in order: `--name=v`, `--name v`, and for a one-letter
 * alias `-H v`, `-H=v`, `-Hv`.
 *
 * @example flagValues(["-H", "fd://", "--host=tcp://0.0.0.0:2375"], "host", "H") // ["fd://", "tcp://0.0.0.0:2375"]
 */
export function flagValues(args: readonly string[], long: string, short?: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    const next = args[i + 1];
    if (a === `--${long}` || (short !== undefined && a === `-${short}`)) {
      if (next !== undefined) out.push(next);
      i++;
    } else if (a.startsWith(`--${long}=`)) out.push(a.slice(long.length + 3));
    else if (short !== undefined && a.startsWith(`-${short}`) && !a.startsWith("--"))
      out.push(a.slice(2).replace(/^=/, ""));
  }
  return out;
}

/**
 * A boolean flag: `--name` or `--name=true` is true, `--name=false` false, absent undefined.
 * The last occurrence wins, as in dockerd's flag parser.
 */
export function boolFlag(args: readonly string[], long: string): boolean | undefined {
  let value: boolean | undefined;
  for (const a of args) {
    if (a === `--${long}`) value = true;
    else if (a.startsWith(`--${long}=`)) value = /^(true|1|t)$/i.test(a.slice(long.length + 3));
  }
  return value;
}

/**
 * A boolean setting: the command line, else daemon.json, else dockerd's default.
 *
 * @example boolSetting(cfg, "live-restore", "live-restore", false) // { value: true, source: "/etc/docker/daemon.json" }
 */
export function boolSetting(
  cfg: DaemonConfig,
  key: string,
  flag: string,
  fallback: boolean,
): Setting<boolean> {
  const fromFlag = boolFlag(cfg.args, flag);
  if (fromFlag !== undefined) return { value: fromFlag, source: cfg.cmdlineSource ?? "dockerd command line" };
  const fromFile = cfg.file[key];
  if (typeof fromFile === "boolean") return { value: fromFile, source: cfg.filePath };
  return { value: fallback, source: "default" };
}

/**
 * A setting that is a list: values of a repeatable flag, else daemon.json's array (or the keys of its
 * object, for `default-ulimits`; `key=value` pairs for `log-opts`), else empty.
 */
export function listSetting(
  cfg: DaemonConfig,
  key: string,
  flag: { long: string; short?: string },
): Setting<string[]> {
  const fromFlag = flagValues(cfg.args, flag.long, flag.short);
  if (fromFlag.length > 0) return { value: fromFlag, source: cfg.cmdlineSource ?? "dockerd command line" };
  const v = cfg.file[key];
  if (Array.isArray(v))
    return { value: v.filter((x): x is string => typeof x === "string"), source: cfg.filePath };
  if (typeof v === "object" && v !== null) {
    const pairs = Object.entries(v as Json).map(([k, x]) => (typeof x === "string" ? `${k}=${x}` : k));
    return { value: pairs, source: cfg.filePath };
  }
  return { value: [], source: "default" };
}

/** A string setting: `--flag v`, else daemon.json's string, else undefined with source "default". */
export function stringSetting(
  cfg: DaemonConfig,
  key: string,
  flag: { long: string; short?: string },
): Setting<string | undefined> {
  const fromFlag = flagValues(cfg.args, flag.long, flag.short);
  const last = fromFlag[fromFlag.length - 1];
  if (last !== undefined) return { value: last, source: cfg.cmdlineSource ?? "dockerd command line" };
  const v = cfg.file[key];
  if (typeof v === "string") return { value: v, source: cfg.filePath };
  return { value: undefined, source: "default" };
}
