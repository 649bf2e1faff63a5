import { strict as assert } from "node:assert";
import { ConfigError } from "../../../src/errors.js";
import { fileAsk, parseAnswers } from "../../../src/wizard/answers-file.js";
import { terminalAsk } from "../../../src/wizard/ask.js";
import { complianceStep } from "../../../src/wizard/compliance-step.js";
import { registryStep } from "../../../src/wizard/registry-step.js";
import { accept, answer, down, enter, scriptedPrompts, type, wait } from "./support/prompts.js";

const ctx = { canDeploy: false, hostNames: ["el9-1", "el9-2"] };

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
          /How do the engines trust 10\.0\.0\.9:5000\?[\s\S]*CA certificate.*no variable for a registry CA/,
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

  it("an existing registry trusted through its CA: the file is read here, a wrong one is refused at the question", async () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const read: string[] = [];
    const readCa = (path: string): string => {
      read.push(path);
      if (path !== "/etc/pki/harbor-ca.crt") throw new Error(`${path}: no PEM certificate in it`);
      return pem;
    };
    const s = scriptedPrompts([
      { expect: /A private registry\?/, keys: [down, enter] },
      answer(/Its address/, "harbor.lan:443"),
      { expect: /How do the engines trust harbor\.lan:443\?/, keys: [down, enter] },
      {
        expect: /Path of harbor\.lan:443's CA certificate \(PEM\) on this machine/,
        keys: [type("/etc/pki/harbor"), enter, wait(/no PEM certificate in it/), type("-ca.crt"), enter],
      },
    ]);
    const r = await registryStep(terminalAsk(s.prompts), { ...ctx, readCa });
    s.done();
    assert.deepEqual(read, ["/etc/pki/harbor", "/etc/pki/harbor-ca.crt"], "each answer's file is read once");
    assert.deepEqual(
      r.vars.map((v) => [v.name, v.value]),
      [["registry_ca_certs", { "harbor.lan:443": pem }]],
    );
    assert.match(r.vars[0]?.comment ?? "", /read from \/etc\/pki\/harbor-ca\.crt/);

    // From an answers file: a path that is no CA is an error naming the answers file.
    const answers = (path: string) =>
      fileAsk(
        parseAnswers(
          `registry:\n  kind: existing\n  address: harbor.lan:443\n  trust: ca\n  ca: ${path}\n`,
          "a.yaml",
        ),
        { env: {}, log: () => undefined },
      );
    const fromFile = await registryStep(answers("/etc/pki/harbor-ca.crt"), {
      ...ctx,
      readCa,
    });
    assert.deepEqual(fromFile.vars[0]?.value, { "harbor.lan:443": pem });
    await assert.rejects(
      registryStep(answers("/tmp/x.crt"), { ...ctx, readCa }),
      (e: ConfigError) =>
        e instanceof ConfigError &&
        e.location.file === "a.yaml" &&
        e.location.line === 5 &&
        /registry\.ca: \/tmp\/x\.crt: no PEM certificate/.test(e.message),
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
    const skipped = await complianceStep(terminalAsk(scriptedPrompts([accept(/CIS level-1/)]).prompts), {
      canSchedule: false,
      say: (l) => said.push(l),
    });
    assert.deepEqual(skipped, { schedule: undefined });
    assert.match(said.join(""), /not in this version of ops: skipped/);
    const s = scriptedPrompts([accept(/CIS level-1 daemon preset/), accept(/on a schedule/)]);
    assert.deepEqual(
      await complianceStep(terminalAsk(s.prompts), { canSchedule: true, say: () => undefined }),
      { schedule: undefined },
    );
    const daily = fileAsk(
      parseAnswers("compliance:\n  cis_profile: level1\n  schedule: Mon..Fri 06:00\n", "a.yaml"),
      { env: {}, log: () => undefined },
    );
    assert.deepEqual(await complianceStep(daily, { canSchedule: true, say: () => undefined }), {
      schedule: "Mon..Fri 06:00",
      cisProfile: "level1",
    });
  });
});
