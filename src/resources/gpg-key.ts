/**
 * The repo's signing key, imported only after its fingerprint matches the one the user pinned.
 * The host fetches the key (its proxy, its mirror) only when rpm does not have it yet; the bytes
 * are verified here, and exactly those verified bytes are written and imported. Whether rpm has it
 * is the url-content probe's own first question (`rpm -q gpg-pubkey-<id>`), so a no-op asks rpm once.
 */
import type { Fact } from "../facts/fact.js";
import { urlContent, type UrlContent } from "../facts/url-content.js";
import { quote } from "../transport/quote.js";
import { keyIdentity, normalizeFingerprint } from "./openpgp.js";
import { change, fail, noop, type Resource } from "./resource.js";
import { atomicWriteScript } from "./scripts.js";

/** Docker's published release key for its rpm repos (docs.docker.com/engine/install/centos). */
export const DOCKER_GPG_FINGERPRINT = "060A61C51B558A7F742B77AAC52FEB6B621E9F35";
export const DOCKER_GPG_KEY_PATH = "/etc/pki/rpm-gpg/docker-ce.gpg";

export interface GpgKeyOptions {
  /** Where the host fetches the key, e.g. "<docker_repo_url>/gpg". */
  readonly url: string;
  /** The pinned fingerprint (spaces and case don't matter). Default: Docker's release key. */
  readonly fingerprint?: string;
  /** Where the verified key is written (the repo file's gpgkey). Default /etc/pki/rpm-gpg/docker-ce.gpg. */
  readonly path?: string;
  /**
   * The key's bytes, already on the control machine (an offline bundle's): the host fetches
   * nothing, and `url` only names where they came from in messages.
   */
  readonly content?: Buffer;
}

/** Whether rpm has the key: the only thing asked of the host when the key's bytes are given. */
function keyImported(keyId: string): Fact<{ status: "imported" } | { status: "absent" }> {
  return {
    name: `rpm-gpg-pubkey:${keyId}`,
    probe: `if command -v rpm >/dev/null 2>&1 && rpm -q ${quote(`gpg-pubkey-${keyId}`)} >/dev/null 2>&1; then echo imported; else echo absent; fi`,
    parse: (stdout) => ({ status: stdout.trim() === "imported" ? "imported" : "absent" }),
  };
}

const spaced = (fp: string): string => fp.replace(/(.{4})(?=.)/g, "$1 ");

/**
 * @example gpgKey({ url: "https://download.docker.com/linux/centos/gpg" })
 */
export function gpgKey(o: GpgKeyOptions): Resource {
  const want = normalizeFingerprint(o.fingerprint ?? DOCKER_GPG_FINGERPRINT);
  const path = o.path ?? DOCKER_GPG_KEY_PATH;
  const rpmKeyId = want.slice(-8).toLowerCase();
  const validFp = /^[0-9A-F]{40}$/.test(want);
  const fetched: Fact<UrlContent | { status: "absent" }> =
    o.content !== undefined && validFp
      ? keyImported(rpmKeyId)
      : urlContent(o.url, validFp ? rpmKeyId : undefined);
  return {
    id: `gpg-key:${want}`,
    facts: [fetched],
    plan(facts) {
      if (!validFp) return fail(`fingerprint "${o.fingerprint ?? ""}" is not 40 hex digits`);
      const seen = facts.get(fetched);
      const got: UrlContent =
        seen.status === "absent" ? { status: "fetched", content: o.content ?? Buffer.alloc(0) } : seen;
      if (got.status === "imported") {
        return noop(`key ${spaced(want).slice(-9)} is imported (gpg-pubkey-${rpmKeyId})`);
      }
      if (got.status === "error")
        return fail(`could not fetch the key at ${o.url}: ${got.message}; nothing was imported`);
      let fp: string;
      try {
        fp = keyIdentity(got.content).fingerprint;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return fail(`the content at ${o.url} is not an OpenPGP public key (${why}); nothing was imported`);
      }
      if (fp !== want) {
        return fail(
          `fingerprint mismatch: the key at ${o.url} is ${spaced(fp)}, expected ${spaced(want)}; nothing was imported`,
          "check docker_repo_gpgkey and docker_repo_gpg_fingerprint, or the mirror serving the key",
        );
      }
      return change(
        {
          description: `install the verified key ${spaced(want).slice(-9)} as ${path}`,
          // No unchanged-file guard: a key file left by an earlier attempt is simply replaced by verified bytes.
          script: atomicWriteScript({ path, mode: "0644", owner: "root", group: "root" }),
          stdin: got.content,
        },
        { description: `import ${path} into rpm`, script: `set -e\nrpm --import ${quote(path)}` },
      );
    },
  };
}
