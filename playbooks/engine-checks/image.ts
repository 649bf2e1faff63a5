/**
 * The test image pulls: through the configured mirror or private registry (dockerd picks the
 * route; verify proves the route works). The containers of chapters 7 and 8 need it, so they
 * declare `needs: ["image.pull"]` and are reported as not run when it fails.
 */
import { quote, sh } from "../../src/transport/quote.js";
import { verdict, field, lastLine, type ScriptCheck } from "./script-check.js";
import { freshImageMarker } from "./names.js";

/** Exit code of the pull section when the engine does not answer: verify could not try, an error. */
export const ENGINE_DOWN_EXIT = 3;

export const imagePull: ScriptCheck = {
  id: "image.pull",
  title: "test image pulls",
  chapter: "3",
  effects: true,
  script: (ctx) =>
    [
      `if ! t docker info >/dev/null 2>&1; then echo 'engine not-answering'; exit ${ENGINE_DOWN_EXIT}; fi`,
      // From an offline bundle: the image must be the bundle's, by id; nothing is pulled.
      ...(ctx.bundledImageIds
        ? [
            `id=$(docker image inspect --format '{{.Id}}' -- ${quote(ctx.image)} 2>/dev/null) || id=none`,
            'echo "bundled $id"',
            `case "$id" in ${ctx.bundledImageIds.map(quote).join("|") || "'-'"}) exit 0 ;; *) exit 1 ;; esac`,
          ]
        : []),
      // Remember whether the image was here before, so cleanup leaves the host as it found it.
      `if docker image inspect -- ${quote(ctx.image)} >/dev/null 2>&1; then echo 'before present'; else echo 'before absent'; : > ${quote(freshImageMarker(ctx))}; fi`,
      `t ${sh(["docker", "pull", "--", ctx.image])}`,
    ].join("\n"),
  command: (ctx) =>
    ctx.bundledImageIds
      ? sh(["docker", "image", "inspect", "--format", "{{.Id}}", "--", ctx.image])
      : sh(["docker", "pull", "--", ctx.image]),
  parse(result, ctx) {
    if (result.code === ENGINE_DOWN_EXIT && field(result.output, "engine") === "not-answering")
      return verdict(this, ctx, result, "error", "not tried: the daemon does not answer", {
        hint: "see engine.info",
      });
    if (ctx.bundledImageIds) {
      const id = field(result.output, "bundled") ?? "none";
      if (result.code === 0)
        return verdict(this, ctx, result, "pass", `${ctx.image} is the bundle's image (${id.slice(0, 19)})`, {
          actual: id,
        });
      return verdict(
        this,
        ctx,
        result,
        "fail",
        `${ctx.image} is not the bundle's image (the host has ${id})`,
        {
          expected: ctx.bundledImageIds.join(" or "),
          actual: id,
          hint: "run `ops run install-engine --bundle FILE`: it loads the image from the bundle",
        },
      );
    }
    if (result.code === 0)
      return verdict(this, ctx, result, "pass", `pulled ${ctx.image}`, { actual: lastLine(result.output) });
    const mirrors = ctx.desired.registryMirrors;
    const via = mirrors.length > 0 ? `the mirrors (${mirrors.join(", ")}) and ` : "";
    return verdict(this, ctx, result, "fail", `${ctx.image} did not pull: ${lastLine(result.output)}`, {
      hint: `check the image name (verify_image) and that ${via}the registry are reachable from the host`,
    });
  },
};
