/**
 * /etc/docker/daemon.json merged as data: the keys ops is asked to set are written, every other key
 * (set by hand) survives. Validated with `dockerd --validate` before it replaces anything, applied
 * by reload when only reloadable keys changed, else by restart, and rolled back by the handler when
 * the engine does not come back (see handlers.ts).
 */
import { dockerDaemon, type DockerInfo } from "../facts/docker-info.js";
import type { Fact, FactSet } from "../facts/fact.js";
import { file as fileFact } from "../facts/file.js";
import { normalizeMirror, normalizeRegistry } from "../facts/registry-names.js";
import { keyDiff, sha256 } from "../resources/diff.js";
import { change, fail, noop, type Resource } from "../resources/resource.js";
import { markPendingLines } from "../resources/rollback.js";
import { atomicWriteScript } from "../resources/scripts.js";
import { DAEMON_JSON, DOCKER_RELOAD, DOCKER_RESTART } from "./handlers.js";

/**
 * Keys dockerd applies on SIGHUP (docs.docker.com "Configuration reload behavior"); any other
 * changed key needs a restart.
 */
export const RELOADABLE_KEYS: ReadonlySet<string> = new Set([
  "debug",
  "labels",
  "live-restore",
  "max-concurrent-downloads",
  "max-concurrent-uploads",
  "max-download-attempts",
  "default-runtime",
  "runtimes",
  "authorization-plugins",
  "insecure-registries",
  "registry-mirrors",
  "shutdown-timeout",
  "features",
  "builder",
]);

export interface DaemonJsonOptions {
  /** Default /etc/docker/daemon.json. */
  readonly path?: string;
  /**
   * Keys to set; a value replaces the key's value as a whole (arrays are not merged). A function
   * computes them from the host's facts (`facts`, read in the same batch).
   */
  readonly set: Readonly<Record<string, unknown>> | ((facts: FactSet) => Readonly<Record<string, unknown>>);
  /** Facts `set` reads, when it is a function. */
  readonly facts?: readonly Fact<unknown>[];
  /** Said with the change (its description, so --diff, --check and reports show it): e.g. an unsafe setting allowed on purpose. */
  readonly warning?: string;
}

type Json = Record<string, unknown>;

/** JSON with object keys sorted, so equality ignores key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** Keys whose value the running engine does not show yet (the file was edited but never applied). */
function notApplied(info: DockerInfo, want: Json): string[] {
  if (info.status !== "running") return [];
  const missing: string[] = [];
  const mirrors = want["registry-mirrors"];
  if (Array.isArray(mirrors)) {
    const have = new Set(info.registryMirrors.map(normalizeMirror));
    if (mirrors.some((m) => typeof m === "string" && !have.has(normalizeMirror(m))))
      missing.push("registry-mirrors");
  }
  const insecure = want["insecure-registries"];
  if (Array.isArray(insecure)) {
    const have = new Set(info.insecureRegistries.map(normalizeRegistry));
    if (insecure.some((r) => typeof r === "string" && !have.has(normalizeRegistry(r))))
      missing.push("insecure-registries");
  }
  return missing;
}

/**
 * @example daemonJson({ set: { "registry-mirrors": ["https://mirror.example.com"], "insecure-registries": ["harbor.lan:5000"] } })
 */
export function daemonJson(o: DaemonJsonOptions): Resource {
  const path = o.path ?? DAEMON_JSON;
  const fact = fileFact(path);
  return {
    id: `daemon-json:${path}`,
    facts: [fact, dockerDaemon, ...(o.facts ?? [])],
    notifies: [DOCKER_RELOAD, DOCKER_RESTART],
    plan(facts) {
      const info = facts.get(fact);
      const set = typeof o.set === "function" ? o.set(facts) : o.set;
      let current: Json = {};
      if (info.exists) {
        if (info.type !== "file") return fail(`${path} is a ${info.type}, not a file`);
        if (info.content === null)
          return fail(`${path} is larger than ops reads (${info.size} bytes); check it by hand`);
        const text = info.content.toString("utf8");
        if (text.trim() !== "") {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch (err) {
            const why = err instanceof Error ? err.message : String(err);
            return fail(
              `${path} is not valid JSON (${why}); ops will not overwrite it`,
              `fix or remove ${path} by hand, then run again`,
            );
          }
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            return fail(
              `${path} is not a JSON object; ops will not overwrite it`,
              `fix or remove ${path} by hand, then run again`,
            );
          }
          current = parsed as Json;
        }
      }
      const changed = Object.keys(set).filter(
        (k) => !Object.hasOwn(current, k) || canonical(current[k]) !== canonical(set[k]),
      );
      const engine = facts.get(dockerDaemon);
      if (changed.length === 0) {
        const stale = notApplied(engine, set);
        if (stale.length > 0) {
          return change({
            description: `reload docker: the engine does not show ${stale.join(", ")} from ${path} yet`,
            script: ":",
            notify: [DOCKER_RELOAD],
          });
        }
        const keys = Object.keys(set);
        return noop(`${path} is up to date${keys.length > 0 ? ` (${keys.join(", ")})` : ""}`);
      }
      const merged: Json = { ...current, ...set };
      const text = `${JSON.stringify(merged, null, 2)}\n`;
      const reloadOnly = changed.every((k) => RELOADABLE_KEYS.has(k));
      const validate =
        engine.status !== "absent" && engine.canValidate
          ? [
              'if ! out=$(dockerd --validate --config-file "$tmp" 2>&1); then',
              '  printf \'dockerd rejected the new %s; it was not changed:\\n%s\\n\' "$p" "$out" >&2',
              "  exit 1",
              "fi",
            ]
          : [];
      return change({
        description: `${info.exists ? "update" : "create"} ${path} (${changed.join(", ")})${o.warning ? ` [${o.warning}]` : ""}`,
        script: atomicWriteScript({
          path,
          mode: info.exists ? info.mode : "0644",
          owner: info.exists ? info.owner : "root",
          group: info.exists ? info.group : "root",
          expectSha256: info.exists ? (info.sha256 ?? sha256(info.content ?? "")) : null,
          beforeMove: [
            ...validate,
            // Proven (or rolled back) by the handler or the service start that applies it.
            ...markPendingLines(),
          ],
        }),
        stdin: text,
        diff: keyDiff(current, merged),
        // No engine yet (a fresh host): the service resource starts it with this file, so a
        // reload right after that start would only cost time.
        notify: engine.status === "absent" ? [] : [reloadOnly ? DOCKER_RELOAD : DOCKER_RESTART],
      });
    },
  };
}
