import { strict as assert } from "node:assert";
import { fileAsk, parseAnswers } from "../../../src/wizard/answers-file.js";
import { terminalAsk } from "../../../src/wizard/ask.js";
import { nextCommands, runStep, type Runner } from "../../../src/wizard/run-step.js";
import { accept, enter, scriptedPrompts, type } from "./support/prompts.js";

function recorder(codes: { run?: number; verify?: number } = {}) {
  const calls: string[] = [];
  const runner: Runner = {
    run: async (playbook, o) => {
      calls.push(`run ${playbook} ${o.inventory}${o.yes ? " --yes" : ""}`);
      return codes.run ?? 0;
    },
    verify: async (o) => {
      calls.push(`verify ${o.inventory}`);
      return codes.verify ?? 0;
    },
  };
  return { calls, runner };
}

describe("wizard/run-step", () => {
  it("prints the exact commands, quoted for a shell", () => {
    assert.deepEqual(
      nextCommands(
        { inventory: "my inv/hosts.yaml", conflicts: [], deployHost: "el9-1", schedule: "daily" },
        true,
      ),
      [
        "ops inventory check -i 'my inv/hosts.yaml'",
        "ops run install-engine -i 'my inv/hosts.yaml' --yes",
        "ops run deploy-registry -i 'my inv/hosts.yaml'",
        "ops verify -i 'my inv/hosts.yaml'",
        "ops schedule check -i 'my inv/hosts.yaml' --on-calendar daily",
      ],
    );
  });

  it("runs install-engine, then verify, through the commands it is given, and returns their exit code", async () => {
    const { calls, runner } = recorder({ verify: 3 });
    const out: string[] = [];
    const s = scriptedPrompts([
      accept(/Run install-engine on these hosts now\?/),
      accept(/removes packages that conflict with docker-ce on el9-2.*--yes/),
      accept(/Run ops verify now/),
    ]);
    const code = await runStep(
      terminalAsk(s.prompts),
      { inventory: "hosts.yaml", conflicts: ["el9-2"] },
      runner,
      (l) => out.push(l),
    );
    s.done();
    assert.equal(code, 3);
    // --yes is never the default: pressing Enter declined the removal.
    assert.deepEqual(calls, ["run install-engine hosts.yaml", "verify hosts.yaml"]);
    assert.ok(out.includes("  ops run install-engine -i hosts.yaml"));
  });

  it("stops after a failed install-engine; runs nothing when declined or not asked for in the answers", async () => {
    const failed = recorder({ run: 2 });
    const s = scriptedPrompts([accept(/Run install-engine/)]);
    assert.equal(
      await runStep(
        terminalAsk(s.prompts),
        { inventory: "h.yaml", conflicts: [] },
        failed.runner,
        () => undefined,
      ),
      2,
    );
    assert.deepEqual(failed.calls, ["run install-engine h.yaml"]);

    const declined = recorder();
    const no = scriptedPrompts([{ expect: /Run install-engine/, keys: [type("n"), enter] }]);
    assert.equal(
      await runStep(
        terminalAsk(no.prompts),
        { inventory: "h.yaml", conflicts: [] },
        declined.runner,
        () => undefined,
      ),
      0,
    );
    const file = recorder();
    const ask = fileAsk(parseAnswers("inventory: h.yaml\n", "a.yaml"), { env: {}, log: () => undefined });
    await runStep(ask, { inventory: "h.yaml", conflicts: [] }, file.runner, () => undefined);
    assert.deepEqual([...declined.calls, ...file.calls], []);
  });
});
