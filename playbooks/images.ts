/**
 * images: the images each group's hosts need, declared in the inventory (`images` in group_vars).
 * Once per run on the control machine each image is pulled, built from its Dockerfile or loaded from
 * a `docker save` archive; images marked `push` go to the private registry deploy-registry stood up
 * (pushed by a host whose engine trusts its CA, as a registry account); and each host that lacks an
 * image by id gets it streamed over its SSH connection (`docker save | gzip` here, `docker load`
 * there), so hosts with no route to any registry get their images too. A second run compares ids
 * and sends nothing: one round trip per host. With `--bundle`, the pulled images the bundle holds
 * (`ops bundle create --playbook images`) are loaded from its copy on each host instead: no
 * registry is asked, by the control machine or the hosts.
 */
import { bundleCopy } from "../src/bundle/host-copy.js";
import { bundleImages } from "../src/bundle/image-load.js";
import { bundleOutput, bundleStep } from "../src/bundle/run-step.js";
import { definePlaybook } from "../src/playbook.js";
import type { Resource } from "../src/resources/resource.js";
import { imageLoaded } from "../src/images/image-resource.js";
import { imagesOutput, imagesStep, streamedRefs } from "../src/images/prepare-step.js";
import { imagePushed } from "../src/images/push-resource.js";
import { normalizeRef } from "../src/images/ref.js";
import { imageFanOut, passWhenNothingSent, streamCompression } from "../src/images/save-stream.js";
import { imagesVariables } from "./images.vars.js";

export default definePlaybook({
  name: "images",
  description:
    "images per group: pulled, built or loaded here, pushed to the private registry, streamed over SSH to hosts that lack them",
  variables: imagesVariables,
  runSteps: [bundleStep(), imagesStep],
  resources(vars, host, run) {
    const out = imagesOutput(run.outputs);
    const loaded = (ref: string): Resource => {
      const image = out.images[ref];
      const fan = imageFanOut(
        run.runId,
        ref,
        streamCompression(vars.images_compression, vars.images_gzip_level),
        out.loaders[ref] ?? [],
      );
      const load = imageLoaded({
        ref,
        id: image?.id,
        ...(image ? { size: image.size } : {}),
        open: () => fan.join(host.name),
      });
      return passWhenNothingSent(load, fan, host.name);
    };
    const bundled = new Set(out.bundled);
    const wanted = vars.images.filter((s) => s.distribute !== false).map((s) => normalizeRef(s.ref));
    const fromBundle = wanted.filter((ref) => bundled.has(ref));
    const bundle = bundleOutput(run.outputs);
    const push = out.push;
    // Whatever group declared them, the images to push are pushed by the one pushing host.
    const pushes = push !== null && push.host === host.name ? Object.keys(push.current) : [];
    // The pushing host needs the image in its engine first; one load serves both.
    const needed = streamedRefs(vars, host.name, out);
    return [
      ...(bundle && fromBundle.length > 0
        ? [bundleCopy({ bundle, needsRepo: false }), bundleImages({ bundle, refs: fromBundle })]
        : []),
      ...needed.map(loaded),
      ...(push === null
        ? []
        : pushes.map((ref) =>
            imagePushed({
              ref,
              id: out.images[ref]?.id,
              registry: push.registry,
              user: push.user,
              password: push.password,
              current: push.current[ref] === true,
            }),
          )),
    ];
  },
});
