/**
 * Names of everything install-engine's checks create on a host, and the script that removes all of
 * it. Every name starts with `ops-verify-<runid>`: unique per run (two runs on one host never
 * collide) and found again by that prefix alone, so cleanup needs no memory of what was created.
 */
import { quote, sh } from "../../src/transport/quote.js";
import type { CheckContext } from "./script-check.js";

/** `ops-verify-<runid>`. @example prefixOf("a1b2c3d4e5") === "ops-verify-a1b2c3d4e5" */
export function prefixOf(runId: string): string {
  if (!/^[0-9a-z]+$/.test(runId)) throw new Error(`run id must be lowercase letters and digits: ${runId}`);
  return `ops-verify-${runId}`;
}

/** A container or volume name of this run: `ops-verify-<runid>-<role>`. */
export function nameOf(ctx: Pick<CheckContext, "prefix">, role: string): string {
  return `${ctx.prefix}-${role}`;
}

/** A path of this run under /tmp (the host's, where dockerd resolves bind mounts). */
export function tempPath(ctx: Pick<CheckContext, "prefix">, role: string): string {
  return `/tmp/${ctx.prefix}-${role}`;
}

/** Written when verify pulled the test image onto a host that lacked it, so cleanup removes it again. */
export function freshImageMarker(ctx: Pick<CheckContext, "prefix">): string {
  return `/tmp/${ctx.prefix}.fresh-image`;
}

/**
 * POSIX sh that removes everything of this run: containers (with their anonymous volumes), named
 * volumes, the test image when this run pulled it, and temp paths. Idempotent, silent, exits 0; safe
 * to run twice or concurrently with the batch's own exit trap. (Stopping a batch still running is
 * the engine's job: it runs this only after the batch's shell is gone.)
 */
export function cleanupScript(ctx: Pick<CheckContext, "prefix" | "image">): string {
  // The prefix is random per run, so a substring filter cannot match anyone else's objects.
  const filter = quote(`name=${ctx.prefix}-`);
  return [
    "if command -v docker >/dev/null 2>&1; then",
    `  ids=$(docker ps -aq --filter ${filter} 2>/dev/null)`,
    '  [ -n "$ids" ] && docker rm -f -v $ids >/dev/null 2>&1',
    `  vols=$(docker volume ls -q --filter ${filter} 2>/dev/null)`,
    '  [ -n "$vols" ] && docker volume rm -f $vols >/dev/null 2>&1',
    `  if [ -f ${quote(freshImageMarker(ctx))} ]; then ${sh(["docker", "rmi", "--", ctx.image])} >/dev/null 2>&1; fi`,
    "fi",
    // Quoted prefix, unquoted glob: only this run's paths can match.
    `rm -rf ${quote(`/tmp/${ctx.prefix}`)}-* ${quote(`/tmp/${ctx.prefix}`)}.*`,
    "true",
  ].join("\n");
}
