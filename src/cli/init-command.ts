/**
 * `ops init`: the setup wizard, at a terminal or from `--answers answers.yaml`. This file wires the
 * wizard to the real world: the transport, the prompts, the local keys, and the `run`/`verify`
 * commands it offers to run at the end. Ctrl-C at a prompt (inquirer's ExitPromptError) or while
 * the hosts are probed exits 130 with nothing written.
 */
import { readRegistryCa } from "../wizard/registry-ca.js";
import { hostname, homedir, userInfo } from "node:os";
import { builtinPlaybooks, builtinVariableNames } from "../../playbooks/index.js";
import { ConfigError, Interrupted } from "../errors.js";
import { connect } from "../transport/connect.js";
import { terminalAsk, type Ask } from "../wizard/ask.js";
import { fileAsk, loadAnswers } from "../wizard/answers-file.js";
import { createLocalKey, findLocalKeys } from "../wizard/local-keys.js";
import type { WizardConnect } from "../wizard/probe-host.js";
import type { Runner } from "../wizard/run-step.js";
import { runWizard } from "../wizard/wizard.js";
import { EXIT } from "./exit-codes.js";
import { printable } from "../report/printable.js";
import { HostCleanups } from "../run/host-cleanups.js";
import { loadPlaybook } from "./load-playbook.js";
import { handleInterrupts } from "./signals.js";
import { keyringFrom, type VaultCliOptions } from "./vault-options.js";

export interface InitCliOptions extends VaultCliOptions {
  answers?: string;
  inventory: string;
  knownHosts?: string;
}

/** A person's handshake may wait on nobody (keys are confirmed between passes), but a slow host gets time. */
const READY_TIMEOUT_MS = 15_000;

export async function initCommand(opts: InitCliOptions, cli: { canSchedule: boolean }): Promise<number> {
  const write = (text: string) => void process.stdout.write(text);
  let ask: Ask;
  if (opts.answers !== undefined) {
    const answers = await loadAnswers(opts.answers);
    ask = fileAsk(answers, { env: process.env, log: (line) => write(`${printable(line, true)}\n`) });
  } else if (process.stdin.isTTY && process.stdout.isTTY) {
    ask = terminalAsk(await import("@inquirer/prompts"));
  } else {
    throw new ConfigError(
      "ops init asks its questions on a terminal, and this is not one",
      {},
      "give the answers in a file instead: ops init --answers answers.yaml (docs/WIZARD.md shows one)",
    );
  }
  const connectHost: WizardConnect = (name, conn, policy) =>
    connect(name, conn, {
      kind: "ssh",
      // The function form of the host key policy: the wizard decides each key known_hosts lacks.
      hostKeyPolicy: policy,
      readyTimeoutMs: READY_TIMEOUT_MS,
      ...(opts.knownHosts ? { knownHostsFile: opts.knownHosts } : {}),
    });
  // Ctrl-C while no prompt is on screen (the hosts are being probed): the wizard stops after the
  // hosts in flight and writes nothing. At a prompt, inquirer reads Ctrl-C itself.
  const interrupt = handleInterrupts(new HostCleanups());
  const target = { extraVars: [], forks: 50, acceptNewHostKeys: false, knownHosts: opts.knownHosts };
  // An inventory that already holds vaults is read with the password(s) given to ops init; the runs
  // it offers get them too, beside the file of the values it encrypts itself.
  const keyring = keyringFrom(opts);
  const vaultOptions = (file: string | undefined): VaultCliOptions => ({
    vaultPasswordFile: [...new Set([...(opts.vaultPasswordFile ?? []), ...(file ? [file] : [])])],
    ...(opts.vaultId ? { vaultId: opts.vaultId } : {}),
    ...(opts.askVaultPass ? { askVaultPass: true } : {}),
  });
  const runner: Runner = {
    async run(playbook, o) {
      // From here on the command's own Ctrl-C handling applies.
      interrupt.dispose();
      const { runCommand } = await import("./run-command.js");
      return runCommand(playbook, {
        ...target,
        inventory: o.inventory,
        ...(o.limit ? { limit: o.limit } : {}),
        ...vaultOptions(o.vaultPasswordFile),
        check: false,
        diff: false,
        output: "pretty",
        verbose: false,
        // ops verify is offered as its own step, after install-engine finished.
        verify: false,
        yes: o.yes,
      });
    },
    async verify(o) {
      interrupt.dispose();
      const { verifyCommand } = await import("./verify-command.js");
      return verifyCommand({
        ...target,
        inventory: o.inventory,
        output: "pretty",
        playbook: [],
        ...vaultOptions(o.vaultPasswordFile),
      });
    },
  };
  const home = homedir();
  try {
    return await runWizard({
      ask,
      connect: connectHost,
      out: { write, stream: process.stdout },
      runner,
      inventory: opts.inventory,
      knownHostsFile: opts.knownHosts,
      cwd: process.cwd(),
      home,
      keyComment: `${userInfo().username}@${hostname()}`,
      agent: Boolean(process.env["SSH_AUTH_SOCK"]),
      keys: await findLocalKeys(`${home}/.ssh`),
      createKey: createLocalKey,
      playbooks: async (names) => ({
        playbooks: await Promise.all(names.map((n) => loadPlaybook(n))),
        known: await builtinVariableNames(),
      }),
      capabilities: {
        canDeploy: builtinPlaybooks.has("deploy-registry"),
        // install-engine's registry_ca_certs: the CA file is read here and its PEM written to group_vars.
        readCa: readRegistryCa,
        canSchedule: cli.canSchedule,
      },
      now: () => new Date(),
      signal: interrupt.signal,
      vault: {
        keyring,
        passwordFile: opts.vaultPasswordFile?.[0] ?? process.env.OPS_VAULT_PASSWORD_FILE,
      },
    });
  } catch (error) {
    if ((error instanceof Error && error.name === "ExitPromptError") || error instanceof Interrupted) {
      process.stderr.write("\ninterrupted: nothing was written\n");
      return EXIT.interrupted;
    }
    throw error;
  } finally {
    interrupt.dispose();
  }
}
