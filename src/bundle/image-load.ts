/**
 * Images from an unpacked bundle, loaded into the host's engine with `docker load` unless the engine
 * already has each one under its name with the bundle's image id. An image of the same name with
 * another id is replaced (`docker load` retags it) and the plan says so.
 */
import { kernel } from "../facts/kernel.js";
import { hostImages } from "../images/host-images.js";
import { normalizeRef } from "../images/ref.js";
import { quote } from "../transport/quote.js";
import { change, fail, noop, type Resource, type Step } from "../resources/resource.js";
import { bundleDir } from "./host-copy.js";
import { parseImageRef } from "./image-ref.js";
import type { VerifiedBundle } from "./verify.js";

/**
 * @param refs the images (as the playbook names them) this host needs from the bundle.
 * @example bundleImages({ bundle, refs: ["registry:2.8.2", "nginx:1.22.1"] })
 */
export function bundleImages(o: { bundle: VerifiedBundle; refs: readonly string[] }): Resource {
  const short = o.bundle.sha256.slice(0, 12);
  return {
    id: `bundle-images:${o.refs.join(",")}`,
    facts: [hostImages, kernel],
    plan(facts) {
      const arch = facts.get(kernel).arch;
      const have = facts.get(hostImages);
      const steps: Step[] = [];
      for (const ref of o.refs) {
        const image = o.bundle.manifest.images.find((i) => i.ref === ref && i.arch === arch);
        if (!image)
          return fail(
            `the bundle has no image ${ref} for ${arch}`,
            "create the bundle again for these playbooks and hosts",
          );
        // docker load names the image by its tag: a digest in the playbook's reference is not kept.
        const id = have.refs.get(normalizeRef(parseImageRef(ref).tagged));
        if (id === image.id) continue;
        steps.push({
          description: `load ${ref} from bundle ${short}${id ? ` (replaces image ${id.slice(7, 19)})` : ""}`,
          script: `set -e\ndocker load -i ${quote(`${bundleDir(o.bundle.sha256)}/${image.path}`)}`,
        });
      }
      if (steps.length === 0)
        return noop(
          `${o.refs.join(", ")} ${o.refs.length === 1 ? "is" : "are"} loaded (ids match bundle ${short})`,
        );
      return change(...steps);
    },
  };
}
