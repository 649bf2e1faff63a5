/**
 * A resource compares desired state with facts and returns the steps still needed, or a no-op with
 * a reason a person can read. It never opens a connection and never runs anything.
 */
import type { Readable } from "node:stream";
import type { Fact, FactSet } from "../facts/fact.js";

/** One command to run on the host. */
export interface Step {
  /** What a person reads in progress output: "install docker-ce, containerd.io". */
  readonly description: string;
  /** POSIX sh, every interpolated value already quoted with `quote()`. */
  readonly script: string;
  /** Content for the script's stdin (file bodies, keys): never placed in the script or argv. */
  readonly stdin?: string | Buffer;
  /**
   * Instead of `stdin`: opens a stream when the step runs (a large local file piped to the host as
   * it is read), so planning opens nothing and nothing is held whole in memory.
   */
  readonly stdinStream?: () => Readable;
  /** Handlers to run once, at the end, if this step ran. */
  readonly notify?: readonly string[];
  /** A unified diff (files) or key diff (JSON) shown with --diff. */
  readonly diff?: string;
  /** The end of what the step prints is a result a person wants (bytes freed): reported with it. */
  readonly showOutput?: boolean;
}

export type Outcome =
  | {
      readonly kind: "noop";
      readonly reason: string;
      /** The reason is a result a person asked for (a dry run's listing): printed without -v. */
      readonly show?: boolean;
    }
  | { readonly kind: "change"; readonly steps: readonly Step[] }
  | { readonly kind: "fail"; readonly message: string; readonly hint?: string };

export interface Resource {
  /** Unique within a playbook run, e.g. `package:docker-ce` or `file:/etc/docker/daemon.json`. */
  readonly id: string;
  /** Facts the plan reads; gathered in the host's single batched probe. */
  readonly facts: readonly Fact<unknown>[];
  /**
   * Handlers this resource's steps may notify. Checked against the playbook's handlers before
   * anything connects: a name no handler has is a configuration error, never a silent no-op.
   */
  readonly notifies?: readonly string[];
  /** Pure: facts in, steps or no-op or failure out. */
  plan(facts: FactSet): Outcome;
}

/** A handler: a step run at most once per host after all resources, when notified. */
export interface Handler {
  readonly name: string;
  readonly step: Step;
  /** Handlers this one makes unnecessary (a restart covers a reload). */
  readonly supersedes?: readonly string[];
}

export const noop = (reason: string, o: { show?: boolean } = {}): Outcome =>
  o.show === true ? { kind: "noop", reason, show: true } : { kind: "noop", reason };
export const change = (...steps: Step[]): Outcome => ({ kind: "change", steps });
export const fail = (message: string, hint?: string): Outcome =>
  hint === undefined ? { kind: "fail", message } : { kind: "fail", message, hint };
