/**
 * `-e` extra variables, in Ansible's three forms: `k=v` pairs (text, which takes the variable's
 * declared type when validated: see vars/coerce.ts), a JSON/YAML object, and `@file.yaml|.json`. Later `-e` wins over earlier, and every
 * `-e` wins over the inventory. Parsing is pure; only `loadExtraVars` reads files, through `read`
 * (by default the bounded readUserFile: `-e @/dev/zero` is refused, not read).
 * Every name is an own property (`-e __proto__=x` sets a variable, never a prototype).
 */
import { ConfigError } from "../errors.js";
import { READ_LIMITS, readUserFile } from "../fs/read-file.js";
import { parseYaml, type YamlSource } from "../text/yaml-source.js";
import type { VaultKeyring } from "../vault/keyring.js";
import { parseVaultedYaml } from "../vault/yaml.js";
import { assignOwn, setOwn } from "../text/own.js";
import type { VarSource } from "./validate.js";

export interface ExtraVars {
  vars: Record<string, unknown>;
  /** `{ file: "-e", path: name, extra: true }`, or the @file with the line. */
  sources: Record<string, VarSource>;
  /** Values that came out of a vault (an encrypted @file, `!vault` values in one). */
  secrets?: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const USAGE = 'use -e key=value, -e \'{"key": ["json"]}\' or -e @vars.yaml';

/** Splits `a=1 b="two words"` like a shell would: quotes group, backslash escapes. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i] ?? "";
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "\\" && i + 1 < text.length) word = (word ?? "") + (text[++i] ?? "");
    else word = (word ?? "") + c;
  }
  if (quote) throw new ConfigError(`-e '${text}': unclosed ${quote}`, { file: "-e" }, USAGE);
  if (word !== undefined) words.push(word);
  return words;
}

function checkName(name: string, where: VarSource): void {
  if (!NAME.test(name)) throw new ConfigError(`-e: '${name}' is not a valid variable name`, where, USAGE);
}

/**
 * One `-e` value that is not an @file: `k=v k2=v2` or a JSON/YAML object.
 *
 * @example parseExtraValue("docker_version=24.0.7 docker_remove_conflicts=true")
 * // { vars: { docker_version: "24.0.7", docker_remove_conflicts: "true" }, sources: {...} }
 */
export function parseExtraValue(text: string): ExtraVars {
  if (isStructured(text)) return extraFromObject(parseYaml(text.trim(), "-e").data, text);
  const out: ExtraVars = { vars: {}, sources: {} };
  for (const word of splitWords(text)) {
    const eq = word.indexOf("=");
    if (eq <= 0) throw new ConfigError(`-e '${word}': expected key=value`, { file: "-e" }, USAGE);
    const name = word.slice(0, eq);
    const where = { file: "-e", path: name, extra: true, text: true };
    checkName(name, where);
    setOwn(out.vars, name, word.slice(eq + 1));
    setOwn(out.sources, name, where);
  }
  return out;
}

/** A JSON/YAML object rather than `k=v` pairs: Ansible's test, the first character. */
const isStructured = (text: string): boolean => /^\s*[[{]/.test(text);

/** The variables of an inline JSON/YAML object (`-e '{"k": 1}'`). */
function extraFromObject(data: unknown, text: string): ExtraVars {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError(
      `-e '${text}' must be an object, got ${Array.isArray(data) ? "array" : "scalar"}`,
      { file: "-e" },
      USAGE,
    );
  }
  const out: ExtraVars = { vars: {}, sources: {} };
  for (const [k, v] of Object.entries(data)) {
    const where = { file: "-e", path: k, extra: true };
    checkName(k, where);
    setOwn(out.vars, k, v);
    setOwn(out.sources, k, where);
  }
  return out;
}

/**
 * The text of an `@file` (YAML or JSON) as extra vars with each one's line.
 *
 * @example parseExtraFile("registry_mirrors:\n  - https://m.example\n", "vars.yaml").sources.registry_mirrors.line === 1
 */
export function parseExtraFile(text: string, file: string): ExtraVars {
  return extraFromSource(parseYaml(text, file));
}

function extraFromSource(src: YamlSource): ExtraVars {
  const file = src.file;
  const out: ExtraVars = { vars: {}, sources: {} };
  if (src.data === null) return out;
  if (typeof src.data !== "object" || Array.isArray(src.data)) {
    throw new ConfigError("an -e @file must hold a mapping of variables", { file, line: src.lineOf([]) });
  }
  for (const [k, v] of Object.entries(src.data)) {
    const where = { file, path: k, line: src.lineOf([k]), extra: true };
    checkName(k, where);
    setOwn(out.vars, k, v);
    setOwn(out.sources, k, where);
  }
  return out;
}

/**
 * Every `-e` of the command line, merged in order (later wins). An @file may be vault-encrypted or
 * hold `!vault` values, and so may an inline object; they are opened with `vault`.
 *
 * @example await loadExtraVars(["docker_version=24.0.7", "@site.yaml"])
 */
export async function loadExtraVars(
  values: readonly string[],
  read: (file: string) => Promise<string> = (f) =>
    readUserFile(f, { what: "-e @file", maxBytes: READ_LIMITS.vars }),
  vault?: VaultKeyring,
): Promise<ExtraVars> {
  const out: ExtraVars = { vars: {}, sources: {} };
  const secrets: string[] = [];
  for (const value of values) {
    let part: ExtraVars;
    if (value.startsWith("@")) {
      const file = value.slice(1);
      const text = await read(file).catch((e: unknown) => {
        if (e instanceof ConfigError) throw e;
        throw new ConfigError(`-e @${file}: cannot read file (${(e as Error).message})`, { file });
      });
      const opened = await parseVaultedYaml(text, file, vault);
      secrets.push(...opened.secrets);
      part = extraFromSource(opened.src);
    } else if (isStructured(value)) {
      // Inline `!vault` values are opened as in a file: `-e '{"pw": !vault "$ANSIBLE_VAULT;1.1;…"}'`.
      const opened = await parseVaultedYaml(value.trim(), "-e", vault);
      secrets.push(...opened.secrets);
      part = extraFromObject(opened.src.data, value);
    } else part = parseExtraValue(value);
    assignOwn(out.vars, part.vars);
    assignOwn(out.sources, part.sources);
  }
  return secrets.length > 0 ? { ...out, secrets } : out;
}

/**
 * A host's variables with the extra vars on top (extra vars beat the inventory, as in Ansible).
 *
 * @example withExtraVars(host.vars, host.varSources, extra).vars.docker_version
 */
export function withExtraVars(
  vars: Record<string, unknown>,
  sources: Record<string, VarSource>,
  extra: ExtraVars,
): { vars: Record<string, unknown>; sources: Record<string, VarSource> } {
  return { vars: { ...vars, ...extra.vars }, sources: { ...sources, ...extra.sources } };
}
