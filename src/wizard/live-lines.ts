/**
 * One line per host that updates while work runs: redrawn in place on a terminal (log-update), or,
 * for a log or a pipe, printed once per host when its line is final.
 */
import { createLogUpdate } from "log-update";
import { printable } from "../report/printable.js";

export interface LiveLines {
  /** Sets a host's line; `final` marks the last update of this round. */
  set(key: string, text: string, final?: boolean): void;
  /** Stops redrawing and leaves the lines on screen as they are. */
  done(): void;
}

export interface LiveOutput {
  write(text: string): void;
  /** Only a terminal gets lines redrawn in place. */
  stream?: NodeJS.WriteStream | undefined;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * @example const live = liveLines({ write, stream: process.stdout }, ["10.0.0.5", "10.0.0.6"]);
 *          live.set("10.0.0.5", "connecting"); live.set("10.0.0.5", "✔ el9-1 ...", true); live.done();
 */
export function liveLines(out: LiveOutput, keys: readonly string[]): LiveLines {
  const width = Math.max(0, ...keys.map((k) => k.length));
  const lines = new Map<string, { text: string; final: boolean }>(
    keys.map((k) => [k, { text: "waiting", final: false }]),
  );
  const row = (key: string, frame: string) => {
    const line = lines.get(key);
    const mark = line?.final ? " " : frame;
    // What a host printed (its name, its OS) is shown, never obeyed as terminal control.
    return `${mark} ${key.padEnd(width)}  ${printable(line?.text ?? "")}`;
  };
  if (!out.stream?.isTTY) {
    return {
      set(key, text, final = false) {
        lines.set(key, { text, final });
        if (final) out.write(`${row(key, " ")}\n`);
      },
      done: () => undefined,
    };
  }
  const render = createLogUpdate(out.stream);
  let frame = 0;
  const draw = () => render(keys.map((k) => row(k, FRAMES[frame % FRAMES.length] ?? "")).join("\n"));
  const timer = setInterval(() => {
    frame += 1;
    draw();
  }, 120);
  timer.unref();
  draw();
  return {
    set(key, text, final = false) {
      lines.set(key, { text, final });
      draw();
    },
    done() {
      clearInterval(timer);
      draw();
      render.done();
    },
  };
}
