/**
 * Terminal reporter: a live line per host in flight showing what it is doing now, redrawn in
 * place under a progress count, with changes, failures and each host's checks printed above it as
 * they happen. Only hosts in flight are drawn (at most --forks), so a run of thousands stays fast.
 */
import { createLogUpdate } from "log-update";
import type { EventSink, OpsEvent } from "../events.js";
import { humanBytes } from "../text/bytes.js";
import { checksBlock, diffBlock, eventLine, summaryText } from "./format.js";
import { printable } from "./printable.js";

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
  let total = 0;
  let done = 0;
  let frame = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const draw = () => {
    frame = (frame + 1) % FRAMES.length;
    const width = Math.max(0, ...[...state.keys()].map((h) => h.length));
    const rows = [...state].map(([host, what]) => `${FRAMES[frame]} ${host.padEnd(width)}  ${what}`);
    render([`${done}/${total} hosts done`, ...rows].join("\n"));
  };
  const print = (text: string) => {
    render.clear();
    opts.stream.write(text + "\n");
    draw();
  };
  const progress = (event: OpsEvent): string | undefined => {
    switch (event.kind) {
      case "host-connected":
        return "gathering facts and running checks";
      case "facts-gathered":
        return "planning";
      case "step-planned":
        return opts.check ? "planning" : `next: ${printable(event.description)}`;
      case "check-result":
        return `checked ${printable(event.check.id)}`;
      case "step-progress":
        return `${printable(event.description)}: ${humanBytes(event.bytes)} sent`;
      case "step-ran":
        return `done: ${printable(event.description)}`;
      case "handler-ran":
        return `handler: ${printable(event.description)}`;
      default:
        return undefined;
    }
  };
  return (event) => {
    if (event.kind === "run-start") {
      total = event.hosts.length;
      timer = setInterval(draw, 120);
      timer.unref();
      draw();
      return;
    }
    if (event.kind === "host-done") {
      state.delete(printable(event.summary.host));
      done++;
      const block = checksBlock(event.summary);
      if (block) print(block);
      else draw();
      return;
    }
    if (event.kind === "run-done") {
      if (timer) clearInterval(timer);
      render.clear();
      opts.stream.write(summaryText(event.hosts, event.ms, event.check) + "\n");
      return;
    }
    const now = "host" in event ? progress(event) : undefined;
    if (now && "host" in event) state.set(printable(event.host), now);
    if (event.kind === "step-planned" && opts.diff) {
      const block = diffBlock(event);
      if (block) print(block);
    }
    const line = eventLine(event, opts);
    if (line) print(line);
    else draw();
  };
}
