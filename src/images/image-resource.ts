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
import { hostImages } from "./host-images.js";
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
}

/** @example imageLoaded({ ref: "team/app:1.0", id: "sha256:…", open: () => commandStream(["docker", "save", ref], { gzipLevel: 1 }) }) */
export function imageLoaded(o: ImageLoadedOptions): Resource {
  const ref = normalizeRef(o.ref);
  return {
    id: `image:${ref}`,
    facts: [hostImages],
    plan(facts) {
      if (o.id === undefined)
        return fail(
          `the control machine holds no image ${ref}: its id, hence what the host should have, is unknown`,
          "run `ops run images` (it pulls, builds or loads the image on the control machine first)",
        );
      const have = facts.get(hostImages);
      if (have.engine !== "running")
        return fail(
          `the host's docker engine is ${have.engine === "none" ? "not installed" : "not running"}: nowhere to load ${ref}`,
          "run `ops run install-engine` first",
        );
      const current = have.refs.get(ref);
      if (current === o.id) return noop(`${ref} is ${shortId(o.id)}`);
      const replaced = current !== undefined ? ` (replacing ${shortId(current)})` : "";
      if (have.ids.has(o.id))
        return change({
          description: `tag ${shortId(o.id)} as ${ref}${replaced}: the host has the image, nothing sent`,
          script: `docker tag ${quote(o.id)} ${quote(ref)}`,
        });
      const size = o.size !== undefined ? `, ${humanBytes(o.size)} unpacked` : "";
      return change({
        description: `load ${ref} ${shortId(o.id)}${size}${replaced}`,
        // docker load reads gzip itself: the host needs nothing but its engine. The id is checked
        // after, so a stream cut short or a different image never passes as loaded.
        script: [
          "set -e",
          "docker load -q >/dev/null",
          `got=$(docker image inspect --format '{{.Id}}' ${quote(ref)})`,
          `[ "$got" = ${quote(o.id)} ] || { echo "loaded $got, not ${o.id}" >&2; exit 1; }`,
        ].join("\n"),
        stdinStream: o.open,
      });
    },
  };
}
