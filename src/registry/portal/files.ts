/**
 * The portal's files on the registry host, rendered on the control machine like every other file of
 * the stack: the page (index.html), its script (dist/portal/portal.js, which `npm run build` bundles
 * from client/ with esbuild: nothing is built on the registry host), its stylesheet, one "who am I"
 * JSON per account (me.ts, in `portal-me/`, which only nginx's internal server reads) and nginx's
 * portal config. All under `<dir>/nginx/portal*`, which nginx
 * already mounts read-only, and applied by an nginx reload. With the portal off, the two nginx
 * includes are rendered empty so `/` answers 404 again.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TemplateError } from "../../errors.js";
import { PROJECT_ROOT } from "../../paths.js";
import { sha256 } from "../../resources/diff.js";
import { renderTemplate } from "../../resources/render.js";
import type { RegistryModel } from "../model.js";
import { meFiles } from "./me.js";

/** The built script; `npm run build` makes it. */
export const PORTAL_BUNDLE = join(PROJECT_ROOT, "dist", "portal", "portal.js");

/** A file of the stack (StackFile's shape, kept here to avoid an import cycle with stack.ts). */
export interface PortalFile {
  readonly path: string;
  readonly content: string;
  readonly mode: string;
  readonly notify?: readonly string[];
}

/**
 * The Content-Security-Policy of every portal answer: scripts, styles and requests from this origin
 * only, no inline script or style, no plugins, no frames, forms only to this origin.
 */
export const PORTAL_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function bundle(): string {
  if (!existsSync(PORTAL_BUNDLE))
    throw new TemplateError(
      "registry/portal",
      `${PORTAL_BUNDLE} is missing: the portal's script is built by \`npm run build\``,
    );
  return readFileSync(PORTAL_BUNDLE, "utf8");
}

/**
 * @example portalFiles("/opt/ops-registry", model, { enabled: true, policy: "policy:9000" }, ["registry-nginx-reload"]).map((f) => f.path)
 */
export function portalFiles(
  dir: string,
  model: RegistryModel,
  options: { readonly enabled: boolean; readonly policy: string },
  reload: readonly string[],
): PortalFile[] {
  const { enabled, policy } = options;
  const n = `${dir}/nginx`;
  const conf = (name: string, vars: Record<string, unknown>): PortalFile => ({
    path: `${n}/${name}`,
    content: renderTemplate(`registry/portal/${name}.ejs`, { enabled, ...vars }),
    mode: "0644",
    notify: reload,
  });
  const me = enabled ? meFiles(model) : [];
  const files = [
    conf("portal-http.conf", {
      policy,
      users: me.flatMap((f) => (f.account === undefined ? [] : [[f.account, f.key]])),
    }),
    conf("portal-server.conf", { csp: PORTAL_CSP }),
  ];
  if (!enabled) return files;
  const js = bundle();
  const css = renderTemplate("registry/portal/portal.css", {});
  const hash = (s: string): string => sha256(s).slice(0, 12);
  const asset = (name: string, content: string): PortalFile => ({
    path: `${n}/portal/${name}`,
    content,
    mode: "0644",
  });
  return [
    ...files,
    asset(
      "index.html",
      renderTemplate("registry/portal/index.html.ejs", { jsHash: hash(js), cssHash: hash(css) }),
    ),
    asset("portal.js", js),
    asset("portal.css", css),
    ...me.map((f) => ({ path: `${n}/portal-me/${f.key}.json`, content: f.json, mode: "0644" })),
  ];
}
