/**
 * The images a host's engine holds: every reference with its image id, and the ids themselves
 * (an image may be present under another name, or untagged). One probe, the one fact every
 * playbook reads to decide whether an image must be loaded: the images playbook, `ops images ls`
 * and the bundle's images.
 */
import { FactError } from "../errors.js";
import type { Fact } from "../facts/fact.js";
import { lines } from "../facts/text.js";
import { IMAGE_ID, normalizeRef } from "./ref.js";

export interface HostImages {
  /**
   * "none": no docker command yet; "stopped": its daemon is not running (install-engine installs
   * and starts it later in the same run); either way the engine holds no image that could be used.
   * Any other failure of the docker command is an error, never "no images".
   */
  readonly engine: "running" | "stopped" | "none";
  /** Normalized reference -> image id. */
  readonly refs: ReadonlyMap<string, string>;
  /** Every image id present, tagged or not. */
  readonly ids: ReadonlySet<string>;
}

const NAME = "docker-images";
const NO_DOCKER = "no-docker";
/** What the docker CLI says when its daemon's socket does not answer. */
const STOPPED = /^Cannot connect to the Docker daemon at \S+\. Is the docker daemon running\?$/m;

/**
 * Parses `docker images -a --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}'`: one image per
 * line; untagged ones print `<none>:<none>`. A first line `no-docker` means no engine installed.
 */
export function parseHostImages(stdout: string): HostImages {
  const refs = new Map<string, string>();
  const ids = new Set<string>();
  const all = lines(stdout).filter((l) => l.trim() !== "");
  if (all.length === 1 && all[0]?.trim() === NO_DOCKER) return { engine: "none", refs, ids };
  for (const line of all) {
    const m = /^(sha256:[0-9a-f]{64}) (\S+)$/.exec(line.trim());
    if (!m?.[1] || !m[2] || !IMAGE_ID.test(m[1]))
      throw new FactError(NAME, `unexpected line "${line.slice(0, 80)}"`);
    ids.add(m[1]);
    if (!m[2].includes("<none>")) refs.set(normalizeRef(m[2]), m[1]);
  }
  return { engine: "running", refs, ids };
}

/** @example facts.get(hostImages).refs.get("team/app:1.0") // "sha256:…" */
export const hostImages: Fact<HostImages> = {
  name: NAME,
  // No docker command, or its daemon not answering, is said as such (engine); any other failure of
  // `docker images` is an error: an unread list is never "has nothing".
  probe: [
    `command -v docker >/dev/null 2>&1 || { echo ${NO_DOCKER}; exit 0; }`,
    "docker images -a --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}'",
  ].join("\n"),
  command: "docker images -a --no-trunc",
  stderr: "fold",
  parse(stdout, exitCode) {
    if (exitCode !== undefined && exitCode !== 0 && STOPPED.test(stdout))
      return { engine: "stopped", refs: new Map(), ids: new Set() };
    if (exitCode !== undefined && exitCode !== 0)
      throw new FactError(NAME, `docker images failed (exit ${exitCode}): ${stdout.trim().slice(0, 200)}`);
    return parseHostImages(stdout);
  },
};
