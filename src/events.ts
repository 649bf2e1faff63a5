/**
 * Everything the runner has to say is an event; reporters consume events only (never console
 * output from the engine). Secrets are masked before an event exists: the runner's sink masks every
 * string of every event (see run/redact.ts), so no reporter can leak one.
 */
import type { CheckOutcome } from "./checks/check.js";

/** `not-started`: the run was interrupted before this host began; nothing was sent to it. */
export type HostStatus = "ok" | "changed" | "failed" | "unreachable" | "not-started";

/** Which command produced a run: the same pipeline with different stages switched on. */
export type RunCommand = "run" | "verify" | "check";

export interface ErrorInfo {
  kind: string;
  message: string;
  hint?: string;
}

/** What the plan said about one resource. */
export interface PlanEntry {
  resource: string;
  outcome: "noop" | "change" | "fail";
  /** A no-op's reason. */
  reason?: string;
  /** A change's steps (description, and the diff under --diff). */
  steps?: { description: string; diff?: string }[];
  /** A failure's message and hint. */
  message?: string;
  hint?: string;
}

/** A step or handler that ran on the host. Handlers have `resource` `handler:<name>`. */
export interface AppliedStep {
  resource: string;
  description: string;
  ms: number;
  /** The end of what the step printed, for steps whose output is their result. */
  output?: string;
  /** Bytes streamed to the host's stdin (an image, a bundle): what the step sent over the wire. */
  bytes?: number;
}

/** Everything one host's run produced, so history and reports need nothing else. */
export interface HostResult {
  host: string;
  status: HostStatus;
  /** Resources already in place. */
  ok: number;
  /** Resources changed (or, under --check, that would change). */
  changed: number;
  /** 1 when the host failed, else 0. */
  failed: number;
  /** Commands sent to the host after connecting (a no-op run sends exactly one). */
  commands: number;
  ms: number;
  plan: PlanEntry[];
  applied: AppliedStep[];
  /** Handlers that ran, or under --check those that would run. */
  handlers: string[];
  checks: CheckOutcome[];
  /** Why the host failed or could not be reached. */
  error?: ErrorInfo & { resource?: string };
}

/** Kept for readers of the first event format: a host's summary is its whole result. */
export type HostSummary = HostResult;

export type OpsEvent =
  | {
      kind: "run-start";
      command: RunCommand;
      /** The playbooks of the run, comma-separated (one for `ops run`). */
      playbook: string;
      hosts: string[];
      check: boolean;
      at: string;
    }
  | {
      kind: "run-step";
      name: string;
      when: "before" | "after";
      status: "ok" | "failed";
      ms: number;
      message?: string;
    }
  | { kind: "host-connected"; host: string; ms: number }
  | { kind: "facts-gathered"; host: string; ms: number; facts: number }
  | { kind: "noop"; host: string; resource: string; reason: string; show?: boolean }
  | { kind: "step-planned"; host: string; resource: string; description: string; diff?: string }
  | { kind: "handler-planned"; host: string; handler: string; description: string }
  | {
      kind: "step-ran";
      host: string;
      resource: string;
      description: string;
      ms: number;
      output?: string;
      /** Bytes streamed to the host's stdin (absent when nothing was streamed). */
      bytes?: number;
    }
  /** A streaming step's bytes sent so far; emitted at most a few times a second per step. */
  | { kind: "step-progress"; host: string; resource: string; description: string; bytes: number }
  | { kind: "handler-ran"; host: string; handler: string; description: string; ms: number }
  | { kind: "check-result"; host: string; check: CheckOutcome }
  | { kind: "host-failed"; host: string; resource?: string; error: ErrorInfo }
  | { kind: "host-unreachable"; host: string; error: ErrorInfo }
  | { kind: "host-done"; summary: HostResult }
  | {
      kind: "run-done";
      command: RunCommand;
      hosts: HostResult[];
      ms: number;
      check: boolean;
      /** The run was stopped by a signal: hosts not started are `not-started`. */
      interrupted: boolean;
    };

export type EventKind = OpsEvent["kind"];

/** Where events go. Reporters implement it; the runner calls it and never waits on it. */
export type EventSink = (event: OpsEvent) => void;
