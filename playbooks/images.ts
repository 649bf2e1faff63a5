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
import {
  imageFanOut,
  passWhenNothingSent,
  platformSource,
  streamCompression,
} from "../src/images/save-stream.js";
import { imagesRules } from "./images.rules.js";
import { imagesVariables, type ImageSpec } from "./images.vars.js";

/** Where an image comes from, for a host that cannot run it: "from the archive images/a.tar". */
function originOf(spec: ImageSpec | undefined): string {
  if (spec === undefined) return "";
  if (spec.source === "archive") return `from the archive ${spec.archive ?? ""}`;
  if (spec.source === "pull") return `pulled from ${spec.from ?? spec.ref}`;
  return `built on ${spec.build_host ?? "the control machine"}`;
}

export default definePlaybook({
  name: "images",
  description:
    "images per group: pulled, built or loaded here, pushed to the private registry, streamed over SSH to hosts that lack them",
  variables: imagesVariables,
  rules: imagesRules,
  runSteps: [bundleStep(), imagesStep],
  resources(vars, host, run) {
    const out = imagesOutput(run.outputs);
    const specs = new Map(vars.images.map((s) => [normalizeRef(s.ref), s]));
    const loaded = (ref: string): Resource => {
      const image = out.images[ref];
      const loaders = out.loaders[ref] ?? [];
      const compression = streamCompression(vars.images_compression, vars.images_gzip_level);
      const fan = imageFanOut(run.runId, ref, compression, loaders);
      const open = () => fan.join(host.name);
      const fans = [{ fan, open }];
      // A pulled index: each platform's image, the control machine's own one streamed as pulled,
      // any other pulled here by digest when a host of that platform needs it.
      const index = out.platforms?.[ref];
      const platforms = index?.images.map((p) => {
        if (p.id === image?.id) return { platform: p.platform, id: p.id, size: image.size, open };
        const other = imageFanOut(run.runId, ref, compression, loaders, platformSource(index.from, p));
        const openOther = () => other.join(host.name);
        fans.push({ fan: other, open: openOther });
        return { platform: p.platform, id: p.id, open: openOther };
      });
      const load = imageLoaded({
        ref,
        id: image?.id,
        ...(image ? { size: image.size, platform: image.platform } : {}),
        open,
        ...(platforms ? { platforms } : {}),
        origin: originOf(specs.get(ref)),
      });
      return passWhenNothingSent(load, fans, host.name);
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
