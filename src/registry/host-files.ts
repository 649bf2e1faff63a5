/**
 * The registry host's files as resources: rendered files converge by checksum like any `file`,
 * secrets (the TLS key, upstream credentials, the password hashes) without a diff, and the
 * htpasswd file planned from the one the host has, so unchanged passwords keep their hashes.
 */
import { file as fileFact } from "../facts/file.js";
import { file } from "../resources/file.js";
import type { Resource } from "../resources/resource.js";
import { htpasswdContent } from "./htpasswd.js";
import type { Account } from "./model.js";
import { NGINX_RELOAD, type StackFile } from "./stack.js";

/** The same resource, its steps without a diff: a secret is never shown, masked or not. */
export function withoutDiff(r: Resource): Resource {
  return {
    ...r,
    plan(facts) {
      const outcome = r.plan(facts);
      if (outcome.kind !== "change") return outcome;
      return {
        kind: "change",
        steps: outcome.steps.map(({ diff, ...step }) =>
          diff === undefined ? step : { ...step, diff: `${r.id}: holds a secret, its diff is not shown\n` },
        ),
      };
    },
  };
}

/** @example stackFileResource({ path: "/opt/ops-registry/compose.yaml", content, mode: "0644" }) */
export function stackFileResource(f: StackFile): Resource {
  const r = file({
    path: f.path,
    content: f.content,
    mode: f.mode,
    owner: "root",
    group: "root",
    ...(f.notify ? { notify: f.notify } : {}),
  });
  return f.sensitive === true ? withoutDiff(r) : r;
}

/**
 * nginx's htpasswd: the accounts' bcrypt hashes, a hash kept while its password still matches.
 *
 * @example htpasswdFile("/opt/ops-registry/nginx/htpasswd", model.accounts)
 */
export function htpasswdFile(path: string, accounts: readonly Account[]): Resource {
  const current = fileFact(path);
  return withoutDiff(
    file({
      path,
      // Readable inside the container by nginx's workers; on the host the 0700 project folder guards it.
      mode: "0644",
      owner: "root",
      group: "root",
      notify: [NGINX_RELOAD],
      facts: [current],
      content: (facts) => {
        const info = facts.get(current);
        return htpasswdContent(accounts, info.exists ? (info.content?.toString("utf8") ?? null) : null);
      },
    }),
  );
}
