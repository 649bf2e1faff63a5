/**
 * Everything the runner has to say is an event; reporters consume events only (never console
 * output from the engine). Secrets are masked before an event exists (see run/redact.ts).
 */

export type HostStatus = "ok" | "changed" | "failed" | "unreachable";

export interface HostSummary {
  host: string;
  status: HostStatus;
  ok: number;
  changed: number;
  failed: number;
  /** Commands sent to the host after connecting (a no-op run sends exactly one). */
  commands: number;
  ms: number;
}

export interface ErrorInfo {
  kind: string;
  message: string;
  hint?: string;
}

export type OpsEvent =
  | { kind: "run-start"; playbook: string; hosts: string[]; check: boolean; at: string }
  | { kind: "host-connected"; host: string; ms: number }
  | { kind: "facts-gathered"; host: string; ms: number; facts: number }
  | { kind: "noop"; host: string; resource: string; reason: string }
  | { kind: "step-planned"; host: string; resource: string; description: string; diff?: string }
  | { kind: "step-ran"; host: string; resource: string; description: string; ms: number }
  | { kind: "handler-ran"; host: string; handler: string; description: string; ms: number }
  | { kind: "host-failed"; host: string; resource?: string; error: ErrorInfo }
  | { kind: "host-unreachable"; host: string; error: ErrorInfo }
  | { kind: "host-done"; summary: HostSummary }
  | { kind: "run-done"; hosts: HostSummary[]; ms: number; check: boolean };

export type EventKind = OpsEvent["kind"];

/** Where events go. Reporters implement it; the runner calls it and never waits on it. */
export type EventSink = (event: OpsEvent) => void;
