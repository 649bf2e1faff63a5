/**
 * The closed set of errors `ops` raises on purpose. Each carries what a user needs to act on it;
 * only src/cli maps them to messages and exit codes. Anything else that escapes is an InternalError.
 */

/** Where in a user's file a problem sits: the file, a dot-path inside it, and the line when known. */
export interface Location {
  file?: string;
  path?: string;
  line?: number;
}

export abstract class OpsError extends Error {
  abstract readonly kind: string;

  constructor(
    message: string,
    /** A short suggestion of what to do next, shown under the message. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Bad inventory, variables, command-line arguments or playbook: exit code 1. */
export class ConfigError extends OpsError {
  readonly kind = "config";
  constructor(
    message: string,
    readonly location: Location = {},
    hint?: string,
  ) {
    super(message, hint);
  }
}

/** A host could not be reached, authenticated or trusted. The host counts as unreachable. */
export class ConnectError extends OpsError {
  readonly kind = "connect";
  constructor(
    readonly host: string,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

/**
 * sudo on a host that was reached and authenticated refused to run as root (wrong become password,
 * user not in sudoers, requiretty). The host counts as failed, not unreachable.
 */
export class BecomeError extends OpsError {
  readonly kind = "become";
  constructor(
    readonly host: string,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

/**
 * A server ops talks to (a registry, a database, a webhook) answered what ops cannot accept: too
 * slow, too large, endless, malformed. Names the source; like a host that failed, exit code 2.
 */
export class PeerError extends OpsError {
  readonly kind = "peer";
  constructor(
    /** The server, as the user knows it: "the registry at https://reg:443", "PostgreSQL at db:5432". */
    readonly source: string,
    message: string,
    hint?: string,
  ) {
    super(`${source}: ${message}`, hint);
  }
}

/** A fact probe's output could not be understood. */
export class FactError extends OpsError {
  readonly kind = "fact";
  constructor(
    readonly fact: string,
    message: string,
  ) {
    super(message);
  }
}

/** A command on a host exited non-zero. stderrTail is already masked of secrets. */
export class StepFailed extends OpsError {
  readonly kind = "step";
  constructor(
    readonly host: string,
    readonly step: string,
    readonly exitCode: number,
    readonly stderrTail: string,
    hint?: string,
  ) {
    super(`${step} failed (exit ${exitCode})${stderrTail ? `: ${stderrTail}` : ""}`, hint);
  }
}

/** A template failed to render: names the template file and, when ejs knows it, the line. */
export class TemplateError extends OpsError {
  readonly kind = "template";
  constructor(
    readonly template: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/**
 * A playbook's run-wide step failed on the control machine (a CA that cannot be written, a value
 * one host did not give). Before the hosts, nothing ran on them; after, their results stand.
 */
export class RunStepFailed extends OpsError {
  readonly kind = "run-step";
  constructor(
    readonly step: string,
    readonly when: "before" | "after",
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

/** The run was stopped (Ctrl-C) before this host's next step; steps already run stay applied. */
export class Interrupted extends OpsError {
  readonly kind = "interrupted";
}

/** A bug in ops itself. */
export class InternalError extends OpsError {
  readonly kind = "internal";
}

/** Formats a Location as `file:line (path)` for messages. */
export function formatLocation(loc: Location): string {
  const where = [loc.file, loc.line !== undefined ? String(loc.line) : undefined].filter(Boolean).join(":");
  if (loc.path) return where ? `${where} (${loc.path})` : loc.path;
  return where;
}

/**
 * Several ConfigErrors found in one pass (validation collects them all rather than stopping at the
 * first, so a user fixes a file once). Same kind as ConfigError, so the CLI maps it to exit code 1.
 */
export class ConfigErrors extends OpsError {
  readonly kind = "config";
  constructor(readonly errors: ConfigError[]) {
    super(errors.map((e) => `${formatLocation(e.location)}: ${e.message}`).join("\n"));
  }
}
