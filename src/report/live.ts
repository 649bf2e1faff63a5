/**
 * Terminal reporter: a live line per host showing what it is doing now, redrawn in place, and the
 * changes and failures printed above it as they happen.
 */
import { createLogUpdate } from "log-update";
import type { EventSink, OpsEvent } from "../events.js";
import { diffBlock, eventLine, summaryText } from "./format.js";

export interface LiveOptions {
  stream: NodeJS.WriteStream;
  check: boolean;
  diff: boolean;
  verbose: boolean;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function liveReporter(opts: LiveOptions): EventSink {
  const render = createLogUpdate(opts.stream);
  const state = new Map<string, string>();
  let frame = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const draw = () => {
    frame = (frame + 1) % FRAMES.length;
    const width = Math.max(0, ...[...state.keys()].map((h) => h.length));
    render([...state].map(([host, what]) => `${FRAMES[frame]} ${host.padEnd(width)}  ${what}`).join("\n"));
  };
  const print = (text: string) => {
    render.clear();
    opts.stream.write(text + "\n");
    draw();
  };
  const progress = (event: OpsEvent): string | undefined => {
    switch (event.kind) {
      case "host-connected":
        return "gathering facts";
      case "facts-gathered":
        return "planning";
      case "step-planned":
        return opts.check ? "planning" : `next: ${event.description}`;
      case "step-ran":
        return `done: ${event.description}`;
      case "handler-ran":
        return `handler: ${event.description}`;
      default:
        return undefined;
    }
  };
  return (event) => {
    if (event.kind === "run-start") {
      for (const h of event.hosts) state.set(h, "connecting");
      timer = setInterval(draw, 120);
      timer.unref();
      draw();
      return;
    }
    if (event.kind === "host-done") state.delete(event.summary.host);
    if (event.kind === "run-done") {
      if (timer) clearInterval(timer);
      render.clear();
      opts.stream.write(summaryText(event.hosts, event.ms, event.check) + "\n");
      return;
    }
    const now = "host" in event ? progress(event) : undefined;
    if (now && "host" in event) state.set(event.host, now);
    if (event.kind === "step-planned" && opts.diff) {
      const block = diffBlock(event);
      if (block) print(block);
    }
    const line = eventLine(event, opts);
    if (line) print(line);
    else draw();
  };
}
