/**
 * A repository's OpenPGP signing key, trusted only after its fingerprint matches the pinned one,
 * on any package family. The host fetches the key (its proxy, its mirror) only when the family says
 * it is not trusted yet (rpm: `rpm -q gpg-pubkey-<id>`), in the same probe, so a no-op asks once and
 * fetches nothing. The bytes are verified here, on the control side, and exactly those verified
 * bytes are written and handed to the family (rpm imports them; apt reads the file by `Signed-By:`).
 * Armored and binary keys are both accepted.
 */
import type { Fact } from "../facts/fact.js";
import { urlContent, type UrlContent } from "../facts/url-content.js";
import { familyNamed } from "../packages/index.js";
import type { OnHost } from "../packages/host-facts.js";
import { keyIdentity, normalizeFingerprint } from "./openpgp.js";
import { change, fail, noop, type Resource } from "./resource.js";
import { atomicWriteScript } from "./scripts.js";

export interface SigningKeyOptions {
  /** The host the resource is listed for: its package family decides where and how the key is trusted. */
  readonly on: OnHost;
  /** The key's file name without extension, e.g. "docker-ce". */
  readonly name: string;
  /** Where the host fetches the key, e.g. "<repo base>/gpg". */
  readonly url: string;
  /** The pinned fingerprint (spaces and case don't matter): 40 hex digits. */
  readonly fingerprint: string;
  /** Where the verified key is written. Default: the family's place for `name`. */
  readonly path?: string;
  /** What to check when the fingerprint does not match (the playbook's own variable names). */
  readonly mismatchHint?: string;
  /**
   * The key's bytes, already on the control machine (an offline bundle's): the host fetches
   * nothing, and `url` only names where they came from in messages.
   */
  readonly content?: Buffer;
}

/** Whether the family trusts the key already: all that is asked of the host when the bytes are given. */
function keyTrusted(test: string, label: string): Fact<UrlContent | { status: "absent" }> {
  return {
    name: `key-trusted:${label}`,
    probe: `if ${test}; then echo trusted; else echo absent; fi`,
    parse: (stdout) => (stdout.trim() === "trusted" ? { status: "trusted" } : { status: "absent" }),
  };
}

/** The resource, and where it writes the key: the `keyPath` of the repository it signs. */
export interface SigningKey extends Resource {
  readonly path: string;
}

const spaced = (fp: string): string => fp.replace(/(.{4})(?=.)/g, "$1 ");

/**
 * @example signingKey({ on: host, name: "docker-ce", url: "https://download.docker.com/linux/centos/gpg", fingerprint: "060A 61C5 ..." })
 */
export function signingKey(o: SigningKeyOptions): SigningKey {
  const want = normalizeFingerprint(o.fingerprint);
  const id = `gpg-key:${want}`;
  const system = o.on.facts.packages;
  const family = system ? familyNamed(system.family) : undefined;
  const validFp = /^[0-9A-F]{40}$/.test(want);
  if (!family || !validFp) {
    const why = validFp
      ? `no package family ops knows on this host, so the key at ${o.url} has nowhere to be trusted`
      : `fingerprint "${o.fingerprint}" is not 40 hex digits`;
    return { id, path: o.path ?? "", facts: [], plan: () => fail(why) };
  }
  const path = o.path ?? family.keyPath(o.name);
  const short = want.slice(-8).toLowerCase();
  const unless = { test: family.keyTrustedTest(want, path), label: `key-${short}` };
  const fetched: Fact<UrlContent | { status: "absent" }> =
    o.content !== undefined ? keyTrusted(unless.test, unless.label) : urlContent(o.url, unless);
  return {
    id,
    path,
    facts: [fetched],
    plan(facts) {
      const seen = facts.get(fetched);
      const got: UrlContent =
        seen.status === "absent" ? { status: "fetched", content: o.content ?? Buffer.alloc(0) } : seen;
      if (got.status === "trusted") return noop(`key ${spaced(want).slice(-9)} is trusted (${family.name})`);
      if (got.status === "error")
        return fail(`could not fetch the key at ${o.url}: ${got.message}; nothing was trusted`);
      let fp: string;
      try {
        fp = keyIdentity(got.content).fingerprint;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return fail(`the content at ${o.url} is not an OpenPGP public key (${why}); nothing was trusted`);
      }
      if (fp !== want) {
        return fail(
          `fingerprint mismatch: the key at ${o.url} is ${spaced(fp)}, expected ${spaced(want)}; nothing was trusted`,
          o.mismatchHint ?? "check the key's URL and pinned fingerprint, or the mirror serving the key",
        );
      }
      return change(
        {
          description: `install the verified key ${spaced(want).slice(-9)} as ${path}`,
          // No unchanged-file guard: a key file left by an earlier attempt is simply replaced by verified bytes.
          script: atomicWriteScript({ path, mode: "0644", owner: "root", group: "root" }),
          stdin: got.content,
        },
        ...family.trustKeySteps(path),
      );
    },
  };
}
