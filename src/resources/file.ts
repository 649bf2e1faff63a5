/**
 * A file with exact content: converges by sha256, written atomically (temp file + rename), with
 * mode and owner set before the file becomes visible. Mode/owner-only drift is a chmod/chown.
 */
import type { Fact, FactSet } from "../facts/fact.js";
import { file as fileFact, normalizeMode, type FileInfo } from "../facts/file.js";
import { quote } from "../transport/quote.js";
import { sha256, textDiff } from "./diff.js";
import { change, fail, noop, type Outcome, type Resource, type Step } from "./resource.js";
import { atomicWriteScript, chownSpec } from "./scripts.js";

export interface FileOptions {
  readonly path: string;
  /** The bytes, or a function of the host's facts (list the facts it reads in `facts`). */
  readonly content: string | Buffer | ((facts: FactSet) => string | Buffer);
  /** Octal, e.g. "0644" or 0o644. Default: keep the current mode, or 0644 for a new file. */
  readonly mode?: string | number;
  /** Default: keep the current owner (a new file belongs to the user the step runs as). */
  readonly owner?: string;
  readonly group?: string;
  /** Keep a timestamped copy `PATH.ops-YYYYmmddHHMMSS.bak` of the file being replaced. */
  readonly backup?: boolean;
  /** Handlers to notify when the file changes. */
  readonly notify?: readonly string[];
  /** Extra facts a `content` function reads. */
  readonly facts?: readonly Fact<unknown>[];
}

type Existing = Extract<FileInfo, { exists: true }>;

/** The chmod/chown step for metadata drift, or undefined when none. */
function metadataStep(o: FileOptions, info: Existing, mode: string): Step | undefined {
  const cmds: string[] = [];
  const what: string[] = [];
  if (info.mode !== mode) {
    cmds.push(`chmod ${quote(mode)} ${quote(o.path)}`);
    what.push(`mode ${info.mode} -> ${mode}`);
  }
  const owner = o.owner !== undefined && o.owner !== info.owner ? o.owner : undefined;
  const group = o.group !== undefined && o.group !== info.group ? o.group : undefined;
  const spec = chownSpec(owner, group);
  if (spec !== undefined) {
    cmds.push(`chown ${quote(spec)} ${quote(o.path)}`);
    if (owner !== undefined) what.push(`owner ${info.owner} -> ${owner}`);
    if (group !== undefined) what.push(`group ${info.group} -> ${group}`);
  }
  if (cmds.length === 0) return undefined;
  return {
    description: `set ${what.join(", ")} on ${o.path}`,
    script: ["set -e", ...cmds].join("\n"),
    ...(o.notify ? { notify: o.notify } : {}),
  };
}

/** Plans a file from already resolved bytes; shared with template. */
export function planFile(o: FileOptions, info: FileInfo, bytes: Buffer): Outcome {
  if (info.exists && info.type !== "file") return fail(`${o.path} is a ${info.type}, not a regular file`);
  let mode: string;
  try {
    mode = normalizeMode(o.mode ?? (info.exists ? info.mode : "0644"));
  } catch (err) {
    return fail(`${o.path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const want = sha256(bytes);
  if (info.exists && info.sha256 === want) {
    const meta = metadataStep(o, info, mode);
    return meta ? change(meta) : noop(`${o.path} is up to date (sha256 ${want.slice(0, 8)})`);
  }
  const step: Step = {
    description: `${info.exists ? "update" : "create"} ${o.path}`,
    script: atomicWriteScript({
      path: o.path,
      mode,
      owner: o.owner ?? (info.exists ? info.owner : undefined),
      group: o.group ?? (info.exists ? info.group : undefined),
      expectSha256: info.exists ? info.sha256 : null,
      backup: o.backup === true,
    }),
    stdin: bytes,
    diff: textDiff(o.path, info.exists ? info.content : null, bytes, info.exists),
    ...(o.notify ? { notify: o.notify } : {}),
  };
  return change(step);
}

const toBuffer = (c: string | Buffer): Buffer => (typeof c === "string" ? Buffer.from(c, "utf8") : c);

/**
 * @example file({ path: "/etc/docker/certs.d/harbor.lan/ca.crt", content: pem, mode: "0644", owner: "root" })
 */
export function file(o: FileOptions): Resource {
  const fact = fileFact(o.path);
  return {
    id: `file:${o.path}`,
    facts: [fact, ...(o.facts ?? [])],
    ...(o.notify ? { notifies: o.notify } : {}),
    plan(facts) {
      const bytes = toBuffer(typeof o.content === "function" ? o.content(facts) : o.content);
      return planFile(o, facts.get(fact), bytes);
    },
  };
}
