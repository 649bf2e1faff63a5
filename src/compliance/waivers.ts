/**
 * Waivers: accepted exceptions, each with a check, the hosts it covers (an Ansible --limit pattern
 * over the inventory), for per-container checks optionally the containers it covers (a name glob),
 * a justification and an expiry date. Loading validates the file and resolves
 * every pattern against the whole inventory, so a waiver for a check or a host that does not exist
 * is an error before anything connects.
 */
import type { WaiverEntry } from "./waivers-schema.js";
import { ConfigError, ConfigErrors } from "../errors.js";
import { applyLimit } from "../inventory/limit.js";
import type { Inventory } from "../inventory/types.js";
import { didYouMean } from "../schema/suggest.js";
import { CHECK_IDS } from "./checks/catalog.js";
import { namesKnownCheck } from "./check-ids.js";
import { errorAt, loadYamlInput } from "./yaml-input.js";
// The published schema, compiled ahead of time (src/schema/standalone.ts).
import { validateWaivers } from "../schema/validators.generated.js";

export interface Waiver {
  /** A check id or pattern. */
  readonly check: string;
  /** The pattern as written ("all" when none was). */
  readonly hosts: string;
  /** Inventory names the pattern selects. */
  readonly hostNames: ReadonlySet<string>;
  /** Container names it covers (a glob); undefined covers every container. */
  readonly containers?: string;
  /**
   * Exactly what it covers (the registries a `--waive-configured` waiver names): a failure is
   * waived only when every subject it names is one of these. Never from a file.
   */
  readonly subjects?: ReadonlySet<string>;
  readonly justification: string;
  /** YYYY-MM-DD: the last day it holds, in UTC. */
  readonly expires: string;
  /** Still run the check (default); false skips it on these hosts. */
  readonly run: boolean;
  /** `file:line`, for reports. */
  readonly origin: string;
}

/** A real calendar date: 2026-02-30 passes the schema's pattern but is no day. */
function isDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * @example loadWaivers("waivers.yaml", inventory, driftIdsOf(drift))[0].hostNames // Set { "el9-1" }
 * @throws ConfigError(s) naming the file, the dot-path and the line of each problem
 */
export function loadWaivers(file: string, inventory: Inventory, driftIds: readonly string[]): Waiver[] {
  const src = loadYamlInput(file, "waivers file", validateWaivers);
  const entries = (src.data as { waivers: WaiverEntry[] }).waivers;
  const errors: ConfigError[] = [];
  const waivers: Waiver[] = [];
  entries.forEach((w, i) => {
    const at = (key: string) => ["waivers", i, key];
    if (!namesKnownCheck(w.check, CHECK_IDS, driftIds)) {
      const hint = didYouMean(w.check, CHECK_IDS) ?? "ops check --list shows every check id";
      errors.push(errorAt(src, at("check"), `'${w.check}' names no check`, hint));
    }
    if (w.containers !== undefined && w.run === false)
      errors.push(
        errorAt(
          src,
          at("run"),
          "run: false skips the check on the whole host; it cannot apply to some containers only",
          "drop run: false, or drop containers:",
        ),
      );
    if (!isDate(w.expires)) errors.push(errorAt(src, at("expires"), `'${w.expires}' is not a date`));
    const hosts = w.hosts ?? "all";
    let hostNames = new Set<string>();
    try {
      hostNames = new Set(applyLimit(inventory, hosts, file).hosts.map((h) => h.name));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const message = err.message.replace(/^--limit:? ?('[^']*' )?/, "");
      errors.push(errorAt(src, at("hosts"), `hosts '${hosts}': ${message}`, err.hint));
    }
    waivers.push({
      check: w.check,
      hosts,
      hostNames,
      ...(w.containers !== undefined ? { containers: w.containers } : {}),
      justification: w.justification,
      expires: w.expires,
      run: w.run ?? true,
      origin: `${file}:${src.lineOf(["waivers", i])}`,
    });
  });
  errors.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
  if (errors.length > 0) throw errors.length === 1 && errors[0] ? errors[0] : new ConfigErrors(errors);
  return waivers;
}
