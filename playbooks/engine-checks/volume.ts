/**
 * Chapter 8's data volumes, each proven by data written in one container and read back after that
 * container is gone: a named volume, a bind mount (read on the host), and `--volumes-from` a volume
 * container. The token is random per run, so data left over from another run cannot pass.
 */
import { quote, sh } from "../../src/transport/quote.js";
import {
  verdict,
  field,
  lastLine,
  type ScriptCheck,
  type CheckContext,
  type CheckResult,
  type SectionResult,
} from "./script-check.js";
import { nameOf, tempPath } from "./names.js";

const NEEDS = ["image.pull"] as const;

/** `docker run --rm` of the test image with extra arguments, bounded by the batch's `t`. */
function run(ctx: CheckContext, role: string, args: string[], command: string[]): string {
  return `t ${sh(["docker", "run", "--rm", "--name", nameOf(ctx, role), ...args, "--", ctx.image, ...command])}`;
}

const write = (ctx: CheckContext): string[] => ["sh", "-c", `echo ${ctx.token} > /data/f`];

/** Pass when the `read` line holds the run's token, else fail with what was read instead. */
function judgeRead(
  check: ScriptCheck,
  ctx: CheckContext,
  result: SectionResult,
  pass: string,
  failure: string,
  hint: string,
): CheckResult {
  const read = field(result.output, "read");
  if (result.code === 0 && read === ctx.token) return verdict(check, ctx, result, "pass", pass);
  return verdict(check, ctx, result, "fail", failure, {
    expected: ctx.token,
    actual: read || lastLine(result.output.replace(/^read.*$/gm, "")),
    hint,
  });
}

export const volumeNamed: ScriptCheck = {
  id: "volume.named",
  title: "named volume keeps data after its container is removed",
  chapter: "8",
  needs: NEEDS,
  effects: true,
  script: (ctx) => {
    const vol = nameOf(ctx, "data");
    return [
      "set -e",
      `t ${sh(["docker", "volume", "create", vol])} >/dev/null`,
      run(ctx, "data-writer", ["-v", `${vol}:/data`], write(ctx)),
      `echo "read $(${run(ctx, "data-reader", ["-v", `${vol}:/data`], ["cat", "/data/f"])})"`,
    ].join("\n");
  },
  command: (ctx) => `docker run --rm -v ${nameOf(ctx, "data")}:/data ${ctx.image} cat /data/f`,
  parse(result, ctx) {
    return judgeRead(
      this,
      ctx,
      result,
      "data written by a removed container was read from the named volume",
      "the named volume did not keep the data",
      "check the volume driver and `docker volume inspect`",
    );
  },
};

export const volumeBind: ScriptCheck = {
  id: "volume.bind",
  title: "bind mount writes appear on the host",
  chapter: "8",
  needs: NEEDS,
  effects: true,
  script: (ctx) => {
    const dir = tempPath(ctx, "bind");
    return [
      "set -e",
      `mkdir -m 700 ${quote(dir)}`,
      // :z relabels the run's own directory where SELinux enforces; a no-op elsewhere.
      run(ctx, "bind-writer", ["-v", `${dir}:/data:z`], write(ctx)),
      `echo "read $(cat ${quote(`${dir}/f`)})"`,
    ].join("\n");
  },
  command: (ctx) =>
    `docker run --rm -v ${tempPath(ctx, "bind")}:/data:z ${ctx.image} sh -c 'echo … > /data/f'`,
  parse(result, ctx) {
    return judgeRead(
      this,
      ctx,
      result,
      "a file written in the container appeared on the host",
      "the bind mount's write did not appear on the host",
      "check SELinux denials (`ausearch -m avc`) and that dockerd and the shell share /tmp",
    );
  },
};

export const volumesFrom: ScriptCheck = {
  id: "volume.volumes-from",
  title: "--volumes-from shares a volume container's volumes",
  chapter: "8",
  needs: NEEDS,
  effects: true,
  script: (ctx) => {
    const store = nameOf(ctx, "store");
    return [
      "set -e",
      `t ${sh(["docker", "create", "--name", store, "-v", "/data", "--", ctx.image, "true"])} >/dev/null`,
      run(ctx, "from-writer", ["--volumes-from", store], write(ctx)),
      `echo "read $(${run(ctx, "from-reader", ["--volumes-from", store], ["cat", "/data/f"])})"`,
    ].join("\n");
  },
  command: (ctx) => `docker run --rm --volumes-from ${nameOf(ctx, "store")} ${ctx.image} cat /data/f`,
  parse(result, ctx) {
    return judgeRead(
      this,
      ctx,
      result,
      "two containers shared the volume container's /data",
      "--volumes-from did not share the data",
      "check `docker inspect` of the volume container's Mounts",
    );
  },
};

export const volumeChecks: readonly ScriptCheck[] = [volumeNamed, volumeBind, volumesFrom];
