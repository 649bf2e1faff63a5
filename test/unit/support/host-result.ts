/** A host's result as the engine reports it, for tests of reporters and exit codes. */
import type { HostResult } from "../../../src/events.js";

export const hostResult = (over: Partial<HostResult> = {}): HostResult => ({
  host: "el9-1",
  status: "ok",
  ok: 0,
  changed: 0,
  failed: 0,
  commands: 1,
  ms: 1,
  plan: [],
  applied: [],
  handlers: [],
  checks: [],
  ...over,
});
