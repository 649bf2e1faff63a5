/**
 * Reporter for pipes and logs (not a terminal): one plain line per change, failure, host's checks
 * and the summary.
 */
import type { EventSink } from "../events.js";
import { checksBlock, diffBlock, eventLine, summaryText } from "./format.js";

export interface LinesOptions {
  write: (text: string) => void;
  check: boolean;
  diff: boolean;
  verbose: boolean;
}

export function linesReporter(opts: LinesOptions): EventSink {
  return (event) => {
    if (event.kind === "step-planned" && opts.diff) {
      const block = diffBlock(event);
      if (block) opts.write(block + "\n");
    }
    if (event.kind === "host-done") {
      const block = checksBlock(event.summary);
      if (block) opts.write(block + "\n");
      return;
    }
    if (event.kind === "run-done") {
      opts.write(summaryText(event.hosts, event.ms, event.check) + "\n");
      return;
    }
    const line = eventLine(event, opts);
    if (line) opts.write(line + "\n");
  };
}
