/**
 * Renders templates/<name> with ejs, locally. Strict: a variable the template uses but the caller
 * did not give is a TemplateError naming the template file and line; a variable given as
 * `undefined` is one too. Output is not HTML-escaped: these are config files, not web pages.
 */
import { TEMPLATES_DIR } from "../paths.js";
import ejs from "ejs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TemplateError } from "../errors.js";

/** The templates folder that ships with ops. */
export { TEMPLATES_DIR };

export type TemplateVars = Readonly<Record<string, unknown>>;

/** The `name:LINE` ejs puts at the start of a runtime error's message. */
function lineOf(message: string): number | undefined {
  const m = /^[^\n]*:(\d+)\n/.exec(message);
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

/** The last line of an ejs error message: the JavaScript error itself, without the code excerpt. */
function reasonOf(message: string): string {
  const parts = message.split("\n\n");
  return (parts.length > 1 ? parts[parts.length - 1] : parts[0])?.split("\n")[0] ?? message;
}

/**
 * Renders a template source; `name` is only for messages.
 *
 * @example renderTemplateSource("x=<%= x %>\n", { x: 1 }, "t.ejs") === "x=1\n"
 */
export function renderTemplateSource(
  source: string,
  vars: TemplateVars,
  name: string,
  filename?: string,
): string {
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) throw new TemplateError(name, `${name}: variable "${key}" is undefined`);
  }
  try {
    return ejs.render(source, { ...vars }, { filename: filename ?? name, escape: (s: unknown) => String(s) });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const line = lineOf(message);
    const where = line !== undefined ? `${name}:${line}` : name;
    throw new TemplateError(name, `${where}: ${reasonOf(message)}`, line);
  }
}

/**
 * Reads templates/<name> and renders it.
 *
 * @example renderTemplate("yum/docker-ce.repo.ejs", { repoUrl, major: 9, gpgKeyPath })
 */
export function renderTemplate(name: string, vars: TemplateVars, dir: string = TEMPLATES_DIR): string {
  const filename = join(dir, name);
  let source: string;
  try {
    source = readFileSync(filename, "utf8");
  } catch {
    throw new TemplateError(name, `template ${name} not found in ${dir}`);
  }
  return renderTemplateSource(source, vars, name, filename);
}
