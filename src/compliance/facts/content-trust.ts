/**
 * Where the host sets DOCKER_CONTENT_TRUST for everyone who runs `docker` there (CIS 4.5): the
 * assignments in /etc/environment (pam_env, every login) and /etc/profile.d/*.sh (every login shell),
 * in the order a login reads them. A file that exists but cannot be read fails the probe: an unseen
 * `DOCKER_CONTENT_TRUST=0` must never leave a pass.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";

export interface TrustSetting {
  /** The file and line: "/etc/profile.d/docker.sh:3". */
  readonly where: string;
  /** The value assigned, quotes removed. */
  readonly value: string;
}

export interface ContentTrust {
  /** Every assignment, in the order a login applies them (the last one wins). */
  readonly settings: readonly TrustSetting[];
}

const NAME = "content-trust";
const ASSIGNMENT = /^\s*(?:export\s+)?DOCKER_CONTENT_TRUST=(.*)$/;

export function parseContentTrust(stdout: string): ContentTrust {
  const settings: TrustSetting[] = [];
  for (const line of lines(stdout)) {
    if (line === "") continue;
    const m = /^(\/[^:]+):(\d+):(.*)$/.exec(line);
    const value = m?.[3] === undefined ? undefined : ASSIGNMENT.exec(m[3])?.[1];
    if (!m?.[1] || value === undefined) throw new FactError(NAME, `unexpected line "${line.slice(0, 120)}"`);
    const bare = value
      .replace(/\s+#.*$/, "")
      .trim()
      .replace(/^(["'])(.*)\1$/, "$2");
    settings.push({ where: `${m[1]}:${m[2]}`, value: bare });
  }
  return { settings };
}

/** @example facts.get(contentTrust).settings // [{ where: "/etc/environment:2", value: "1" }] */
export const contentTrust: Fact<ContentTrust> = {
  name: NAME,
  command: "grep -n DOCKER_CONTENT_TRUST= /etc/environment /etc/profile.d/*.sh",
  stderr: "fold",
  probe: [
    "bad=0",
    "for f in /etc/environment /etc/profile.d/*.sh; do",
    '  [ -e "$f" ] || continue',
    '  if [ ! -r "$f" ]; then echo "cannot read $f" >&2; bad=1; continue; fi',
    '  grep -n -E \'^[[:space:]]*(export[[:space:]]+)?DOCKER_CONTENT_TRUST=\' "$f" | sed "s#^#$f:#"',
    "done",
    'exit "$bad"',
  ].join("\n"),
  parse: parseContentTrust,
};
