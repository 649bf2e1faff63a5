/**
 * `ops` command line: argv -> commands. Each command's code is imported when it runs, so `--help`
 * and `--version` stay instant and a run loads only what it uses.
 * This is the only place that decides exit codes (through the returned number; bin/ops.js sets
 * process.exitCode).
 */
import { Command, CommanderError, Option } from "commander";
import { VERSION } from "../paths.js";
import { collect } from "./collect.js";
import { type TargetCliOptions, withTargetOptions } from "./target-options.js";
import { describeError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import { addRegistryCommands } from "./registry-command.js";
import { VERIFY_HELP } from "../verify/help.js";
import type { VerifyCliOptions } from "./verify-command.js";

const EXIT_HELP = `
Exit codes:
  0  every host ok or converged
  1  usage or configuration error (nothing ran)
  2  a host failed or was unreachable (the others still ran)
  3  drift: --check found changes to make
  130  interrupted (Ctrl-C): hosts finished their current step and released their locks
`;

/** Builds the program; `out`/`err` are injectable so tests read what a user would see. */
export function buildProgram(result: { code: number }): Command {
  const program = new Command("ops")
    .description("Idempotent playbooks over SSH for Docker hosts on CentOS/RHEL-family systems.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError()
    .addHelpText("after", EXIT_HELP)
    .exitOverride();

  withTargetOptions(program.command("run"), "hosts worked on at once")
    .description("run a playbook against the hosts of an inventory")
    .argument(
      "<playbook>",
      "a built-in playbook name (see `ops playbooks`) or the path of a .ts/.js playbook",
    )
    .option("-C, --check", "plan and report what would change; change nothing", false)
    .option("-D, --diff", "show file diffs and daemon.json key changes", false)
    .addOption(
      new Option("-o, --output <format>", "output format").choices(["pretty", "json"]).default("pretty"),
    )
    .option("-v, --verbose", "also list what was already in place, and why", false)
    .option("-y, --yes", "confirm destructive steps (removing installed conflicting packages)", false)
    .addHelpText("after", EXIT_HELP)
    .action(async (playbook: string, opts: RunCliOptions) => {
      const { runCommand } = await import("./run-command.js");
      result.code = await runCommand(playbook, opts);
    });

  withTargetOptions(program.command("verify"), "hosts verified at once")
    .description("prove each host's engine works: service, config, image pull, network modes, volumes")
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(["pretty", "json", "junit"])
        .default("pretty"),
    )
    .addHelpText("after", VERIFY_HELP)
    .action(async (opts: VerifyCliOptions) => {
      const { verifyCommand } = await import("./verify-command.js");
      result.code = await verifyCommand(opts);
    });

  program
    .command("playbooks")
    .description("list the built-in playbooks, what each does, and their variables with defaults")
    .action(async () => {
      const { listPlaybooks } = await import("./playbooks-command.js");
      result.code = await listPlaybooks((t: string) => process.stdout.write(t));
    });

  const inventory = program.command("inventory").description("check or list an inventory");
  inventory
    .command("check")
    .description("validate an inventory (structure, connection settings, variables) without connecting")
    .requiredOption("-i, --inventory <file>", "Ansible-format YAML inventory")
    .option("-l, --limit <pattern>", "hosts or groups")
    .option("-e, --extra-vars <vars>", "extra variables", collect, [])
    .option("-p, --playbook <name>", "check variables against this playbook", "install-engine")
    .action(async (opts: InventoryCliOptions) => {
      const { inventoryCheck } = await import("./inventory-command.js");
      result.code = await inventoryCheck(opts, (t: string) => process.stdout.write(t));
    });
  inventory
    .command("list")
    .description("list the hosts (after --limit) with their address, user and groups")
    .requiredOption("-i, --inventory <file>", "Ansible-format YAML inventory")
    .option("-l, --limit <pattern>", "hosts or groups")
    .addOption(
      new Option("-o, --output <format>", "output format").choices(["pretty", "json"]).default("pretty"),
    )
    .action(async (opts: InventoryCliOptions & { output: "pretty" | "json" }) => {
      const { inventoryList } = await import("./inventory-command.js");
      result.code = await inventoryList(opts, (t: string) => process.stdout.write(t));
    });
  // ops registry ls|rm|users|audit (deploy-registry): one self-contained block.
  addRegistryCommands(program, result);
  return program;
}

export interface RunCliOptions extends TargetCliOptions {
  check: boolean;
  diff: boolean;
  output: "pretty" | "json";
  verbose: boolean;
  yes: boolean;
}

export interface InventoryCliOptions {
  inventory: string;
  limit?: string;
  extraVars?: string[];
  playbook?: string;
}

/** Runs the CLI and returns the exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  const result = { code: EXIT.ok as number };
  const program = buildProgram(result);
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed help, the version, or its own usage message.
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0)
        return EXIT.ok;
      return EXIT.config;
    }
    const { text, code } = describeError(err);
    process.stderr.write(text + "\n");
    return code;
  }
}
