/**
 * The engine's registry configuration as the daemon applied it (`docker info`), against what
 * install-engine was asked for: `registry_mirrors` and `insecure_registries`. Reading the daemon and
 * not daemon.json proves the file was loaded, not only written.
 */
import { dockerInfo } from "../../src/facts/docker-info.js";
import { normalizeMirror, normalizeRegistry } from "../../src/facts/registry-names.js";
import { verdict, type ScriptCheck, type CheckContext } from "./script-check.js";
import { isResult, readInfo } from "./engine.js";

/** Missing and unexpected entries of `actual` against `expected`, both already normalized. */
export function compareSets(
  expected: readonly string[],
  actual: readonly string[],
): { missing: string[]; extra: string[] } {
  const a = new Set(actual);
  const e = new Set(expected);
  return { missing: [...e].filter((x) => !a.has(x)), extra: [...a].filter((x) => !e.has(x)) };
}

const show = (list: readonly string[]): string => (list.length === 0 ? "(none)" : list.join(", "));

/** A check comparing one list of `docker info` against its desired variable. */
function registryListCheck(spec: {
  id: string;
  title: string;
  variable: string;
  what: string;
  desired(ctx: CheckContext): readonly string[];
  normalize(s: string): string;
  pick(info: {
    registryMirrors: readonly string[];
    insecureRegistries: readonly string[];
  }): readonly string[];
}): ScriptCheck {
  return {
    id: spec.id,
    title: spec.title,
    chapter: "3",
    script: () => dockerInfo.probe,
    command: () => "docker info --format '{{json .RegistryConfig}}'",
    parse(result, ctx) {
      const info = readInfo(this, ctx, result);
      if (isResult(info)) return info;
      const expectedList = spec.desired(ctx).map(spec.normalize);
      const expected = show(expectedList);
      if (info.status !== "running")
        return verdict(this, ctx, result, "error", `cannot read ${spec.what}: the daemon does not answer`, {
          expected,
          hint: "see engine.info",
        });
      const actualList = spec.pick(info).map(spec.normalize);
      const actual = show(actualList);
      // install-engine leaves a key alone when its variable is empty, so verify does not judge it either.
      if (expectedList.length === 0)
        return verdict(
          this,
          ctx,
          result,
          "pass",
          `${spec.what}: ${actual} (not managed: ${spec.variable} is empty)`,
          {
            expected,
            actual,
          },
        );
      const { missing, extra } = compareSets(expectedList, actualList);
      if (missing.length === 0 && extra.length === 0)
        return verdict(this, ctx, result, "pass", `${spec.what}: ${actual}`, { expected, actual });
      const parts = [
        missing.length > 0 ? `missing ${missing.join(", ")}` : "",
        extra.length > 0 ? `not asked for ${extra.join(", ")}` : "",
      ].filter(Boolean);
      return verdict(this, ctx, result, "fail", `${spec.what} differ: ${parts.join("; ")}`, {
        expected,
        actual,
        hint: `run \`ops run install-engine\` to apply ${spec.variable} to /etc/docker/daemon.json (ops reloads the engine)`,
      });
    },
  };
}

export const registryMirrors = registryListCheck({
  id: "config.registry-mirrors",
  title: "registry mirrors as desired",
  variable: "registry_mirrors",
  what: "registry mirrors",
  desired: (ctx) => ctx.desired.registryMirrors,
  normalize: normalizeMirror,
  pick: (info) => info.registryMirrors,
});

export const insecureRegistries = registryListCheck({
  id: "config.insecure-registries",
  title: "insecure registries as desired",
  variable: "insecure_registries",
  what: "insecure registries",
  desired: (ctx) => ctx.desired.insecureRegistries,
  normalize: normalizeRegistry,
  pick: (info) => info.insecureRegistries,
});

export const configChecks: readonly ScriptCheck[] = [registryMirrors, insecureRegistries];
