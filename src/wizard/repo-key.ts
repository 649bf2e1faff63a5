/**
 * A repo that is not one of Docker's mirrors may be signed by another key (an internal rebuild):
 * a host fetches its key, ops reads the fingerprint, and the person confirms it (or an answers
 * file names it) before install-engine is told to trust it. Docker's own key needs no question.
 */
import { chooseRepo } from "../../playbooks/docker-repo.js";
import { urlContent } from "../facts/url-content.js";
import { keyIdentity, normalizeFingerprint } from "../resources/openpgp.js";
import { DOCKER_GPG_FINGERPRINT } from "../../playbooks/docker-repo.js";
import { gatherFacts } from "../run/gather-facts.js";
import type { Ask } from "./ask.js";
import { asUser } from "./probe-host.js";
import type { ProbedHost } from "./probe-step.js";

export interface RepoKey {
  /** The fingerprint to write as docker_repo_gpg_fingerprint; undefined when Docker's default applies. */
  fingerprint: string | undefined;
  /** Where it came from, for the comment above it. */
  note: string;
}

/** `F857C3D7...` as gpg prints it: ten groups of four. */
export function groupFingerprint(fp: string): string {
  return normalizeFingerprint(fp).replace(/(.{4})(?!$)/g, "$1 ");
}

/** The fingerprint of the key a host fetched, or why there is none. */
async function fetchFingerprint(
  host: ProbedHost,
  url: string,
): Promise<{ fingerprint: string } | { error: string }> {
  const fact = urlContent(url);
  try {
    const set = await gatherFacts(asUser(host.transport), [fact]);
    const got = set.get(fact);
    if (got.status !== "fetched") return { error: got.status === "error" ? got.message : "nothing fetched" };
    return { fingerprint: keyIdentity(got.content).fingerprint };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Question id `docker_repo.key_fingerprint` (`yum_repo.key_fingerprint` in older answers files), asked
 * only for a repo whose key is not Docker's. The key is read from the tree of the host's distribution.
 *
 * @example const key = await repoKeyStep(ask, hosts[0], "http://10.0.0.2/linux/centos", say);
 */
export async function repoKeyStep(
  ask: Ask,
  host: ProbedHost,
  repo: string,
  say: (line: string) => void,
): Promise<RepoKey> {
  const url = chooseRepo({ docker_mirror: repo }, host.facts.os).gpgKeyUrl;
  const fetched = await fetchFingerprint(host, url);
  if ("error" in fetched) {
    say(`  ! ${host.label} could not read the signing key ${url}: ${fetched.error}`);
    say(
      "    install-engine checks the key before it trusts the repo: set docker_repo_gpg_fingerprint yourself.",
    );
    return { fingerprint: undefined, note: `signing key ${url} could not be read from ${host.label}` };
  }
  if (fetched.fingerprint === DOCKER_GPG_FINGERPRINT) {
    return { fingerprint: undefined, note: `${url} is Docker's own key` };
  }
  const shown = groupFingerprint(fetched.fingerprint);
  say(`  The repo's signing key ${url} (read by ${host.label}) is not Docker's. Its fingerprint:`);
  say(`    ${shown}`);
  const answer = await ask.text("docker_repo.key_fingerprint", {
    message: "Trust this key? Enter trusts it; or type the fingerprint you expect",
    default: shown,
    validate: (v) =>
      normalizeFingerprint(v) === fetched.fingerprint ||
      `the key at ${url} has the fingerprint ${shown}, not ${v}: check which key this mirror should have`,
  });
  return {
    fingerprint: groupFingerprint(answer),
    note: `fingerprint of ${url} as ${host.label} read it, confirmed in ops init`,
  };
}
