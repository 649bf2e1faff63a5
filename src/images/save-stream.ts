/**
 * The `docker save | gzip` stream of an image on the control machine, shared by the hosts of a run
 * that start loading it at about the same time: one save and one compression for all of them
 * instead of one per host (two cores serve ten hosts). See sharedStream.
 */
import type { Readable } from "node:stream";
import { commandStream, sharedStream } from "../transport/stream.js";

/**
 * How long the first host waits for others to join one stream: hosts of a run reach their load
 * step within about a second of each other (connect and facts in parallel); one host alone pays
 * this once per image.
 */
const JOIN_MS = 1500;

const openers = new Map<string, () => Readable>();

/** @example imageStream(run.runId, "team/app:1.0", 1)() // a Readable of the gzipped archive */
export function imageStream(runId: string, ref: string, gzipLevel: number): () => Readable {
  const key = `${runId}\u0000${ref}\u0000${gzipLevel}`;
  let open = openers.get(key);
  if (open === undefined) {
    open = sharedStream(() => commandStream(["docker", "save", ref], { gzipLevel }), JOIN_MS);
    openers.set(key, open);
  }
  return open;
}
