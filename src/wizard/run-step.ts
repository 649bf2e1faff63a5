/**
 * The end: the exact commands to run, and the offer to run them now through the same commands the
 * CLI runs (`ops run`, `ops verify`), with their normal live progress and exit codes.
 */
import { quote } from "../transport/quote.js";
import type { Ask } from "./ask.js";

export interface RunPlan {
  /** The inventory as the person would type it in a command. */
  inventory: string;
  /** Hosts with a package install-engine removes first (podman, runc, the old docker...). */
  conflicts: readonly string[];
  /** deploy-registry runs on this host. */
  deployHost?: string | undefined;
  /** compliance schedule (OnCalendar), when one was chosen. */
  schedule?: string | undefined;
  /** The vault password file every command needs, when the inventory holds vaulted values. */
  vaultPasswordFile?: string | undefined;
}

/** The commands the wizard runs for the CLI; injected by src/cli (the wizard never runs a playbook itself). */
export interface Runner {
  run(
    playbook: string,
    options: { inventory: string; yes: boolean; limit?: string; vaultPasswordFile?: string },
  ): Promise<number>;
  verify(options: { inventory: string; vaultPasswordFile?: string }): Promise<number>;
}

/**
 * The commands, as a person would type them.
 *
 * @example nextCommands({ inventory: "hosts.yaml", conflicts: [] })
 *   // ["ops inventory check -i hosts.yaml", "ops run install-engine -i hosts.yaml", "ops verify -i hosts.yaml"]
 */
export function nextCommands(plan: RunPlan, yes = false): string[] {
  // Every command reads the vaulted values: each gets the password file.
  const inv =
    quote(plan.inventory) +
    (plan.vaultPasswordFile ? ` --vault-password-file ${quote(plan.vaultPasswordFile)}` : "");
  const commands = [
    `ops inventory check -i ${inv}`,
    `ops run install-engine -i ${inv}${yes ? " --yes" : ""}`,
  ];
  // Over every host, not `--limit` the registry's: the engines must be given the registry's CA too.
  if (plan.deployHost) commands.push(`ops run deploy-registry -i ${inv}`);
  commands.push(`ops verify -i ${inv}`);
  if (plan.schedule) commands.push(`ops schedule check -i ${inv} --on-calendar ${quote(plan.schedule)}`);
  return commands;
}

/**
 * Question ids `run.install-engine`, `run.yes`, `run.verify`. Returns the exit code of what ran (0
 * when nothing ran).
 *
 * @example const code = await runStep(ask, plan, runner, say);
 */
export async function runStep(
  ask: Ask,
  plan: RunPlan,
  runner: Runner,
  say: (line: string) => void,
): Promise<number> {
  let yes = false;
  const install = await ask.yesNo("run.install-engine", {
    message: "Run install-engine on these hosts now?",
    default: ask.interactive,
  });
  if (install && plan.conflicts.length > 0) {
    yes = await ask.yesNo("run.yes", {
      message: `install-engine removes packages that conflict with docker-ce on ${plan.conflicts.join(", ")}. Allow it (--yes)?`,
      default: false,
    });
  }
  say("");
  say("Next, or any time later:");
  for (const command of nextCommands(plan, yes)) say(`  ${command}`);
  if (!install) return 0;
  say("");
  const vault = plan.vaultPasswordFile ? { vaultPasswordFile: plan.vaultPasswordFile } : {};
  say(`$ ${nextCommands(plan, yes)[1] ?? ""}`);
  const code = await runner.run("install-engine", { inventory: plan.inventory, yes, ...vault });
  if (code !== 0) {
    say(`install-engine did not finish on every host (exit ${code}): fix what it says, then run it again.`);
    return code;
  }
  if (plan.deployHost) say(`deploy-registry: run it when ready: ${nextCommands(plan)[2] ?? ""}`);
  const verify = await ask.yesNo("run.verify", {
    message: "Run ops verify now (service, mirrors, an image pull, networks, volumes)?",
    default: ask.interactive,
  });
  if (!verify) return 0;
  say("");
  say(`$ ${nextCommands(plan).find((c) => c.startsWith("ops verify")) ?? ""}`);
  return runner.verify({ inventory: plan.inventory, ...vault });
}
