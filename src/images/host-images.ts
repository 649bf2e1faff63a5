/**
 * The images a host's engine holds: every reference with its image id, and the ids themselves
 * (an image may be present under another name, or untagged). One probe, shared by the images
 * playbook's plan and `ops images ls`.
 */
import { FactError } from "../errors.js";
import type { Fact } from "../facts/fact.js";
import { lines } from "../facts/text.js";
import { IMAGE_ID, normalizeRef } from "./ref.js";

export interface HostImages {
  /** Normalized reference -> image id. */
  readonly refs: ReadonlyMap<string, string>;
  /** Every image id present, tagged or not. */
  readonly ids: ReadonlySet<string>;
}

const NAME = "docker-images";

/**
 * Parses `docker images -a --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}'`: one image per
 * line; untagged ones print `<none>:<none>`.
 */
export function parseHostImages(stdout: string): HostImages {
  const refs = new Map<string, string>();
  const ids = new Set<string>();
  for (const line of lines(stdout)) {
    if (line.trim() === "") continue;
    const m = /^(sha256:[0-9a-f]{64}) (\S+)$/.exec(line.trim());
    if (!m?.[1] || !m[2] || !IMAGE_ID.test(m[1]))
      throw new FactError(NAME, `unexpected line "${line.slice(0, 80)}"`);
    ids.add(m[1]);
    if (!m[2].includes("<none>")) refs.set(normalizeRef(m[2]), m[1]);
  }
  return { refs, ids };
}

/** @example facts.get(hostImages).refs.get("team/app:1.0") // "sha256:…" */
export const hostImages: Fact<HostImages> = {
  name: NAME,
  // A missing or stopped engine fails the probe: an unread list is an error, never "has nothing".
  probe: "docker images -a --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}'",
  command: "docker images -a --no-trunc",
  stderr: "fold",
  parse(stdout, exitCode) {
    if (exitCode !== undefined && exitCode !== 0)
      throw new FactError(NAME, `docker images failed (exit ${exitCode}): ${stdout.trim().slice(0, 200)}`);
    return parseHostImages(stdout);
  },
};
