/**
 * An image present on a host's engine under a reference, with a given image id. Already there: a
 * no-op that sends nothing. Present under another name: tagged, nothing sent. Missing (or the
 * reference points at another id): `docker load` reads the image streamed over the run's SSH
 * connection (`docker save | gzip` on the control machine, never a temporary copy on either side),
 * and a replaced id is reported in the step's description.
 */
import { humanBytes } from "../text/bytes.js";
import { quote } from "../transport/quote.js";
import { change, fail, noop, type Resource } from "../resources/resource.js";
import type { FactSet } from "../facts/fact.js";
import { kernel } from "../facts/kernel.js";
import { hostImages } from "./host-images.js";
import { choosePlatform, hostPlatform, platformName, runsOn, type Platform } from "./platform.js";
import { normalizeRef, shortId } from "./ref.js";
import type { Readable } from "node:stream";

export interface ImageLoadedOptions {
  readonly ref: string;
  /** The image id wanted; undefined when the control machine does not hold the image (check runs). */
  readonly id: string | undefined;
  /** Bytes of the image as the engine counts them, for the description. */
  readonly size?: number;
  /** Opens the `docker save` stream (gzipped) when the step runs. */
  readonly open: () => Readable;
  /** What the image was made for: a host of another platform refuses it (absent: not checked). */
  readonly platform?: Platform;
  /** Where it comes from, for that refusal: "from the archive images/a.tar". */
  readonly origin?: string;
  /**
   * A multi-platform index: one image per platform, the host loading the one for its own platform
   * (read from its facts) instead of `id`.
   */
  readonly platforms?: readonly PlatformChoice[];
}

/** One platform's image of an index, as a host may load it. */
export interface PlatformChoice {
  readonly platform: Platform;
  readonly id: string;
  readonly size?: number;
  readonly open: () => Readable;
}

type Chosen =
  | { id: string; size?: number | undefined; open: () => Readable; platform?: string }
  | { refuse: string; hint: string };

/** The image this host loads: its platform's entry of an index, or the one image if it runs there. */
function choose(o: ImageLoadedOptions, ref: string, facts: FactSet): Chosen | undefined {
  if (o.platforms !== undefined && o.platforms.length > 0) {
    const want = hostPlatform(facts.get(kernel).arch);
    const c = choosePlatform(o.platforms, want);
    // The load says which child it is: the index's platform for this host.
    if (c) return { ...c, platform: platformName(c.platform) };
    return {
      refuse: `${ref}${o.origin ? ` ${o.origin}` : ""} has no image for this host's platform ${platformName(want)}; its index has ${o.platforms.map((p) => platformName(p.platform)).join(", ")}`,
      hint: "pull an index that includes this platform, or declare the image for hosts of its platforms only",
    };
  }
  if (o.id === undefined) return undefined;
  if (o.platform !== undefined) {
    const want = hostPlatform(facts.get(kernel).arch);
    if (!runsOn(o.platform, want))
      return {
        refuse: `${ref}${o.origin ? ` ${o.origin}` : ""} is a ${platformName(o.platform)} image; this host is ${platformName(want)}: refused`,
        hint: "give an image made for this host's platform, or declare the image for hosts of its platform only",
      };
  }
  return { id: o.id, size: o.size, open: o.open };
}

/** @example imageLoaded({ ref: "team/app:1.0", id: "sha256:…", open: () => commandStream(["docker", "save", ref], { gzipLevel: 1 }) }) */
export function imageLoaded(o: ImageLoadedOptions): Resource {
  const ref = normalizeRef(o.ref);
  return {
    id: `image:${ref}`,
    facts: [hostImages, kernel],
    plan(facts) {
      const chosen = choose(o, ref, facts);
      if (chosen === undefined)
        return fail(
          `the control machine holds no image ${ref}: its id, hence what the host should have, is unknown`,
          "run `ops run images` (it pulls, builds or loads the image on the control machine first)",
        );
      if ("refuse" in chosen) return fail(chosen.refuse, chosen.hint);
      const { id } = chosen;
      const have = facts.get(hostImages);
      if (have.engine !== "running")
        return fail(
          `the host's docker engine is ${have.engine === "none" ? "not installed" : "not running"}: nowhere to load ${ref}`,
          "run `ops run install-engine` first",
        );
      const current = have.refs.get(ref);
      if (current === id) return noop(`${ref} is ${shortId(id)}`);
      const replaced = current !== undefined ? ` (replacing ${shortId(current)})` : "";
      if (have.ids.has(id))
        return change({
          description: `tag ${shortId(id)} as ${ref}${replaced}: the host has the image, nothing sent`,
          script: `docker tag ${quote(id)} ${quote(ref)}`,
        });
      const size = chosen.size !== undefined ? `, ${humanBytes(chosen.size)} unpacked` : "";
      return change({
        description: `load ${ref} ${shortId(id)}${chosen.platform ? ` (${chosen.platform} of the index)` : ""}${size}${replaced}`,
        // docker load reads gzip itself: the host needs nothing but its engine. The id is checked
        // after, so a stream cut short or a different image never passes as loaded; the tag is set
        // from it, as one platform of an index is saved by id and loads untagged.
        script: [
          "set -e",
          "docker load -q >/dev/null",
          `docker image inspect --format '{{.Id}}' ${quote(id)} >/dev/null 2>&1 || { echo "the stream held no image ${id}" >&2; exit 1; }`,
          `docker tag ${quote(id)} ${quote(ref)}`,
        ].join("\n"),
        stdinStream: chosen.open,
      });
    },
  };
}
