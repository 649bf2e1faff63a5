/**
 * The control machine's engine, where images are pulled, built or loaded from an archive before
 * they are pushed or streamed to hosts. Commands are argument arrays run through the local
 * transport (the same exec seam as a host), every value quoted.
 */
import { resolve } from "node:path";
import { StepFailed } from "../errors.js";
import { tail } from "../text/tail.js";
import { quote } from "../transport/quote.js";
import type { Transport } from "../transport/transport.js";
import { CONTEXT_LABEL } from "./context-digest.js";
import type { Platform } from "./platform.js";
import { IMAGE_ID, normalizeRef } from "./ref.js";
import type { ImageSpec } from "../../playbooks/images.vars.js";

/** What the control machine's engine holds under a reference. */
export interface LocalImage {
  readonly id: string;
  readonly size: number;
  /** What it was made for: a host of another platform cannot run it. */
  readonly platform: Platform;
  /** The build's context digest (CONTEXT_LABEL) when ops built it; absent otherwise. */
  readonly context?: string;
}

const words = (argv: readonly string[]) => argv.map(quote).join(" ");

/**
 * The command that puts `spec` into the control machine's engine under its reference. Paths are
 * relative to the inventory's folder.
 *
 * @example obtainCommand({ ref: "team/app:1", source: "build", context: "app" }, "/inv", "sha256:…")
 *   // [["docker", "build", "-q", "-t", "team/app:1", "--label", "ops.build-context=sha256:…", "/inv/app"]]
 */
export function obtainCommand(spec: ImageSpec, inventoryDir: string, digest = ""): string[][] {
  const ref = normalizeRef(spec.ref);
  switch (spec.source) {
    case "pull": {
      const from = spec.from ?? spec.ref;
      return [["docker", "pull", "-q", from], ...(from !== ref ? [["docker", "tag", from, ref]] : [])];
    }
    case "build": {
      const context = resolve(inventoryDir, spec.context ?? ".");
      const file = spec.dockerfile !== undefined ? resolve(context, spec.dockerfile) : undefined;
      return [buildCommand(spec, file, context, digest)];
    }
    case "archive":
      return [["docker", "load", "-q", "-i", resolve(inventoryDir, spec.archive ?? "")]];
  }
}

/**
 * `docker build` of `spec` from `context` (a folder, or `-` for a tar on stdin), the image labelled
 * with the context's digest: the control machine and a build host build with the same flags.
 *
 * @example buildCommand({ ref: "team/app:1", source: "build", target: "run" }, undefined, "-", "sha256:…")
 *   // ["docker", "build", "-q", "-t", "team/app:1", "--label", "ops.build-context=sha256:…", "--target", "run", "-"]
 */
export function buildCommand(
  spec: ImageSpec,
  dockerfile: string | undefined,
  context: string,
  digest: string,
): string[] {
  const file = dockerfile !== undefined ? ["-f", dockerfile] : [];
  const target = spec.target !== undefined ? ["--target", spec.target] : [];
  const args = Object.entries(spec.build_args ?? {}).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  const label = ["--label", `${CONTEXT_LABEL}=${digest}`];
  return [
    "docker",
    "build",
    "-q",
    "-t",
    normalizeRef(spec.ref),
    ...label,
    ...file,
    ...target,
    ...args,
    context,
  ];
}

/** Runs the commands that obtain `spec` on the control machine; throws StepFailed naming the command. */
export async function obtain(
  local: Transport,
  spec: ImageSpec,
  inventoryDir: string,
  digest = "",
): Promise<void> {
  for (const argv of obtainCommand(spec, inventoryDir, digest)) {
    const r = await local.exec(words(argv), { become: false });
    if (r.code !== 0)
      throw new StepFailed("control machine", words(argv), r.code, tail(r.stderr || r.stdout));
  }
}

/**
 * Reads `docker image inspect` JSON: id, size, platform (Variant is absent on older engines and
 * on images that name none) and the context label.
 *
 * @throws Error naming what is missing
 */
export function parseLocalImage(stdout: string): LocalImage {
  const bad = (why: string) =>
    new Error(`unexpected docker image inspect output (${why}): ${stdout.slice(0, 100)}`);
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw bad("not JSON");
  }
  const first = (Array.isArray(doc) ? doc[0] : undefined) as
    | {
        Id?: unknown;
        Size?: unknown;
        Os?: unknown;
        Architecture?: unknown;
        Variant?: unknown;
        Config?: { Labels?: unknown };
      }
    | undefined;
  const id = first?.Id;
  const size = first?.Size;
  if (typeof id !== "string" || !IMAGE_ID.test(id)) throw bad("no image id");
  if (typeof size !== "number") throw bad("no size");
  const os = typeof first?.Os === "string" ? first.Os : "";
  const architecture = typeof first?.Architecture === "string" ? first.Architecture : "";
  if (os === "" || architecture === "") throw bad("no platform");
  const variant = typeof first?.Variant === "string" && first.Variant !== "" ? first.Variant : undefined;
  const labels = first?.Config?.Labels;
  const label =
    typeof labels === "object" && labels !== null
      ? (labels as Record<string, unknown>)[CONTEXT_LABEL]
      : undefined;
  return {
    id,
    size,
    platform: { os, architecture, ...(variant ? { variant } : {}) },
    ...(typeof label === "string" && IMAGE_ID.test(label) ? { context: label } : {}),
  };
}

/** The image under `ref` on the control machine, or undefined when it holds none. */
export async function inspectLocal(local: Transport, ref: string): Promise<LocalImage | undefined> {
  const r = await local.exec(`docker image inspect ${quote(normalizeRef(ref))}`, { become: false });
  if (r.code !== 0) {
    if (/No such image/i.test(r.stderr)) return undefined;
    throw new StepFailed("control machine", `docker image inspect ${ref}`, r.code, tail(r.stderr));
  }
  try {
    return parseLocalImage(r.stdout);
  } catch (err) {
    throw new StepFailed("control machine", `docker image inspect ${ref}`, 0, (err as Error).message);
  }
}
