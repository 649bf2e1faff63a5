/**
 * Images from an unpacked bundle, loaded into the host's engine with `docker load` unless the engine
 * already has each one under its name with the bundle's image id. An image of the same name with
 * another id is replaced (`docker load` retags it) and the plan says so.
 */
import { FactError } from "../errors.js";
import type { Fact } from "../facts/fact.js";
import { kernel } from "../facts/kernel.js";
import { quote } from "../transport/quote.js";
import { change, fail, noop, type Resource, type Step } from "../resources/resource.js";
import { bundleDir } from "./host-copy.js";
import type { VerifiedBundle } from "./verify.js";

/** name -> image id (`sha256:…`) or null when the engine has no such image. */
export type ImageIds = Readonly<Record<string, string | null>>;

export function parseImageIds(name: string, refs: readonly string[], stdout: string): ImageIds {
  const out: Record<string, string | null> = {};
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  // No engine yet (install-engine installs it earlier in the same run): nothing is loaded.
  if (lines[0]?.trim() === "no-docker") return Object.fromEntries(refs.map((r) => [r, null]));
  refs.forEach((ref, i) => {
    const line = lines[i]?.trim() ?? "";
    if (line === "-") out[ref] = null;
    else if (/^sha256:[0-9a-f]{64}$/.test(line)) out[ref] = line;
    else throw new FactError(name, `unexpected output "${line.slice(0, 80)}" for ${ref}`);
  });
  return out;
}

/** @example facts.get(imageIds(["busybox"])) // { busybox: "sha256:…" } */
export function imageIds(refs: readonly string[]): Fact<ImageIds> {
  const name = `image-ids:${refs.join(",")}`;
  return {
    name,
    probe: [
      "command -v docker >/dev/null 2>&1 || { echo no-docker; exit 0; }",
      ...refs.map((r) => `docker image inspect --format '{{.Id}}' ${quote(r)} 2>/dev/null || echo -`),
    ].join("\n"),
    parse: (stdout) => parseImageIds(name, refs, stdout),
  };
}

/**
 * @param refs the images (as the playbook names them) this host needs from the bundle.
 * @example bundleImages({ bundle, refs: ["registry:2.8.2", "nginx:1.22.1"] })
 */
export function bundleImages(o: { bundle: VerifiedBundle; refs: readonly string[] }): Resource {
  const ids = imageIds(o.refs);
  const short = o.bundle.sha256.slice(0, 12);
  return {
    id: `bundle-images:${o.refs.join(",")}`,
    facts: [ids, kernel],
    plan(facts) {
      const arch = facts.get(kernel).arch;
      const have = facts.get(ids);
      const steps: Step[] = [];
      for (const ref of o.refs) {
        const image = o.bundle.manifest.images.find((i) => i.ref === ref && i.arch === arch);
        if (!image)
          return fail(
            `the bundle has no image ${ref} for ${arch}`,
            "create the bundle again for these playbooks and hosts",
          );
        const id = have[ref];
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
