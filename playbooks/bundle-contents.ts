/**
 * What a bundle must hold for the built-in playbooks, from each host's validated variables: the
 * docker-ce packages install-engine installs (its repo, key, names and pin), the image `ops verify`
 * runs (verify_image), the images deploy-registry's stack runs, and the images playbook's pulled
 * images (under the names the hosts use). Docker knowledge, so it lives
 * beside the playbooks; `ops bundle create` only fetches what this says.
 */
import { parseEvr } from "../src/packages/rpm/version.js";
import type { ImageSource, Platform, RpmSource } from "../src/bundle/create.js";
import type { DebSource } from "../src/bundle/deb-tree.js";
import { DEFAULT_IMAGE } from "./engine-checks/context.js";
import { repoAt } from "./docker-repo.js";
import { IMAGES } from "./deploy-registry.vars.js";
import { normalizeRef } from "../src/images/ref.js";
import type { BundleManifest } from "../src/bundle/manifest.js";
import type { ImageSpec } from "./images.vars.js";

export const BUNDLE_PLAYBOOKS = ["install-engine", "deploy-registry", "images"] as const;

export interface BundleContents {
  rpm?: RpmSource;
  deb?: DebSource;
  /** Image references with the registry URL each is fetched from. */
  images: ImageSource[];
  /** Images the images playbook makes that a bundle cannot hold, with why (said to the person). */
  notBundled: string[];
}

/** A problem that makes one bundle unable to serve every host. */
export class ContentsError extends Error {}

type Vars = Record<string, unknown>;
const str = (v: unknown, d = ""): string => (typeof v === "string" ? v : d);

/**
 * Where an image is fetched: `imageSource` when given; a Docker Hub image through the hosts' first
 * registry mirror (what they would have pulled through), else Docker Hub; any other registry itself.
 */
export function imageEndpoint(ref: string, vars: Vars, imageSource?: string): string {
  if (imageSource) return imageSource;
  const first = ref.split("/")[0] ?? "";
  const ownRegistry =
    ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (ownRegistry) return `https://${first}`;
  const mirrors = Array.isArray(vars.registry_mirrors) ? vars.registry_mirrors : [];
  return typeof mirrors[0] === "string" ? mirrors[0] : "https://registry-1.docker.io";
}

/** One host of the inventory: its variables and the platforms it is bundled for. */
export interface BundleHost {
  readonly vars: Vars;
  readonly platforms: readonly Platform[];
}

/**
 * @example bundleContents(["install-engine"], [{ vars, platforms: [{ major: 9, arch: "x86_64" }] }]).rpm?.names // ["docker-ce", ...]
 */
export function bundleContents(
  playbooks: readonly string[],
  hosts: readonly BundleHost[],
  imageSource?: string,
): BundleContents {
  const out: BundleContents = { images: [], notBundled: [] };
  // Keyed by the name the image is loaded as.
  const images = new Map<string, ImageSource>();
  const notBundled = new Set<string>();
  const add = (ref: string, vars: Vars, as?: string) =>
    images.set(as ?? ref, {
      ref,
      endpoint: { url: imageEndpoint(ref, vars, imageSource) },
      ...(as !== undefined ? { as } : {}),
    });
  const rpms = new Map<string, RpmSource>();
  const debs = new Map<string, DebSource>();
  for (const { vars, platforms } of hosts) {
    if (playbooks.includes("install-engine")) {
      const version = str(vars.docker_version);
      const names = Array.isArray(vars.docker_packages) ? vars.docker_packages.map(String) : [];
      for (const p of platforms) {
        // Docker's one rpm tree serves every EL; an apt release is in its distribution's tree.
        const repo = repoAt(
          {
            docker_repo_url: str(vars.docker_repo_url),
            docker_mirror: str(vars.docker_mirror),
            docker_repo_gpgkey: str(vars.docker_repo_gpgkey),
          },
          p.codename === undefined ? "linux/centos" : `linux/${p.os ?? "debian"}`,
        );
        const common = {
          baseUrl: repo.baseUrl,
          gpgKeyUrl: repo.gpgKeyUrl,
          fingerprint: str(vars.docker_repo_gpg_fingerprint),
          names,
          pinned: ["docker-ce", "docker-ce-cli"],
        };
        if (p.codename !== undefined) {
          const deb: DebSource = { ...common, ...(version ? { pin: version } : {}) };
          debs.set(JSON.stringify(deb), deb);
        } else {
          const rpm: RpmSource = { ...common, ...(version ? { pin: parseEvr(version) } : {}) };
          rpms.set(JSON.stringify(rpm), rpm);
        }
      }
      const verify = str(vars.verify_image) || DEFAULT_IMAGE;
      add(verify, vars);
    }
    if (playbooks.includes("deploy-registry")) {
      const chosen = (vars.registry_images ?? {}) as Vars;
      for (const ref of [str(chosen.registry, IMAGES.registry), str(chosen.nginx, IMAGES.nginx)])
        add(ref, vars);
    }
    if (playbooks.includes("images"))
      for (const spec of imageSpecs(vars.images)) {
        const name = normalizeRef(spec.ref);
        const why = notBundledWhy(spec);
        if (why === undefined) add(spec.from ?? spec.ref, vars, name);
        else notBundled.add(`${name}: ${why}`);
      }
  }
  if (rpms.size > 1 || debs.size > 1)
    throw new ContentsError(
      "the hosts of one family differ in docker_repo_url, docker_version, docker_packages or the key: make one bundle per group (--limit)",
    );
  const [rpm] = rpms.values();
  if (rpm) out.rpm = rpm;
  const [deb] = debs.values();
  if (deb) out.deb = deb;
  out.images = [...images.values()];
  out.notBundled = [...notBundled];
  return out;
}

// Validated by the images playbook's schema before a bundle is made or a run reads it.
const imageSpecs = (v: unknown): ImageSpec[] => (Array.isArray(v) ? (v as ImageSpec[]) : []);

/**
 * Why an images playbook entry is not put in a bundle, or undefined when it is: only pulled images
 * are fetched (a build or an archive needs the control machine's engine, and `ops run images`
 * streams those from it); images to push are pushed from the control machine's copy.
 */
export function notBundledWhy(spec: ImageSpec): string | undefined {
  if (spec.distribute === false) return "distribute: false (no host loads it)";
  if (spec.push === true) return "push: true (`ops run images` pushes the control machine's copy)";
  if (spec.source !== "pull")
    return `source: ${spec.source} (\`ops run images --bundle\` streams it from the control machine)`;
  return undefined;
}

/**
 * The images playbook's entries a run with this bundle loads from it (by the name the hosts use):
 * those a bundle holds and this one has. The others are made on the control machine as without one.
 *
 * @example fromBundle(bundle.manifest, vars.images) // Set { "team/app:1.0" }
 */
export function fromBundle(manifest: BundleManifest, specs: readonly ImageSpec[]): Set<string> {
  const held = new Set(manifest.images.map((i) => i.ref));
  return new Set(
    specs
      .filter((s) => notBundledWhy(s) === undefined)
      .map((s) => normalizeRef(s.ref))
      .filter((ref) => held.has(ref)),
  );
}
