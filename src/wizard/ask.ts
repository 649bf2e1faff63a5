/**
 * The wizard's questions, asked the same way whoever answers: a person at a terminal (inquirer's
 * prompts, passed in so tests drive real prompts through @inquirer/testing) or an answers file
 * (answers-file.ts). Each question has an id, its dot-path in the answers file, so every step is
 * written once and works with both.
 */
import type { checkbox, confirm, input, password, select } from "@inquirer/prompts";

/** The prompt functions the wizard uses: @inquirer/prompts in production, rendered fakes in tests. */
export interface Prompts {
  input: typeof input;
  password: typeof password;
  confirm: typeof confirm;
  select: typeof select;
  checkbox: typeof checkbox;
}

/** What a prompt returns when the answer is wrong: true when it is fine, else the reason. */
export type Validate = (value: string) => true | string;

export interface Choice<T extends string> {
  value: T;
  /** What the person reads. */
  name: string;
  /** A line shown under the list while this choice is highlighted. */
  description?: string;
  /** What the answered prompt shows (default: the name). */
  short?: string;
  /** Why it cannot be chosen now (shown beside it); absent when it can. */
  disabled?: string;
}

export interface Ask {
  /** True when a person answers: only then are live progress lines redrawn in place. */
  readonly interactive: boolean;
  text(id: string, q: { message: string; default?: string; validate?: Validate }): Promise<string>;
  /** A password: never echoed, never printed, never written. */
  secret(id: string, q: { message: string }): Promise<string>;
  yesNo(id: string, q: { message: string; default: boolean }): Promise<boolean>;
  choose<T extends string>(
    id: string,
    q: { message: string; choices: readonly Choice<T>[]; default?: T },
  ): Promise<T>;
  /** One of the choices, or a value typed in (an answers file gives either). */
  chooseOrType(
    id: string,
    q: {
      message: string;
      choices: readonly Choice<string>[];
      default?: string;
      other: { name: string; message: string; validate: Validate };
      /** Words an answers file may give instead (`fastest`): the value each stands for, or why there is none. */
      keywords?: Readonly<Record<string, string | { unavailable: string }>>;
    },
  ): Promise<string>;
  /**
   * Several of the choices. `keywords` are words an answers file may give instead of a list
   * (`accept-new`, `none`), each standing for some of the choices.
   */
  chooseMany<T extends string>(
    id: string,
    q: {
      message: string;
      choices: readonly (Choice<T> & { checked?: boolean })[];
      keywords?: Readonly<Record<string, readonly T[]>>;
    },
  ): Promise<T[]>;
  /**
   * Entries one per line until an empty line (a list in an answers file); each is validated.
   * Unless `optional`, at least one is needed.
   */
  lines(id: string, q: { message: string; validate: Validate; optional?: boolean }): Promise<string[]>;
}

/** Where prompts read and write, and the signal that cancels the one on screen. */
export interface PromptContext {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

/**
 * Questions asked at a terminal. Inquirer handles Ctrl-C itself: the prompt rejects with an
 * `ExitPromptError`, which the CLI turns into exit 130 (nothing has been written by then).
 *
 * @example const ask = terminalAsk(await import("@inquirer/prompts"));
 *          const user = await ask.text("ssh.user", { message: "SSH user", default: "root" });
 */
export function terminalAsk(prompts: Prompts, context: PromptContext = {}): Ask {
  const ctx = { ...context, clearPromptOnDone: false };
  return {
    interactive: true,
    text: (_id, q) =>
      prompts.input(
        {
          message: q.message,
          ...(q.default !== undefined ? { default: q.default } : {}),
          ...(q.validate ? { validate: q.validate } : {}),
        },
        ctx,
      ),
    secret: (_id, q) =>
      prompts.password({ message: q.message, mask: "*", validate: (v) => v !== "" || "type it" }, ctx),
    yesNo: (_id, q) => prompts.confirm({ message: q.message, default: q.default }, ctx),
    choose: <T extends string>(
      _id: string,
      q: { message: string; choices: readonly Choice<T>[]; default?: T },
    ) =>
      prompts.select<T>(
        {
          message: q.message,
          choices: q.choices.map((c) => ({
            value: c.value,
            name: c.name,
            ...(c.short !== undefined ? { short: c.short } : {}),
            ...(c.description !== undefined ? { description: c.description } : {}),
            ...(c.disabled !== undefined ? { disabled: c.disabled } : {}),
          })),
          ...(q.default !== undefined ? { default: q.default } : {}),
          pageSize: 12,
        },
        ctx,
      ),
    async chooseOrType(_id, q) {
      const OTHER = "\u0000other";
      const picked = await prompts.select<string>(
        {
          message: q.message,
          choices: [...q.choices, { value: OTHER, name: q.other.name }].map((c) => ({
            value: c.value,
            name: c.name,
            ...("short" in c && c.short !== undefined ? { short: c.short } : {}),
            ...("description" in c && c.description !== undefined ? { description: c.description } : {}),
            ...("disabled" in c && c.disabled !== undefined ? { disabled: c.disabled } : {}),
          })),
          ...(q.default !== undefined ? { default: q.default } : {}),
          pageSize: 12,
        },
        ctx,
      );
      if (picked !== OTHER) return picked;
      return prompts.input({ message: q.other.message, validate: q.other.validate }, ctx);
    },
    chooseMany: <T extends string>(
      _id: string,
      q: { message: string; choices: readonly (Choice<T> & { checked?: boolean })[] },
    ) =>
      prompts.checkbox<T>(
        {
          message: q.message,
          choices: q.choices.map((c) => ({
            value: c.value,
            name: c.name,
            ...(c.short !== undefined ? { short: c.short } : {}),
            checked: c.checked ?? false,
            ...(c.description !== undefined ? { description: c.description } : {}),
            ...(c.disabled !== undefined ? { disabled: c.disabled } : {}),
          })),
          pageSize: 12,
        },
        ctx,
      ),
    async lines(_id, q) {
      const out: string[] = [];
      for (;;) {
        const first = out.length === 0;
        const value = await prompts.input(
          {
            message: first ? q.message : "  more (Enter when done)",
            validate: (v) => {
              if (v.trim() === "") return first && !q.optional ? "at least one is needed" : true;
              return q.validate(v.trim());
            },
          },
          ctx,
        );
        if (value.trim() === "") return out;
        out.push(value.trim());
      }
    },
  };
}
