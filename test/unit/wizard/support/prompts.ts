/**
 * Real inquirer prompts, rendered by @inquirer/testing and answered by a script of keys: the
 * wizard's code runs unchanged, each prompt's screen is checked, and validation really runs.
 */
import { strict as assert } from "node:assert";
import * as real from "@inquirer/prompts";
import { render } from "@inquirer/testing";
import type { Prompts } from "../../../../src/wizard/ask.js";

/** Typed text, a named key (`enter`, `down`, `space`, `a`, `backspace`), or a wait for the screen to show something. */
export type Key = { type: string } | { key: string; ctrl?: boolean } | { wait: RegExp };

export interface Step {
  /** The prompt's first screen must match (its message, say). */
  expect: RegExp;
  keys: Key[];
}

export const type = (text: string): Key => ({ type: text });
export const key = (name: string): Key => ({ key: name });
export const enter: Key = { key: "enter" };
export const down: Key = { key: "down" };
export const space: Key = { key: "space" };
export const ctrlC: Key = { key: "c", ctrl: true };
export const wait = (screen: RegExp): Key => ({ wait: screen });

/** Shorthands: type a line and press Enter; press Enter on the default. */
export const answer = (expect: RegExp, text: string): Step => ({ expect, keys: [type(text), enter] });
export const accept = (expect: RegExp): Step => ({ expect, keys: [enter] });

export interface Scripted {
  prompts: Prompts;
  /** The first screen of every prompt shown, in order. */
  screens: string[];
  /** Fails when steps were left unanswered. */
  done(): void;
}

/**
 * @example const s = scriptedPrompts([answer(/SSH user/, "root")]);
 *          await terminalAsk(s.prompts).text("ssh.user", { message: "SSH user" }); s.done();
 */
export function scriptedPrompts(steps: Step[]): Scripted {
  const queue = [...steps];
  const screens: string[] = [];
  /** Any inquirer prompt: its config and answer types are the wizard's business, checked in src/. */
  type AnyPrompt = (config: never, ctx?: never) => Promise<unknown>;
  const drive = async (prompt: AnyPrompt, config: unknown): Promise<unknown> => {
    const r = await render(prompt as never, config as never);
    const screen = r.getScreen();
    screens.push(screen);
    const step = queue.shift();
    if (!step) throw new Error(`a prompt nobody expected:\n${screen}`);
    assert.match(screen, step.expect, `prompt #${screens.length} shows:\n${screen}`);
    for (const k of step.keys) {
      if ("type" in k) r.events.type(k.type);
      else if ("key" in k) r.events.keypress({ name: k.key, ...(k.ctrl ? { ctrl: true } : {}) });
      else {
        await r.nextRender();
        assert.match(r.getScreen(), k.wait);
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the prompt did not answer; its screen:\n${r.getScreen()}`)),
        2000,
      );
    });
    try {
      return await Promise.race([r.answer as Promise<unknown>, stuck]);
    } finally {
      clearTimeout(timer);
    }
  };
  const prompts = {
    input: (config: unknown) => drive(real.input, config),
    password: (config: unknown) => drive(real.password, config),
    confirm: (config: unknown) => drive(real.confirm, config),
    select: (config: unknown) => drive(real.select, config),
    checkbox: (config: unknown) => drive(real.checkbox, config),
  } as unknown as Prompts;
  return {
    prompts,
    screens,
    done: () =>
      assert.equal(queue.length, 0, `unanswered prompts: ${queue.map((s) => String(s.expect)).join(", ")}`),
  };
}
