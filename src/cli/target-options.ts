/**
 * The options every command that works on hosts shares (run, verify): which inventory, which
 * hosts, extra variables, parallelism and host key policy. One definition, so they read the same.
 */
import { type Command, InvalidArgumentError } from "commander";
import { collect } from "./collect.js";
import { withVaultOptions, type VaultCliOptions } from "./vault-options.js";

export interface TargetCliOptions extends VaultCliOptions {
  inventory: string;
  limit?: string;
  extraVars: string[];
  forks: number;
  acceptNewHostKeys: boolean;
  knownHosts?: string;
}

/** The most hosts worked on at once: beyond this, file descriptors and memory run out first. */
export const MAX_FORKS = 1000;

/**
 * Commander parser for `--forks`: plain decimal digits only, from 1 to MAX_FORKS. `Number()` would
 * also take `1e3`, `0x10`, `" 5"`, `5.0` and `+5`; none of them is what a user types on purpose.
 *
 * @example parseIntOption("20") === 20; parseIntOption("0x10") // throws InvalidArgumentError
 */
export function parseIntOption(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_FORKS)) {
    throw new InvalidArgumentError(`it must be a whole number from 1 to ${MAX_FORKS} (digits only).`);
  }
  return n;
}

/** Commander parser for a whole number of at least 0 (seconds, counts). */
export function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("it must be a whole number.");
  return n;
}

/** Commander parser for a duration in seconds above 0, decimals allowed (`--timeout 0.5`). */
export function parseSeconds(value: string): number {
  const n = /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : NaN;
  if (!(n > 0 && n <= 86_400))
    throw new InvalidArgumentError("it must be a number of seconds above 0, at most 86400.");
  return n;
}

/** Commander parser for a count of at least 1 (`--max-pages`, `--max-bytes`). */
export function parsePositive(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && Number.isSafeInteger(n)))
    throw new InvalidArgumentError("it must be a whole number of at least 1.");
  return n;
}

/** `requireInventory` false: the command also works without one (`ops check --list`) and checks it itself. */
export function withTargetOptions(command: Command, forksHelp: string, requireInventory = true): Command {
  const inventory = "-i, --inventory <file>";
  const inventoryHelp = "Ansible-format YAML inventory";
  return withVaultOptions(
    (requireInventory
      ? command.requiredOption(inventory, inventoryHelp)
      : command.option(inventory, inventoryHelp)
    )
      .option(
        "-l, --limit <pattern>",
        "hosts or groups: names, globs, a:b unions, &intersections, !exclusions",
      )
      .option(
        "-e, --extra-vars <vars>",
        "k=v, a JSON object, or @file.yaml (repeatable; later wins)",
        collect,
        [],
      )
      .option("-f, --forks <n>", forksHelp, parseIntOption, 50)
      .option(
        "--accept-new-host-keys",
        "trust and record host keys not yet in known_hosts (changed keys are still refused)",
        false,
      )
      .option(
        "--known-hosts <file>",
        "known_hosts file to check host keys against (default: inventory, else ~/.ssh/known_hosts)",
      ),
  );
}
