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
import { IMAGE_ID, normalizeRef } from "./ref.js";
import type { ImageSpec } from "../../playbooks/images.vars.js";

/** What the control machine's engine holds under a reference. */
export interface LocalImage {
  readonly id: string;
  readonly size: number;
}

const words = (argv: readonly string[]) => argv.map(quote).join(" ");

/**
 * The command that puts `spec` into the control machine's engine under its reference. Paths are
 * relative to the inventory's folder.
 *
 * @example obtainCommand({ ref: "team/app:1", source: "build", context: "app" }, "/inv")
 *   // ["docker", "build", "-q", "-t", "team/app:1", "/inv/app"]
 */
export function obtainCommand(spec: ImageSpec, inventoryDir: string): string[][] {
  const ref = normalizeRef(spec.ref);
  switch (spec.source) {
    case "pull": {
      const from = spec.from ?? spec.ref;
      return [["docker", "pull", "-q", from], ...(from !== ref ? [["docker", "tag", from, ref]] : [])];
    }
    case "build": {
      const context = resolve(inventoryDir, spec.context ?? ".");
      const file = spec.dockerfile !== undefined ? ["-f", resolve(context, spec.dockerfile)] : [];
      const target = spec.target !== undefined ? ["--target", spec.target] : [];
      const args = Object.entries(spec.build_args ?? {}).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
      return [["docker", "build", "-q", "-t", ref, ...file, ...target, ...args, context]];
    }
    case "archive":
      return [["docker", "load", "-q", "-i", resolve(inventoryDir, spec.archive ?? "")]];
  }
}

/** Runs the commands that obtain `spec` on the control machine; throws StepFailed naming the command. */
export async function obtain(local: Transport, spec: ImageSpec, inventoryDir: string): Promise<void> {
  for (const argv of obtainCommand(spec, inventoryDir)) {
    const r = await local.exec(words(argv), { become: false });
    if (r.code !== 0)
      throw new StepFailed("control machine", words(argv), r.code, tail(r.stderr || r.stdout));
  }
}

/** The image id and size under `ref` on the control machine, or undefined when it holds none. */
export async function inspectLocal(local: Transport, ref: string): Promise<LocalImage | undefined> {
  const r = await local.exec(
    `docker image inspect --format '{{.Id}} {{.Size}}' ${quote(normalizeRef(ref))}`,
    {
      become: false,
    },
  );
  if (r.code !== 0) {
    if (/No such image/i.test(r.stderr)) return undefined;
    throw new StepFailed("control machine", `docker image inspect ${ref}`, r.code, tail(r.stderr));
  }
  const [id = "", size = ""] = r.stdout.trim().split(" ");
  if (!IMAGE_ID.test(id) || !/^\d+$/.test(size))
    throw new StepFailed(
      "control machine",
      `docker image inspect ${ref}`,
      0,
      `unexpected output ${r.stdout.slice(0, 100)}`,
    );
  return { id, size: Number(size) };
}
