/** `--output json`: every event as one JSON line, for machines. Events hold no secrets by construction. */
import type { EventSink } from "../events.js";
import { printableJson } from "./printable.js";

export function jsonReporter(write: (text: string) => void): EventSink {
  return (event) => write(printableJson(event) + "\n");
}
