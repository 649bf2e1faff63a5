/** Chooses the reporter for `--output` and whether stdout is a terminal. */
import type { EventSink } from "../events.js";
import { jsonReporter } from "../report/json.js";
import { linesReporter } from "../report/lines.js";

export type OutputFormat = "pretty" | "json" | "junit";

export async function chooseReporter(
  format: OutputFormat,
  opts: { check: boolean; diff: boolean; verbose: boolean },
  stream: NodeJS.WriteStream = process.stdout,
): Promise<EventSink> {
  const write = (text: string) => void stream.write(text);
  if (format === "json") return jsonReporter(write);
  if (format === "junit") {
    const { junitReporter } = await import("../report/junit-reporter.js");
    return junitReporter(write);
  }
  if (stream.isTTY) {
    // log-update is for terminals only; pipes and CI logs never load it.
    const { liveReporter } = await import("../report/live.js");
    return liveReporter({ stream, ...opts });
  }
  return linesReporter({ write, ...opts });
}
