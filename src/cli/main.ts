/**
 * `ops` command line: argv -> commands. Each command's code is imported when it runs, so `--help`
 * and `--version` stay instant and a run loads only what it uses.
 * This is the only place that decides exit codes (through the returned number; bin/ops.js sets
 * process.exitCode).
 */
import { Command, CommanderError, Option } from "commander";
import { VERSION } from "../paths.js";
import { collect } from "./collect.js";
import { parseCount, parseIntOption, withTargetOptions } from "./target-options.js";
import { CHECK_HELP } from "./check-help.js";
import { DEFAULT_CRON, DEFAULT_ON_CALENDAR } from "../compliance/schedule/spec.js";
import type { ScheduleCheckOptions } from "./schedule-command.js";
import type { CheckCliOptions } from "./check-command.js";
import type { HostsCliOptions } from "./execute-command.js";
import type { DiffCliOptions, HistoryCliOptions } from "./check-history-command.js";
import { describeError } from "./errors.js";
import { withVaultOptions } from "./vault-options.js";
import { EXIT } from "./exit-codes.js";
import type { InventoryCliOptions, RunCliOptions } from "./options.js";
import { addRegistryCommands } from "./registry-command.js";
import { addBundleCommands } from "./bundle-program.js";
import { addVaultCommands } from "./vault-program.js";
import { handleFatalErrors } from "./signals.js";
import { VERIFY_HELP } from "./verify-help.js";
import type { VerifyCliOptions } from "./verify-command.js";
import type { InitCliOptions } from "./init-command.js";

const EXIT_HELP = `
Exit codes:
  0    every host ok or converged
  1    usage or configuration error (nothing ran)
  2    a host failed, was unreachable or did not start (the others still ran)
  3    drift: --check found changes to make
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP, or the output closed): no new host started;
       hosts finished their current step and released their locks
  70   a bug in ops
`;

const INIT_HELP = `
Host addresses may use ranges: 10.0.0.[10:19], web[01:50], db-[a:f].
Without a terminal, give every answer in a file: ops init --answers answers.yaml (see docs/WIZARD.md).
Ctrl-C at any question exits 130 and writes nothing.
`;

const outputOption = () =>
  new Option(
    "-o, --output <format>",
    "output format: pretty (live on a terminal), json (one event per line), junit",
  )
    .choices(["pretty", "json", "junit"])
    .default("pretty");

/** Builds the program; `out`/`err` are injectable so tests read what a user would see. */
export function buildProgram(result: { code: number }): Command {
  const program = new Command("ops")
    .description("Idempotent playbooks over SSH for Docker hosts on CentOS/RHEL-family systems.")
    .version(VERSION, "-V, --version")
    // A usage error is one line and a pointer, not forty lines of help.
    .showHelpAfterError("(add --help for usage)")
    // An option after a subcommand is the subcommand's (`ops check history --history X`).
    .enablePositionalOptions()
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
    .addOption(outputOption())
    .option("-v, --verbose", "also list what was already in place, and why", false)
    .option("-y, --yes", "confirm destructive steps (removing installed conflicting packages)", false)
    .option("--verify", "then run the playbook's checks (what `ops verify` runs) on the state it left", false)
    .option(
      "--bundle <file>",
      "install from an offline bundle (`ops bundle create`): checked here, sent to each host once",
    )
    .addHelpText("after", EXIT_HELP)
    .action(async (playbook: string, opts: RunCliOptions) => {
      const { runCommand } = await import("./run-command.js");
      result.code = await runCommand(playbook, opts);
    });

  withTargetOptions(program.command("verify"), "hosts verified at once")
    .description("prove each host works: the checks of the chosen playbooks (install-engine by default)")
    .option(
      "-p, --playbook <name>",
      "a playbook whose checks to run (repeatable; a built-in name or a path); default install-engine",
      collect,
      [],
    )
    .option(
      "--bundle <file>",
      "hosts installed from this offline bundle: the test image must be the bundle's (no pull)",
    )
    .addOption(outputOption())
    .addHelpText("after", VERIFY_HELP)
    .action(async (opts: VerifyCliOptions) => {
      const { verifyCommand } = await import("./verify-command.js");
      result.code = await verifyCommand(opts);
    });

  // ops check: compliance (drift + CIS baseline), history and reports. Self-contained block.
  const check = withTargetOptions(
    program.command("check").enablePositionalOptions(),
    "hosts checked at once",
    false,
  )
    .description("compliance: drift from the playbooks and a CIS Docker Benchmark subset, with history")
    .option("--policy <file>", "compliance policy (YAML); default policies/default.yaml")
    .option("--waivers <file>", "accepted exceptions (YAML): check, hosts, justification, expires")
    .option(
      "--waive-configured",
      "waive what the inventory itself configures (a host's insecure_registries for CIS 2.5), reported as waived with the variable",
    )
    .option(
      "--history <path|url>",
      "SQLite file or postgres:// URL (default ~/.local/state/ops/history.sqlite)",
    )
    .option("--no-history", "do not store the run")
    .option("--keep-runs <n>", "history keeps the newest N runs (older ones are deleted)", parseCount)
    .option("--keep-days <d>", "history keeps runs younger than D days", parseCount)
    .option("--report-dir <dir>", "write report.html, report.json, junit.xml and ops_check.prom there")
    .option("--html <file>", "write the standalone HTML report here")
    .option("--prometheus <file>", "write the Prometheus textfile here (atomically)")
    .option("--notify <url>", "POST a JSON message when something newly failed or was fixed")
    .option("--list", "list every check, and whether the policy runs it", false)
    .addOption(outputOption())
    .addHelpText("after", CHECK_HELP)
    .action(async (opts: CheckCliOptions) => {
      const { checkCommand } = await import("./check-command.js");
      result.code = await checkCommand(opts);
    });
  check
    .command("history")
    .description("what is newly failing, what was fixed and since when, and the trend")
    .option(
      "--history <path|url>",
      "SQLite file or postgres:// URL (default ~/.local/state/ops/history.sqlite)",
    )
    .option("-i, --inventory <file>", "only runs of this inventory")
    .option("--runs <n>", "how many runs to read", parseIntOption, 30)
    .option("--all", "also list checks that pass", false)
    .option("--list-runs", "list the runs kept", false)
    .addOption(
      new Option("-o, --output <format>", "output format").choices(["pretty", "json"]).default("pretty"),
    )
    .action(async (opts: HistoryCliOptions) => {
      const { checkHistoryCommand } = await import("./check-history-command.js");
      result.code = await checkHistoryCommand(opts, (t) => process.stdout.write(t));
    });
  check
    .command("diff")
    .description("compare two compliance runs (default: the last two)")
    .argument("[from]", "run id (ops check history --list-runs)")
    .argument("[to]", "run id")
    .option(
      "--history <path|url>",
      "SQLite file or postgres:// URL (default ~/.local/state/ops/history.sqlite)",
    )
    .option("-i, --inventory <file>", "only runs of this inventory")
    .addOption(
      new Option("-o, --output <format>", "output format").choices(["pretty", "json"]).default("pretty"),
    )
    .action(async (from: string | undefined, to: string | undefined, opts: DiffCliOptions) => {
      const { checkDiffCommand } = await import("./check-history-command.js");
      result.code = await checkDiffCommand(from, to, opts, (t) => process.stdout.write(t));
    });

  // ops schedule: compliance on a systemd timer (cron where there is no systemd). Self-contained block.
  const schedule = program
    .command("schedule")
    .description("run ops check on a schedule: a systemd timer (user units when not root), or cron");
  withTargetOptions(schedule.command("check"), "hosts checked at once")
    .description("check the inputs now, then install the schedule (service + timer, or a cron entry)")
    .option("--name <name>", "the schedule's name (unit ops-check-<name>)", "default")
    .option("--on-calendar <spec>", "systemd OnCalendar", DEFAULT_ON_CALENDAR)
    .option("--cron <fields>", "the five cron fields, where there is no systemd", DEFAULT_CRON)
    .option(
      "--randomized-delay <seconds>",
      "random delay before each run (RandomizedDelaySec)",
      parseCount,
      1800,
    )
    .option("--use-cron", "use cron even where systemd runs", false)
    .option("--policy <file>", "compliance policy (YAML)")
    .option("--waivers <file>", "waivers (YAML)")
    .option(
      "--history <path|url>",
      "SQLite file or postgres:// URL (default ~/.local/state/ops/history.sqlite)",
    )
    .option(
      "--report-dir <dir>",
      "where each run writes its reports (default ~/.local/state/ops/reports/<name>)",
    )
    .option("--notify <url>", "POST a JSON message when something newly failed or was fixed")
    .option("--keep-runs <n>", "history keeps the newest N runs (older ones are deleted)", parseCount)
    .option("--keep-days <d>", "history keeps runs younger than D days", parseCount)
    .option("--waive-configured", "waive what the inventory itself configures (see ops check --help)")
    .action(async (opts: ScheduleCheckOptions) => {
      const { scheduleCheck, localDeps } = await import("./schedule-command.js");
      result.code = await scheduleCheck(opts, localDeps());
    });
  schedule
    .command("list")
    .description("the schedules of this user (root: of the machine), their timers and last results")
    .action(async () => {
      const { scheduleList, localDeps } = await import("./schedule-command.js");
      result.code = await scheduleList(localDeps());
    });
  schedule
    .command("remove")
    .description("stop and remove a schedule")
    .argument("<name>", "the schedule's name")
    .action(async (name: string) => {
      const { scheduleRemove, localDeps } = await import("./schedule-command.js");
      result.code = await scheduleRemove(name, localDeps());
    });
  schedule
    .command("run")
    .description("what the timer runs: the saved ops check, under the schedule's lock")
    .argument("<name>", "the schedule's name")
    .option(
      "--delay <seconds>",
      "sleep a random time up to this first (cron's RandomizedDelaySec)",
      parseCount,
    )
    .action(async (name: string, opts: { delay?: number }) => {
      const { localDeps } = await import("./schedule-command.js");
      const { scheduleRun } = await import("./schedule-run-command.js");
      result.code = await scheduleRun(name, opts, localDeps());
    });

  program
    .command("playbooks")
    .description("list the built-in playbooks, what each does, and their variables with defaults")
    .action(async () => {
      const { listPlaybooks } = await import("./playbooks-command.js");
      result.code = await listPlaybooks((t: string) => process.stdout.write(t));
    });

  // ops init: the setup wizard (src/cli/init-command.ts, src/wizard/).
  withVaultOptions(program.command("init"))
    .description("set up an inventory: probe the hosts, install your key, time the mirrors, write the files")
    .option("-i, --inventory <file>", "inventory to write, or to extend when it exists", "hosts.yaml")
    .option("--answers <file>", "answer every question from this YAML file (no terminal needed)")
    .option(
      "--known-hosts <file>",
      "known_hosts file to record confirmed host keys in (default ~/.ssh/known_hosts)",
    )
    .addHelpText("after", INIT_HELP)
    .action(async (opts: InitCliOptions) => {
      const { initCommand } = await import("./init-command.js");
      const canSchedule = program.commands.some((c) => c.name() === "schedule");
      result.code = await initCommand(opts, { canSchedule });
    });

  const inventory = program.command("inventory").description("check or list an inventory");
  withVaultOptions(inventory.command("check"))
    .description("validate an inventory (structure, connection settings, variables) without connecting")
    .requiredOption("-i, --inventory <file>", "Ansible-format YAML inventory")
    .option("-l, --limit <pattern>", "hosts or groups")
    .option("-e, --extra-vars <vars>", "extra variables", collect, [])
    .option("-p, --playbook <name>", "check variables against this playbook", "install-engine")
    .option(
      "--strict-secrets",
      "a secret in clear text (not vault-encrypted) is an error, not a warning",
      false,
    )
    .action(async (opts: InventoryCliOptions) => {
      const { inventoryCheck } = await import("./inventory-command.js");
      result.code = await inventoryCheck(opts, (t: string) => process.stdout.write(t));
    });
  withVaultOptions(inventory.command("list"))
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
  const images = program.command("images").description("the images of the images playbook on the hosts");
  withTargetOptions(images.command("ls"), "hosts read at once")
    .description("which image (by id) each host holds, and what differs from the inventory's `images`")
    .addOption(outputOption())
    .action(async (opts: HostsCliOptions) => {
      const { imagesLsCommand } = await import("./images-command.js");
      result.code = await imagesLsCommand(opts);
    });
  // ops registry ls|rm|users|audit (deploy-registry): one self-contained block.
  addRegistryCommands(program, result);
  addVaultCommands(program, result);
  addBundleCommands(program, result);
  return program;
}

/** Runs the CLI and returns the exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  handleFatalErrors();
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
