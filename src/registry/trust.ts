/**
 * How an engine host trusts the registry: the CA in /etc/docker/certs.d/<host:port>/ca.crt, which
 * dockerd reads on every connection to that registry (no restart, no insecure-registries); or, for
 * the course's plain-HTTP registry, its address added to daemon.json's insecure-registries (a
 * reloadable key: the engine reloads, it does not restart). Any playbook can use these resources.
 */
import { file as fileFact, type FileInfo } from "../facts/file.js";
import { DAEMON_JSON, daemonJson } from "../engine/index.js";
import { file } from "../resources/file.js";
import { change, noop, type Resource } from "../resources/resource.js";
import { quote } from "../transport/quote.js";

export const CERTS_D = "/etc/docker/certs.d";

/**
 * The mode of the CA files ops writes: CIS 3.8 allows registry certificates 0444 at most (and
 * `ops check` judges them so), root:root per 3.7. dockerd reads them as root, so read-only is enough.
 */
export const CA_FILE_MODE = "0444";

/**
 * A registry as engines address it, `host` or `host:port`. It names a folder under certs.d, so it
 * starts with a letter or digit and holds no `/`: never `..` or a path.
 */
export const REGISTRY_ENDPOINT = "^[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?$";

/** A registry as engines address it. */
export interface TrustedRegistry {
  /** `host:port` as in `docker pull host:port/project/app`. */
  readonly endpoint: string;
  /** PEM of the CA to trust; null: plain HTTP (insecure-registries) or a public CA (nothing to do). */
  readonly caPem: string | null;
  readonly tls: boolean;
}

/**
 * The certs.d folders docker looks in for an endpoint. Docker looks up `host` for a registry
 * addressed without a port, which port 443 allows, so both spellings are trusted then.
 *
 * @example certsDirs("reg.lan:443") // ["/etc/docker/certs.d/reg.lan:443", "/etc/docker/certs.d/reg.lan"]
 */
export function certsDirs(endpoint: string): string[] {
  const dirs = [`${CERTS_D}/${endpoint}`];
  if (endpoint.endsWith(":443")) dirs.push(`${CERTS_D}/${endpoint.slice(0, -4)}`);
  return dirs;
}

/**
 * Every registry of a run, trusted: its CA in certs.d when it serves TLS; when it serves plain HTTP,
 * its address in insecure-registries. All plain-HTTP addresses go into ONE edit of daemon.json (a
 * registry and its proxy cache are two): two edits of the same file in one run would plan against
 * the same facts, and the second, finding the file changed since, would write nothing and fail.
 *
 * @example trustRegistries([{ endpoint: "10.0.0.5:443", caPem, tls: true }])
 */
export function trustRegistries(registries: readonly TrustedRegistry[]): Resource[] {
  const files = registries.flatMap((r) =>
    r.tls && r.caPem !== null
      ? certsDirs(r.endpoint).map((dir) =>
          file({
            path: `${dir}/ca.crt`,
            content: r.caPem ?? "",
            mode: CA_FILE_MODE,
            owner: "root",
            group: "root",
          }),
        )
      : [],
  );
  const plain = registries.filter((r) => !r.tls).map((r) => r.endpoint);
  return plain.length === 0 ? files : [...files, insecureRegistries(plain, "add")];
}

/**
 * Undoes trustRegistries (for `registry_state: absent`): the CA leaves certs.d, a plain-HTTP
 * address leaves insecure-registries (in one edit, as it came), every other entry stays.
 *
 * @example untrustRegistries([{ endpoint: "10.0.0.5:5000", tls: false }])
 */
export function untrustRegistries(registries: readonly Omit<TrustedRegistry, "caPem">[]): Resource[] {
  const cas = registries.filter((r) => r.tls).map((r) => untrustCa(r.endpoint));
  const plain = registries.filter((r) => !r.tls).map((r) => r.endpoint);
  return plain.length === 0 ? cas : [...cas, insecureRegistries(plain, "remove")];
}

/**
 * The insecure-registries daemon.json holds now: none when it is missing or empty; null when it
 * cannot be read (not a file, too large, not a JSON object), which daemonJson refuses with its own
 * message.
 */
function insecureList(info: FileInfo): string[] | null {
  if (!info.exists) return [];
  if (info.type !== "file" || info.content === null) return null;
  const text = info.content.toString("utf8");
  if (text.trim() === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  const current = (parsed as Record<string, unknown>)["insecure-registries"] ?? [];
  return Array.isArray(current) ? current.filter((x): x is string => typeof x === "string") : [];
}

/** Adds the addresses to insecure-registries, or removes them, keeping every other entry (hand-set ones included). */
function insecureRegistries(endpoints: readonly string[], mode: "add" | "remove"): Resource {
  const fact = fileFact(DAEMON_JSON);
  return {
    id: `insecure-registries:${mode}:${endpoints.join(",")}`,
    // The facts daemonJson plans with (daemon.json and the engine's own view), read the same way.
    facts: daemonJson({ set: {} }).facts,
    plan(facts) {
      const list = insecureList(facts.get(fact));
      // Unreadable: daemonJson fails the host with why, rather than a removal claiming "not there".
      if (list === null) return daemonJson({ set: {} }).plan(facts);
      if (mode === "remove") {
        if (!endpoints.some((e) => list.includes(e)))
          return noop(`${endpoints.join(", ")} not in ${DAEMON_JSON}'s insecure-registries`);
        return daemonJson({
          set: { "insecure-registries": list.filter((e) => !endpoints.includes(e)) },
        }).plan(facts);
      }
      const want = [...list, ...endpoints.filter((e) => !list.includes(e))];
      return daemonJson({ set: { "insecure-registries": want } }).plan(facts);
    },
  };
}

/** Removes a registry's CA from certs.d. */
function untrustCa(endpoint: string): Resource {
  const dirs = certsDirs(endpoint);
  const facts = dirs.map((d) => fileFact(`${d}/ca.crt`));
  return {
    id: `untrust:${endpoint}`,
    facts,
    plan(set) {
      const present = dirs.filter((d) => set.get(fileFact(`${d}/ca.crt`)).exists);
      if (present.length === 0) return noop(`no CA for ${endpoint} in ${CERTS_D}`);
      return change({
        description: `remove ${present.map((d) => `${d}/ca.crt`).join(", ")}`,
        script: present
          .map((d) => `rm -f -- ${quote(`${d}/ca.crt`)}\nrmdir -- ${quote(d)} 2>/dev/null || true`)
          .join("\n"),
      });
    },
  };
}
