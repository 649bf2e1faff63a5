/** `--output json`: every event as one JSON line, for machines. Events hold no secrets by construction. */
import type { EventSink } from "../events.js";

export function jsonReporter(write: (text: string) => void): EventSink {
  return (event) => write(JSON.stringify(event) + "\n");
}
