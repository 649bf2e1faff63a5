/**
 * A directory with a mode: created when missing (with its parents), its mode set when it drifts.
 * `createOnly` leaves an existing directory exactly as it is (data a run must never touch).
 */
import { file as fileFact, normalizeMode } from "../facts/file.js";
import { quote } from "../transport/quote.js";
import { change, fail, noop, type Resource } from "./resource.js";

export interface DirectoryOptions {
  readonly path: string;
  /** Octal, e.g. "0700". */
  readonly mode: string;
  /** Never change a directory that exists. Default false. */
  readonly createOnly?: boolean;
}

/**
 * @example directory({ path: "/opt/ops-registry", mode: "0700" })
 */
export function directory(o: DirectoryOptions): Resource {
  const fact = fileFact(o.path);
  const mode = normalizeMode(o.mode);
  return {
    id: `directory:${o.path}`,
    facts: [fact],
    plan(facts) {
      const info = facts.get(fact);
      const p = quote(o.path);
      if (!info.exists) {
        return change({
          description: `create ${o.path} (mode ${mode})`,
          script: `set -e\nmkdir -p -- ${p}\nchmod ${quote(mode)} ${p}`,
        });
      }
      if (info.type !== "directory") return fail(`${o.path} exists and is a ${info.type}, not a directory`);
      if (o.createOnly === true) return noop(`${o.path} exists (left as it is)`);
      if (info.mode !== mode) {
        return change({
          description: `set mode ${info.mode} -> ${mode} on ${o.path}`,
          script: `chmod ${quote(mode)} ${p}`,
        });
      }
      return noop(`${o.path} is a directory with mode ${mode}`);
    },
  };
}
