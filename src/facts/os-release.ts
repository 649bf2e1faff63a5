/**
 * The distribution: /etc/os-release, plus the text of /etc/centos-release or /etc/redhat-release
 * when present (the file the course checks by hand, and the only one CentOS 6 had).
 */
import { FactError } from "../errors.js";
import type { Fact } from "./fact.js";
import { lines } from "./text.js";

export type OsFamily = "el" | "debian" | "other";

export interface OsRelease {
  /** ID, e.g. "centos", "rocky", "rhel". */
  readonly id: string;
  /** VERSION_ID, e.g. "9" or "8.9". */
  readonly versionId: string;
  /** The major version as a number: 7, 8, 9. */
  readonly major: number;
  /** VERSION_CODENAME (else UBUNTU_CODENAME), e.g. "bookworm", "jammy"; "" when the OS names none (EL). */
  readonly codename: string;
  readonly idLike: readonly string[];
  readonly name: string;
  readonly prettyName: string;
  readonly family: OsFamily;
  /** The first line of /etc/centos-release or /etc/redhat-release, or null. */
  readonly release: string | null;
}

const NAME = "os-release";
const MARK = "@@release-file@@";

/** IDs that are Enterprise Linux (rebuilds of RHEL) themselves or by ID_LIKE. */
const EL_IDS = new Set(["rhel", "centos", "rocky", "almalinux", "ol", "scientific", "circle", "eurolinux"]);

/** Unquotes one os-release value (shell-like: double quotes with backslash escapes, or single quotes). */
export function unquoteOsValue(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"'))
    return v.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

function familyOf(id: string, idLike: readonly string[]): OsFamily {
  if (EL_IDS.has(id) || idLike.some((l) => l === "rhel" || l === "centos")) return "el";
  if (id === "debian" || id === "ubuntu" || idLike.includes("debian")) return "debian";
  return "other";
}

/** Parses the probe output: os-release lines, then the release-file marker and its text. */
export function parseOsRelease(stdout: string): OsRelease {
  const [osPart = "", releasePart] = stdout.split(`${MARK}\n`);
  const kv = new Map<string, string>();
  for (const line of lines(osPart)) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) kv.set(m[1], unquoteOsValue(m[2]));
  }
  const release =
    lines(releasePart ?? "")
      .find((l) => l.trim() !== "")
      ?.trim() ?? null;
  let id = kv.get("ID")?.toLowerCase() ?? "";
  let versionId = kv.get("VERSION_ID") ?? "";
  let name = kv.get("NAME") ?? "";
  if (id === "" && release !== null) {
    // No os-release (CentOS 6 and older): fall back to the release file's text.
    const m = /^(.*?) release (\d+(?:\.\d+)*)/.exec(release);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      name = m[1];
      id = /centos/i.test(name) ? "centos" : "rhel";
      versionId = m[2];
    }
  }
  if (id === "") throw new FactError(NAME, "neither /etc/os-release nor a release file could be read");
  const major = Number.parseInt(versionId, 10);
  if (!Number.isFinite(major))
    throw new FactError(NAME, `VERSION_ID "${versionId}" of ${id} has no major version`);
  const idLike = (kv.get("ID_LIKE") ?? "").split(/\s+/).filter((s) => s !== "");
  return {
    id,
    versionId,
    major,
    codename: kv.get("VERSION_CODENAME") || kv.get("UBUNTU_CODENAME") || "",
    idLike,
    name,
    prettyName: kv.get("PRETTY_NAME") ?? release ?? `${name} ${versionId}`,
    family: familyOf(id, idLike),
    release,
  };
}

/**
 * @example facts.get(osRelease).major // 9
 */
export const osRelease: Fact<OsRelease> = {
  name: NAME,
  probe: [
    "cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null",
    `printf '\\n%s\\n' '${MARK}'`,
    "cat /etc/centos-release 2>/dev/null || cat /etc/redhat-release 2>/dev/null",
    "exit 0",
  ].join("\n"),
  parse: parseOsRelease,
};
