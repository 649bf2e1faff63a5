import { strict as assert } from "node:assert";
import { fileAsk, parseAnswers } from "../../../src/wizard/answers-file.js";
import { terminalAsk } from "../../../src/wizard/ask.js";
import { complianceStep } from "../../../src/wizard/compliance-step.js";
import { registryStep } from "../../../src/wizard/registry-step.js";
import { accept, answer, down, enter, scriptedPrompts } from "./support/prompts.js";

const ctx = { canDeploy: false, canTrustCa: false, hostNames: ["el9-1", "el9-2"] };

describe("wizard/registry-step and compliance-step", () => {
  it("an existing registry trusted as insecure becomes insecure_registries; what this ops cannot do is shown disabled", async () => {
    const s = scriptedPrompts([
      {
        expect: /A private registry\?[\s\S]*deploy one.*deploy-registry is not in this version of ops/,
        keys: [down, enter],
      },
      answer(/Its address/, "10.0.0.9:5000"),
      {
        expect:
          /How do the engines trust 10\.0\.0\.9:5000\?[\s\S]*CA certificate.*no variable for a registry CA yet/,
        keys: [enter],
      },
    ]);
    const r = await registryStep(terminalAsk(s.prompts), ctx);
    s.done();
    assert.deepEqual(
      r.vars.map((v) => [v.name, v.value]),
      [["insecure_registries", ["10.0.0.9:5000"]]],
    );
  });

  it("deploy, when deploy-registry exists, picks a host; none writes nothing", async () => {
    const s = scriptedPrompts([
      { expect: /A private registry/, keys: [down, down, enter] },
      { expect: /Which host runs the registry/, keys: [down, enter] },
    ]);
    assert.deepEqual(await registryStep(terminalAsk(s.prompts), { ...ctx, canDeploy: true }), {
      kind: "deploy",
      vars: [],
      deployHost: "el9-2",
    });
    const none = fileAsk(parseAnswers("", "a.yaml"), { env: {}, log: () => undefined });
    assert.deepEqual(await registryStep(none, ctx), { kind: "none", vars: [] });
    const deploy = fileAsk(parseAnswers("registry:\n  kind: deploy\n", "a.yaml"), {
      env: {},
      log: () => undefined,
    });
    await assert.rejects(
      registryStep(deploy, ctx),
      /cannot be chosen: deploy-registry is not in this version/,
    );
  });

  it("compliance is asked only when ops schedule exists", async () => {
    const said: string[] = [];
    const skipped = await complianceStep(terminalAsk(scriptedPrompts([]).prompts), {
      canSchedule: false,
      say: (l) => said.push(l),
    });
    assert.deepEqual(skipped, { schedule: undefined });
    assert.match(said.join(""), /not in this version of ops: skipped/);
    const s = scriptedPrompts([accept(/on a schedule/)]);
    assert.deepEqual(
      await complianceStep(terminalAsk(s.prompts), { canSchedule: true, say: () => undefined }),
      { schedule: undefined },
    );
    const daily = fileAsk(parseAnswers("compliance:\n  schedule: Mon..Fri 06:00\n", "a.yaml"), {
      env: {},
      log: () => undefined,
    });
    assert.deepEqual(await complianceStep(daily, { canSchedule: true, say: () => undefined }), {
      schedule: "Mon..Fri 06:00",
    });
  });
});
