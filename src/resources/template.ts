/** A file rendered from templates/<name> with ejs, then converged like `file`. */
import type { FactSet } from "../facts/fact.js";
import { file, type FileOptions } from "./file.js";
import { renderTemplate, type TemplateVars } from "./render.js";
import type { Resource } from "./resource.js";

export interface TemplateOptions extends Omit<FileOptions, "content"> {
  /** Relative to templates/, e.g. "yum/docker-ce.repo.ejs". */
  readonly template: string;
  /** The template's variables, or a function of the host's facts (list those facts in `facts`). */
  readonly vars: TemplateVars | ((facts: FactSet) => TemplateVars);
  /** Where templates live; default the templates/ folder that ships with ops. */
  readonly templatesDir?: string;
}

/**
 * Plan throws TemplateError (template file and line) when the template uses a variable not given.
 *
 * @example
 * template({ path: "/etc/yum.repos.d/docker-ce.repo", template: "yum/docker-ce.repo.ejs",
 *   vars: (f) => ({ repoUrl, major: f.get(osRelease).major, gpgKeyPath }), facts: [osRelease], mode: "0644" })
 */
export function template(o: TemplateOptions): Resource {
  const { template: name, vars, templatesDir, ...rest } = o;
  const inner = file({
    ...rest,
    content: (facts) => {
      const values = typeof vars === "function" ? vars(facts) : vars;
      return templatesDir === undefined
        ? renderTemplate(name, values)
        : renderTemplate(name, values, templatesDir);
    },
  });
  return { ...inner, id: `template:${o.path}` };
}
