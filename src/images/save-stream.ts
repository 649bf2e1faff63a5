/**
 * The `docker save | gzip` stream of an image on the control machine, fanned out to every host of
 * a run that lacks the image: one save and one compression for all of them instead of one per host
 * (two cores serve ten hosts), each host's SSH channel pacing the one source (backpressure).
 * The stream starts as soon as every host expected to load the image has joined, or has passed
 * (its plan needs nothing sent: it holds the image, tags it, or failed); a host that never gets
 * there (unreachable, or waiting for a fork) is waited for at most JOIN_MS. See sharedStream.
 */
import type { Readable } from "node:stream";
import { parseImageRef } from "../bundle/image-ref.js";
import type { Resource } from "../resources/resource.js";
import { quote } from "../transport/quote.js";
import type { PlatformImage } from "./index-platforms.js";
import { platformName } from "./platform.js";
import {
  commandStream,
  sharedStream,
  type CommandStreamOptions,
  type SharedStream,
} from "../transport/stream.js";

/**
 * How long the first host waits for the others at most: hosts of a run reach their load step
 * within about a second of each other (connect and facts in parallel); only a host that fails or
 * waits for a fork before its plan makes the others wait this long.
 */
const JOIN_MS = 1500;

/** How the stream to the hosts is compressed: images_compression's modes at images_gzip_level. */
export type StreamCompression = Pick<CommandStreamOptions, "gzipLevel" | "adaptive">;

/**
 * none (or level 0): as docker save writes it; gzip: every block at `level`; auto: a block at `level`
 * only while the hosts read slower than it is made, stored otherwise (see parallel-gzip.ts).
 * @example streamCompression("auto", 1) // { gzipLevel: 1, adaptive: true }
 */
export function streamCompression(mode: "auto" | "gzip" | "none", level: number): StreamCompression {
  if (mode === "none" || level === 0) return { gzipLevel: 0, adaptive: false };
  return { gzipLevel: level, adaptive: mode === "auto" };
}

/** One image's stream in one run, shared by the hosts that load it. */
export interface ImageFanOut {
  /** The archive's bytes for `host`, which loads the image now. */
  join(host: string): Readable;
  /** `host` needs nothing sent: no longer waited for. */
  pass(host: string): void;
}

const fans = new Map<string, ImageFanOut>();

/** What a fan-out streams: by default `docker save REF` of the control machine's image. */
export interface ImageSource {
  /** Names the stream within a run: one per ref, or per ref and platform. */
  readonly key: string;
  /** The local command whose stdout is the archive. */
  readonly argv: readonly string[];
}

/**
 * One platform of an index the control machine may lack: pulled here by its manifest digest (no
 * emulation needed: nothing runs), then saved by id. The host tags it after loading.
 *
 * @example platformSource("mirror.lan/library/busybox:1.36", { platform: { os: "linux", architecture: "arm64", variant: "v8" }, digest: "sha256:…", id: "sha256:…" })
 */
export function platformSource(from: string, image: PlatformImage): ImageSource {
  const r = parseImageRef(from);
  const pull = [
    "docker",
    "pull",
    "-q",
    "--platform",
    platformName(image.platform),
    `${r.registry}/${r.repository}@${image.digest}`,
  ];
  const script = `${pull.map(quote).join(" ")} >/dev/null && exec docker save ${quote(image.id)}`;
  return { key: `${from}@${image.digest}`, argv: ["sh", "-c", script] };
}

/**
 * @example const f = imageFanOut(run.runId, "team/app:1.0", streamCompression("gzip", 1), ["el9-1", "el9-2"]); f.join("el9-1")
 */
export function imageFanOut(
  runId: string,
  ref: string,
  compression: StreamCompression,
  hosts: readonly string[],
  source: ImageSource = { key: ref, argv: ["docker", "save", ref] },
): ImageFanOut {
  const key = `${runId}\u0000${source.key}\u0000${compression.gzipLevel ?? 0}\u0000${String(compression.adaptive)}`;
  let fan = fans.get(key);
  if (fan === undefined) {
    fan = fanOut(
      sharedStream(() => commandStream(source.argv, compression), JOIN_MS),
      hosts,
    );
    fans.set(key, fan);
  }
  return fan;
}

/**
 * `shared` read by `hosts`: it starts once each has joined or passed (or at its window's end).
 * @example fanOut(sharedStream(open, 1500), ["a", "b"]).join("a")
 */
export function fanOut(shared: SharedStream, hosts: readonly string[]): ImageFanOut {
  // Hosts expected that have neither joined nor passed yet.
  const waiting = new Set(hosts);
  const settle = (host: string) => {
    // Only a host's first word counts: one re-planned after its load is not waited for twice.
    if (!waiting.delete(host)) return;
    if (waiting.size === 0) shared.start();
  };
  return {
    join(host) {
      const reader = shared.read();
      settle(host);
      return reader;
    },
    pass: settle,
  };
}

/**
 * `load` whose plan also tells each of `fans` it will not read (the host holds the image, tags it,
 * cannot load it, or loads another platform's), so the hosts that do are not kept waiting for it.
 * The resource itself stays pure; this is the one place where planning is observed.
 */
export function passWhenNothingSent(
  load: Resource,
  fans: readonly { fan: ImageFanOut; open: () => Readable }[],
  host: string,
): Resource {
  return {
    ...load,
    plan(facts) {
      const outcome = load.plan(facts);
      const used = outcome.kind === "change" ? outcome.steps.map((s) => s.stdinStream) : [];
      // Each stream this host will not read (another platform's, or none at all) stops waiting for it.
      for (const f of fans) if (!used.includes(f.open)) f.fan.pass(host);
      return outcome;
    },
  };
}
