/**
 * Which of some commands the host has on its PATH (`command -v`), in the order asked: how a host's
 * package manager is found (dnf, yum, apt-get) without guessing it from the distribution's name.
 */
import { FactError } from "../errors.js";
import { sh } from "../transport/quote.js";
import type { Fact } from "./fact.js";
import { lines } from "./text.js";

const COMMAND = /^[A-Za-z0-9._+-]+$/;

/** Parses `present NAME` lines: the names asked for that the host has, in the order asked. */
export function parseCommandsPresent(name: string, asked: readonly string[], stdout: string): string[] {
  const found = new Set<string>();
  for (const line of lines(stdout)) {
    const m = /^present (\S+)$/.exec(line.trim());
    if (!m?.[1] || !asked.includes(m[1])) throw new FactError(name, `unexpected line "${line.slice(0, 80)}"`);
    found.add(m[1]);
  }
  return asked.filter((c) => found.has(c));
}

/**
 * @example facts.get(commandsPresent(["dnf", "yum", "apt-get"])) // ["dnf", "yum"]
 */
export function commandsPresent(commands: readonly string[]): Fact<string[]> {
  const bad = commands.find((c) => !COMMAND.test(c));
  if (bad !== undefined || commands.length === 0)
    throw new FactError("commands", `"${bad ?? ""}" is not a command name`);
  const name = `commands:${commands.join(",")}`;
  return {
    name,
    probe: `for c in ${sh([...commands])}; do command -v "$c" >/dev/null 2>&1 && echo "present $c"; done; exit 0`,
    parse: (stdout) => parseCommandsPresent(name, commands, stdout),
  };
}
