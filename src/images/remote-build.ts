/**
 * A `build` image built on a chosen host of the inventory (`build_host`) instead of the control
 * machine's engine. One command on that host over the run's SSH connection: the context goes in
 * as a tar on stdin (`tar | gzip` here, never a copy of it on either side) to `docker build -`, and
 * the image comes back as `docker save | gzip` on stdout, straight into the control machine's
 * `docker load`, paced by it. From there the image is pushed and distributed exactly as one built
 * here: the build host's own load is a no-op, since it holds the id already.
 */
import { resolve } from "node:path";
import { PassThrough } from "node:stream";
import { StepFailed } from "../errors.js";
import { tail } from "../text/tail.js";
import { quote } from "../transport/quote.js";
import { commandStream } from "../transport/stream.js";
import type { ExecOptions, ExecResult, Transport } from "../transport/transport.js";
import type { ImageSpec } from "../../playbooks/images.vars.js";
import { buildCommand } from "./control-docker.js";
import { normalizeRef } from "./ref.js";

export interface RemoteBuild {
  readonly spec: ImageSpec;
  readonly inventoryDir: string;
  /** The context's digest (contextDigest), stamped on the image as a label. */
  readonly digest: string;
  /** gzip level of both streams (0: as they come). */
  readonly gzipLevel: number;
}

/**
 * The build host's script: build from the tar on stdin (its output to stderr, for the failure's
 * tail), then the image saved to stdout.
 *
 * @example remoteBuildScript({ spec: { ref: "team/app:1", source: "build" }, inventoryDir: "/inv", digest: "sha256:…", gzipLevel: 1 })
 */
export function remoteBuildScript(b: RemoteBuild): string {
  const argv = buildCommand(b.spec, b.spec.dockerfile, "-", b.digest);
  const save = `docker save ${quote(normalizeRef(b.spec.ref))}`;
  return [
    "set -e",
    `${argv.map(quote).join(" ")} >&2`,
    // A save that fails leaves the load here short of an image, and the id check below catches it.
    b.gzipLevel > 0 ? `${save} | gzip -${b.gzipLevel}` : save,
  ].join("\n");
}

/**
 * Builds on `host` and loads the result into the control machine's engine (`local`).
 *
 * @throws StepFailed naming the build host or the control machine when either side fails
 */
export async function buildOnHost(
  b: RemoteBuild,
  host: string,
  exec: (host: string, script: string, options?: ExecOptions) => Promise<ExecResult>,
  local: Transport,
): Promise<void> {
  const context = resolve(b.inventoryDir, b.spec.context ?? ".");
  const tar = commandStream(["tar", "-C", context, "-cf", "-", "."], { gzipLevel: b.gzipLevel });
  const image = new PassThrough();
  // The load may stop reading (it failed): the rest of the save is then dropped, not an error.
  image.on("error", () => undefined);
  const loading = local.exec("docker load -q", { become: false, stdin: image });
  loading.then(
    (r) => r.code !== 0 && image.destroy(),
    () => image.destroy(),
  );
  let built: ExecResult;
  try {
    built = await exec(host, remoteBuildScript(b), { stdin: tar, stdout: image });
  } finally {
    image.end();
    tar.destroy();
  }
  const loaded = await loading;
  if (built.code !== 0)
    throw new StepFailed(host, `docker build of ${b.spec.ref} on ${host}`, built.code, tail(built.stderr));
  if (loaded.code !== 0)
    throw new StepFailed(
      "control machine",
      `docker load of ${b.spec.ref} from ${host}`,
      loaded.code,
      tail(loaded.stderr || loaded.stdout),
    );
}
