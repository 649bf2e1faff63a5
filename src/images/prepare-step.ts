/**
 * The images playbook's run-wide step on the control machine: every image the targets want is
 * pulled, built or loaded into the control machine's engine once, its id read, and for images to
 * push, the registry's state read. Hosts' resources read the output. A run that changes nothing
 * (--check, `ops images ls`) only reads what the control machine already holds.
 */
import { resolve } from "node:path";
import { ConfigError } from "../errors.js";
import type { RunStep, RunStepContext } from "../playbook.js";
import { controlEndpoint } from "../registry/control-endpoint.js";
import { accountName } from "../registry/model.js";
import { LocalTransport } from "../transport/local.js";
import type { ImageSpec, ImagesVars } from "../../playbooks/images.vars.js";
import { fromBundle } from "../../playbooks/bundle-contents.js";
import { bundleOutput } from "../bundle/run-step.js";
import { inspectLocal, obtain, type LocalImage } from "./control-docker.js";
import { contextDigest } from "./context-digest.js";
import { readPlatforms, type PlatformImage } from "./index-platforms.js";
import { normalizeRef } from "./ref.js";
import { buildOnHost } from "./remote-build.js";
import { streamCompression } from "./save-stream.js";
import { registryImageId } from "./registry-state.js";

export const IMAGES_STEP = "images";

export interface PushPlan {
  /** The registry as docker names it: `host:port`. */
  readonly registry: string;
  /** The inventory host whose engine pushes. */
  readonly host: string;
  readonly user: string;
  /** Secret: masked by the run. */
  readonly password: string;
  /** Normalized ref -> the registry already holds that id under it. */
  readonly current: Readonly<Record<string, boolean>>;
}

export interface ImagesOutput {
  /** Normalized ref -> the control machine's image (absent: it holds none; only in check runs). */
  readonly images: Readonly<Record<string, LocalImage>>;
  /** Normalized refs the hosts load from the run's bundle. */
  readonly bundled: readonly string[];
  readonly push: PushPlan | null;
  /** Normalized ref -> the target hosts that load it from the control machine's stream. */
  readonly loaders: Readonly<Record<string, readonly string[]>>;
  /**
   * Normalized ref -> the platforms of the multi-platform index it was pulled from, each host
   * loading its own (absent: one image, `images[ref]`, for hosts of its platform).
   */
  readonly platforms?: Readonly<Record<string, IndexPlatforms>>;
}

/** A pulled index: where from, and its images by platform. */
export interface IndexPlatforms {
  /** The `from` reference: a platform the control machine lacks is pulled from it by digest. */
  readonly from: string;
  readonly images: readonly PlatformImage[];
}

/**
 * The refs `host` gets streamed from the control machine: those its groups distribute that the
 * run's bundle does not hold and, on the pushing host, those to push (its engine pushes them).
 */
export function streamedRefs(
  vars: ImagesVars,
  host: string,
  out: Pick<ImagesOutput, "bundled" | "push">,
): string[] {
  const bundled = new Set(out.bundled);
  const distributed = vars.images
    .filter((s) => s.distribute !== false)
    .map((s) => normalizeRef(s.ref))
    .filter((ref) => !bundled.has(ref));
  const pushes = out.push !== null && out.push.host === host ? Object.keys(out.push.current) : [];
  return [...new Set([...pushes, ...distributed])];
}

/** Every image the targets want, once per reference; two different specs of one ref are an error. */
export function wantedImages(targets: readonly { vars: ImagesVars }[]): ImageSpec[] {
  const byRef = new Map<string, ImageSpec>();
  for (const { vars } of targets)
    for (const spec of vars.images) {
      const ref = normalizeRef(spec.ref);
      const seen = byRef.get(ref);
      if (seen !== undefined && JSON.stringify(seen) !== JSON.stringify(spec))
        throw new ConfigError(
          `image ${ref} is declared twice with different settings`,
          { path: "images" },
          "declare each image once (in the group_vars of one group, or in `all`)",
        );
      byRef.set(ref, spec);
    }
  return [...byRef.values()];
}

async function pushPlan(
  ctx: RunStepContext<ImagesVars>,
  specs: readonly ImageSpec[],
  images: Readonly<Record<string, LocalImage>>,
): Promise<PushPlan | null> {
  const toPush = specs.filter((s) => s.push === true);
  const first = ctx.targets[0];
  if (toPush.length === 0 || first === undefined) return null;
  const vars = first.vars;
  const hosts = ctx.inventoryHosts ?? ctx.targets.map((t) => t.host);
  const registryHost = hosts.find((h) => h.groups.includes(vars.registry_group));
  if (registryHost === undefined)
    throw new ConfigError(`images to push, but no host in group '${vars.registry_group}'`, {
      path: "images",
    });
  const user = vars.registry_users.find((u) => accountName(u) === vars.images_push_user);
  if (user === undefined)
    throw new ConfigError(
      vars.images_push_user === ""
        ? "images to push, but images_push_user is not set"
        : `images_push_user '${vars.images_push_user}' is not in registry_users`,
      { path: "images_push_user" },
      "name a registry_users account that is a developer of the images' project",
    );
  const host = vars.images_push_host !== "" ? vars.images_push_host : registryHost.name;
  if (!ctx.targets.some((t) => t.host.name === host))
    throw new ConfigError(
      `the pushing host ${host} is not among this run's hosts`,
      { path: "images_push_host" },
      "include it in --limit",
    );
  const { name, endpoint } = controlEndpoint(vars, registryHost.address, ctx.inventoryDir);
  const credentials = { user: accountName(user), password: user.password };
  const current: Record<string, boolean> = {};
  for (const spec of toPush) {
    const ref = normalizeRef(spec.ref);
    const id = images[ref]?.id;
    current[ref] = id !== undefined && (await registryImageId(endpoint, credentials, ref)) === id;
  }
  return { registry: name, host, user: credentials.user, password: user.password, current };
}

/**
 * The platforms of a pull's index, or undefined for one image. An index that cannot be read (no
 * route from here in a check run, a registry the CLI cannot inspect) counts as the one image the
 * control machine pulled: hosts of its platform get it, any other host refuses it by platform.
 */
async function indexOf(local: LocalTransport, from: string): Promise<IndexPlatforms | undefined> {
  try {
    const images = await readPlatforms(local, from);
    return images.length > 1 ? { from, images } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts `spec` into the control machine's engine. A build whose context, Dockerfile, target and
 * args are unchanged since the image there was built (its label holds their digest) builds
 * nothing and sends no context; otherwise it is built here, or on its `build_host` and loaded here.
 */
async function obtainImage(
  ctx: RunStepContext<ImagesVars>,
  local: LocalTransport,
  spec: ImageSpec,
): Promise<void> {
  if (spec.source !== "build") return obtain(local, spec, ctx.inventoryDir);
  const context = resolve(ctx.inventoryDir, spec.context ?? ".");
  const digest = await contextDigest({
    context,
    ...(spec.dockerfile !== undefined ? { dockerfile: spec.dockerfile } : {}),
    ...(spec.target !== undefined ? { target: spec.target } : {}),
    ...(spec.build_args !== undefined ? { buildArgs: spec.build_args } : {}),
  });
  if ((await inspectLocal(local, spec.ref))?.context === digest) return;
  const host = spec.build_host;
  if (host === undefined) return obtain(local, spec, ctx.inventoryDir, digest);
  if (!ctx.targets.some((t) => t.host.name === host))
    throw new ConfigError(
      `the build host ${host} of image ${normalizeRef(spec.ref)} is not among this run's hosts, and its context changed`,
      { path: "images" },
      "include it in --limit",
    );
  const vars = ctx.targets[0]?.vars;
  // The context and the image cross one SSH link each: compressed as the stream to the hosts is.
  const gzipLevel = vars
    ? (streamCompression(vars.images_compression, vars.images_gzip_level).gzipLevel ?? 0)
    : 1;
  await buildOnHost({ spec, inventoryDir: ctx.inventoryDir, digest, gzipLevel }, host, ctx.exec, local);
}

/** @example (await imagesStep.run(ctx) as ImagesOutput).images["team/app:1.0"].id */
export const imagesStep: RunStep<ImagesVars> = {
  name: IMAGES_STEP,
  when: "before",
  readOnly: true,
  async run(ctx): Promise<ImagesOutput> {
    const all = wantedImages(ctx.targets);
    // With --bundle, the images it holds are loaded on the hosts from it: the control machine
    // neither pulls them (it may reach no registry) nor streams them.
    const bundle = bundleOutput(ctx.outputs);
    const bundled = bundle ? fromBundle(bundle.manifest, all) : new Set<string>();
    const specs = all.filter((s) => !bundled.has(normalizeRef(s.ref)));
    const local = new LocalTransport("control machine", { become: false });
    const images: Record<string, LocalImage> = {};
    const platforms: Record<string, IndexPlatforms> = {};
    try {
      for (const spec of specs) {
        if (ctx.signal.aborted) break;
        if (!ctx.check) await obtainImage(ctx, local, spec);
        const found = await inspectLocal(local, spec.ref);
        if (found !== undefined) images[normalizeRef(spec.ref)] = found;
        else if (!ctx.check)
          throw new ConfigError(
            `after ${spec.source}, the control machine holds no image ${normalizeRef(spec.ref)}`,
            { path: "images" },
            spec.source === "archive"
              ? "the archive must hold the image under this reference (docker save REF)"
              : undefined,
          );
        const index = spec.source === "pull" ? await indexOf(local, spec.from ?? spec.ref) : undefined;
        if (index !== undefined) platforms[normalizeRef(spec.ref)] = index;
      }
    } finally {
      await local.close();
    }
    const plan = { bundled: [...bundled], push: await pushPlan(ctx, specs, images) };
    const loaders: Record<string, string[]> = {};
    for (const { host, vars } of ctx.targets)
      for (const ref of streamedRefs(vars, host.name, plan)) (loaders[ref] ??= []).push(host.name);
    return { images, ...plan, loaders, platforms };
  },
};

/** The step's output as hosts' resources read it. */
export function imagesOutput(outputs: Readonly<Record<string, unknown>>): ImagesOutput {
  const out = outputs[IMAGES_STEP] as ImagesOutput | undefined;
  if (out === undefined) throw new Error(`run step ${IMAGES_STEP} did not run`);
  return out;
}
