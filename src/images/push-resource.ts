/**
 * An image in the private registry under `<registry>/<ref>`, pushed by a host's engine that trusts
 * the registry's CA (deploy-registry set it up: never insecure-registries), as a registry account.
 * The login lives in a throwaway DOCKER_CONFIG folder removed after, and the password reaches
 * `docker login` on stdin only. The registry's state was read on the control machine: a tag that
 * already holds the image id is a no-op.
 */
import { quote } from "../transport/quote.js";
import { change, fail, noop, type Resource } from "../resources/resource.js";
import { normalizeRef, shortId } from "./ref.js";

export interface ImagePushedOptions {
  readonly ref: string;
  readonly id: string | undefined;
  /** `host:port`. */
  readonly registry: string;
  readonly user: string;
  /** Secret. */
  readonly password: string;
  /** The registry holds `id` under the tag already. */
  readonly current: boolean;
}

export function imagePushed(o: ImagePushedOptions): Resource {
  const ref = normalizeRef(o.ref);
  const target = `${o.registry}/${ref}`;
  return {
    id: `image-push:${target}`,
    facts: [],
    plan() {
      if (o.id === undefined)
        return fail(
          `the control machine holds no image ${ref}`,
          "run `ops run images` without --check first",
        );
      if (o.current) return noop(`the registry has ${target} as ${shortId(o.id)}`);
      return change({
        description: `push ${target} ${shortId(o.id)} as ${o.user}`,
        script: [
          "set -e",
          "cfg=$(mktemp -d)",
          "trap 'rm -rf \"$cfg\"' EXIT",
          `docker tag ${quote(o.id)} ${quote(target)}`,
          `DOCKER_CONFIG="$cfg" docker login ${quote(o.registry)} -u ${quote(o.user)} --password-stdin >/dev/null`,
          `DOCKER_CONFIG="$cfg" docker push ${quote(target)} >/dev/null`,
          // The registry's name is only for the push: the host keeps the image under its own ref.
          `docker rmi ${quote(target)} >/dev/null`,
        ].join("\n"),
        stdin: o.password,
      });
    },
  };
}
