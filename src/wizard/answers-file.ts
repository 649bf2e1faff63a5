/**
 * `ops init --answers answers.yaml`: the file is checked against the answers schema first (every
 * problem at once, each naming the file, the dot-path and the line), then answers the questions
 * the steps ask, with the same validation a person's answer gets.
 */
import { READ_LIMITS, readUserFileSync } from "../fs/read-file.js";
import { ConfigError, ConfigErrors, InternalError } from "../errors.js";
import { parseYaml, type YamlPath, type YamlSource } from "../text/yaml-source.js";
import { createAjv, explainAjvErrors } from "../schema/ajv.js";
import type { Ask, Choice, Validate } from "./ask.js";
import { answerIds, answersSchema } from "./answers-schema.js";

/** A validated answers file. */
export interface Answers {
  source: YamlSource;
  /** Looks up a question's answer by id; undefined when the file leaves it out. */
  get(id: string): unknown;
  /** The file and line of a question's answer (or of the nearest part of the file that exists). */
  where(id: string, index?: number): { file: string; line: number; path: string };
  /** Old answer names the file used, each with the new name and its line: said once, before any question. */
  warnings: string[];
}

/** Answer groups renamed since: the old name is read as the new one, with a warning. */
const RENAMED: Readonly<Record<string, string>> = { yum_repo: "docker_repo" };

const validate = createAjv({ ownSchemas: true }).compile(answersSchema);
const KNOWN_IDS = new Set(answerIds());

/**
 * Parses and checks an answers file's text. Pure.
 *
 * @example parseAnswers("ssh:\n  user: root\n", "answers.yaml").get("ssh.user") === "root"
 */
export function parseAnswers(text: string, file: string): Answers {
  // `run: { yes: true }`: the key is the answer's name, never YAML 1.1's boolean.
  const source = parseYaml(text, file, { stringKeys: true });
  const data = source.data ?? {};
  if (!validate(data)) {
    const errors = explainAjvErrors(validate.errors).map(
      (p) =>
        new ConfigError(
          `${p.segments.join(".") || "the file"} ${p.problem}`,
          {
            file,
            path: p.segments.join("."),
            // ajv names list items by their index as text; the YAML walk needs a number there.
            line: source.lineOf(p.segments.map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg))),
          },
          p.hint,
        ),
    );
    throw errors.length === 1 && errors[0] ? errors[0] : new ConfigErrors(errors);
  }
  const record = data as Record<string, unknown>;
  const warnings: string[] = [];
  const renamed = new Map<string, string>();
  for (const [old, now] of Object.entries(RENAMED)) {
    if (!Object.hasOwn(record, old)) continue;
    const at = { file, path: old, line: source.lineOf([old]) };
    if (Object.hasOwn(record, now))
      throw new ConfigError(`${old} and ${now} are the same answers: keep ${now} only`, at);
    renamed.set(now, old);
    warnings.push(
      `${file}:${at.line}: ${old} is now called ${now}; read as ${now} (rename it to silence this)`,
    );
  }
  // "docker_repo.choice" is read from "yum_repo.choice" in a file that still uses the old name.
  const segments = (id: string): YamlPath => {
    const [head = "", ...rest] = id.split(".");
    return [renamed.get(head) ?? head, ...rest];
  };
  return {
    source,
    warnings,
    get(id) {
      let node: unknown = data;
      for (const key of segments(id)) {
        if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
        node = (node as Record<string, unknown>)[key];
      }
      return node;
    },
    where(id, index) {
      const path = index === undefined ? segments(id) : [...segments(id), index];
      return { file, line: source.lineOf(path), path: path.join(".") };
    },
  };
}

/**
 * Reads and checks an answers file; a missing file, or anything but a regular file of sane size, is
 * a ConfigError naming it.
 */
export async function loadAnswers(file: string): Promise<Answers> {
  const text = readUserFileSync(file, {
    what: "answers file",
    maxBytes: READ_LIMITS.vars,
    missingHint: "give --answers the path of a YAML file",
  });
  return parseAnswers(text, file);
}

export interface FileAskOptions {
  /** Environment for `*_env` answers (secrets kept out of the file). */
  env: Readonly<Record<string, string | undefined>>;
  /** Each question and the answer the file gave, so a log shows what was decided. */
  log: (line: string) => void;
}

/**
 * Answers questions from a file: a question the file leaves out takes its default (a question with
 * no default is an error naming the file); a wrong answer is an error at its line.
 *
 * @example const ask = fileAsk(await loadAnswers("answers.yaml"), { env: process.env, log: console.log });
 */
export function fileAsk(answers: Answers, options: FileAskOptions): Ask {
  const { file } = answers.source;
  for (const w of answers.warnings) options.log(`⚠ ${w}`);
  const known = (id: string): void => {
    if (!KNOWN_IDS.has(id)) throw new InternalError(`question ${id} is not in the answers schema`);
  };
  const fail = (id: string, message: string, hint?: string, index?: number): never => {
    const at = answers.where(id, index);
    throw new ConfigError(message, at, hint);
  };
  const say = (message: string, shown: string, given: boolean) =>
    options.log(`✔ ${message} ${shown}${given ? "" : "  (default)"}`);
  const check = (id: string, value: string, v: Validate | undefined, index?: number): void => {
    const verdict = v ? v(value) : true;
    if (verdict !== true) fail(id, `${id}: ${verdict}`, undefined, index);
  };
  const asString = (id: string): string | undefined => {
    const v = answers.get(id);
    return v === undefined || v === null ? undefined : String(v);
  };

  return {
    interactive: false,
    async text(id, q) {
      known(id);
      const given = asString(id);
      const value = given ?? q.default;
      if (value === undefined) return fail(id, `${id} is needed: ${q.message}`);
      check(id, value, q.validate);
      say(q.message, value, given !== undefined);
      return value;
    },
    async secret(id, q) {
      known(id);
      known(`${id}_env`);
      const envName = asString(`${id}_env`);
      if (envName !== undefined) {
        const value = options.env[envName];
        if (value === undefined || value === "") {
          return fail(`${id}_env`, `${id}_env: the environment variable ${envName} is not set`);
        }
        options.log(`✔ ${q.message} (from $${envName})`);
        return value;
      }
      const value = asString(id);
      if (value === undefined) {
        return fail(
          id,
          `${id} is needed: ${q.message}`,
          `set ${id}_env to the name of an environment variable holding it`,
        );
      }
      options.log(`✔ ${q.message} (from ${file})`);
      return value;
    },
    async yesNo(id, q) {
      known(id);
      const given = answers.get(id);
      const value = typeof given === "boolean" ? given : q.default;
      say(q.message, value ? "yes" : "no", typeof given === "boolean");
      return value;
    },
    async choose<T extends string>(
      id: string,
      q: { message: string; choices: readonly Choice<T>[]; default?: T },
    ) {
      known(id);
      const given = asString(id);
      const value = given ?? q.default;
      if (value === undefined) return fail(id, `${id} is needed: ${q.message}`);
      const choice = q.choices.find((c) => c.value === value);
      const open = q.choices.filter((c) => c.disabled === undefined).map((c) => c.value);
      if (!choice) return fail(id, `${id}: "${value}" is not one of ${open.join(", ")}`);
      if (choice.disabled !== undefined)
        return fail(id, `${id}: "${value}" cannot be chosen: ${choice.disabled}`);
      say(q.message, choice.short ?? choice.name, given !== undefined);
      return choice.value;
    },
    async chooseOrType(id, q) {
      known(id);
      const raw = asString(id);
      const keyword = raw === undefined ? undefined : q.keywords?.[raw];
      if (typeof keyword === "object") return fail(id, `${id}: ${raw ?? ""}: ${keyword.unavailable}`);
      const given = keyword ?? raw;
      const value = given ?? q.default;
      if (value === undefined) return fail(id, `${id} is needed: ${q.message}`);
      const choice = q.choices.find((c) => c.value === value);
      if (choice?.disabled !== undefined)
        return fail(id, `${id}: "${value}" cannot be chosen: ${choice.disabled}`);
      if (!choice) check(id, value, q.other.validate);
      say(q.message, choice?.short ?? choice?.name ?? value, given !== undefined);
      return value;
    },
    async chooseMany<T extends string>(
      id: string,
      q: {
        message: string;
        choices: readonly (Choice<T> & { checked?: boolean })[];
        keywords?: Readonly<Record<string, readonly T[]>>;
      },
    ) {
      known(id);
      const given = answers.get(id);
      const open = q.choices.filter((c) => c.disabled === undefined);
      const keyword = typeof given === "string" && q.keywords ? q.keywords[given] : undefined;
      let values: T[];
      if (given === undefined) values = open.filter((c) => c.checked).map((c) => c.value);
      else if (keyword !== undefined) values = [...keyword];
      else if (Array.isArray(given)) {
        values = given.map((raw, index) => {
          const choice = open.find((c) => c.value === String(raw));
          if (!choice) {
            const list = open.map((c) => c.value).join(", ") || "none";
            return fail(
              id,
              `${id}[${index}]: "${String(raw)}" is not one of the choices (${list})`,
              undefined,
              index,
            );
          }
          return choice.value;
        });
      } else {
        const words = Object.keys(q.keywords ?? {});
        return fail(id, `${id} must be a list${words.length ? ` or one of ${words.join(", ")}` : ""}`);
      }
      const names = q.choices.filter((c) => values.includes(c.value)).map((c) => c.short ?? c.name);
      say(q.message, names.join(", ") || "none", given !== undefined);
      return values;
    },
    async lines(id, q) {
      known(id);
      const given = answers.get(id);
      if (given === undefined && q.optional) return [];
      if (!Array.isArray(given) || given.length === 0) return fail(id, `${id} is needed: ${q.message}`);
      const values = given.map(String);
      values.forEach((value, index) => check(id, value, q.validate, index));
      say(q.message, values.join(", ") || "none", true);
      return values;
    },
  };
}
