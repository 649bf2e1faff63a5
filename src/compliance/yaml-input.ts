/**
 * A policy or waivers file: read, parsed as YAML with line numbers, dates turned into text, and
 * validated against its published JSON Schema with every error naming the file, the dot-path and
 * the line. Pure apart from the read.
 */
import { parse } from "yaml";
import { ConfigError, ConfigErrors } from "../errors.js";
import { dotPath, parseYaml, type YamlPath, type YamlSource } from "../text/yaml-source.js";
import { explainAjvErrors, type Validator } from "../schema/ajv.js";
import { readUserFileSync } from "../fs/read-file.js";

/** A ConfigError at a path of a parsed file, with the line the path sits on. */
export function errorAt(src: YamlSource, path: YamlPath, message: string, hint?: string): ConfigError {
  const at = path.length > 0 ? { path: dotPath(path) } : {};
  return new ConfigError(message, { file: src.file, ...at, line: src.lineOf(path) }, hint);
}

/**
 * Reads and validates one file; throws every schema problem at once (ConfigErrors), so nothing
 * is used from a file that is not entirely sound.
 *
 * @example const src = loadYamlInput("policy.yaml", "policy file", validatePolicy);
 */
export function loadYamlInput(file: string, what: string, validate: Validator): YamlSource {
  const text = readUserFileSync(file, { what });
  // parseYaml reports malformed YAML at its line and knows where each key sits. Its data is YAML
  // 1.1 (Ansible's), where `2026-02-30` is a timestamp that silently becomes March 2nd: these are
  // ops's own formats, so the data is read as YAML 1.2, where a date stays the text written.
  const parsed = parseYaml(text, file);
  const src: YamlSource = { ...parsed, data: parse(text, { version: "1.2" }) as unknown };
  if (validate(src.data)) return src;
  const errors = explainAjvErrors(validate.errors)
    .map((p) => {
      const last = p.segments[p.segments.length - 1];
      const subject =
        last === undefined ? `the ${what}` : /^\d+$/.test(last) ? `item ${Number(last) + 1}` : last;
      // ajv's paths hold indexes as text; the line lookup walks sequences by number.
      const path = p.segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      return errorAt(src, path, `${subject} ${p.problem}`, p.hint);
    })
    .sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
  throw errors.length === 1 && errors[0] ? errors[0] : new ConfigErrors(errors);
}
