import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { ConfigError } from "../../../src/errors.js";
import { keyIdentity } from "../../../src/resources/openpgp.js";
import { fileAsk, parseAnswers } from "../../../src/wizard/answers-file.js";
import { terminalAsk } from "../../../src/wizard/ask.js";
import type { Login } from "../../../src/wizard/probe-host.js";
import { groupFingerprint, repoKeyStep } from "../../../src/wizard/repo-key.js";
import { fakeFleet, fingerprint } from "./support/fake-fleet.js";
import { probed } from "./support/probed.js";
import { accept, scriptedPrompts } from "./support/prompts.js";

const ARMORED = readFileSync(
  new URL("../../fixtures/resources/signing-key/test-key.asc", import.meta.url),
  "utf8",
);
const FPR = keyIdentity(ARMORED).fingerprint;
const login: Login = { user: "root", auth: "password", password: "pw", become: false };

async function host(gpg?: string) {
  const fleet = fakeFleet({
    "10.0.0.1": { hostname: "a", fingerprint: fingerprint("a"), password: "pw", ...(gpg ? { gpg } : {}) },
  });
  const [h] = await probed(fleet, "10.0.0.1", login);
  assert.ok(h);
  return { fleet, h };
}

describe("wizard/repo-key", () => {
  it("a host reads the repo's key; the person confirms its fingerprint", async () => {
    const { fleet, h } = await host(ARMORED);
    const s = scriptedPrompts([accept(new RegExp(`Trust this key\\?.*\\(${groupFingerprint(FPR)}\\)`))]);
    const said: string[] = [];
    const key = await repoKeyStep(terminalAsk(s.prompts), h, "http://10.0.0.2/linux/centos", (l) =>
      said.push(l),
    );
    s.done();
    assert.deepEqual(said, [
      "  The repo's signing key http://10.0.0.2/linux/centos/gpg (read by 10.0.0.1) is not Docker's. Its fingerprint:",
      `    ${groupFingerprint(FPR)}`,
    ]);
    assert.equal(key.fingerprint, groupFingerprint(FPR));
    assert.match(key.note, /as 10\.0\.0\.1 read it, confirmed in ops init/);
    // The key was fetched through the host's one extra round trip, as the login user.
    const last = fleet.opened[0]?.transport.calls.at(-1);
    assert.match(last?.script ?? "", /# fact: url-content:http:\/\/10\.0\.0\.2\/linux\/centos\/gpg/);
    assert.equal(last?.become, false);
  });

  it("an answers file must name the same fingerprint; a key that cannot be read is said and skipped", async () => {
    const { h } = await host(ARMORED);
    const wrong = fileAsk(parseAnswers(`yum_repo:\n  key_fingerprint: "${"0A".repeat(20)}"\n`, "a.yaml"), {
      env: {},
      log: () => undefined,
    });
    await assert.rejects(
      repoKeyStep(wrong, h, "http://10.0.0.2/linux/centos", () => undefined),
      (e: unknown) =>
        e instanceof ConfigError && e.location.line === 2 && /has the fingerprint/.test(e.message),
    );
    const right = fileAsk(parseAnswers(`yum_repo:\n  key_fingerprint: ${FPR.toLowerCase()}\n`, "a.yaml"), {
      env: {},
      log: () => undefined,
    });
    assert.equal(
      (await repoKeyStep(right, h, "http://10.0.0.2/linux/centos", () => undefined)).fingerprint,
      groupFingerprint(FPR),
    );

    const { h: missing } = await host();
    const said: string[] = [];
    const none = await repoKeyStep(
      terminalAsk(scriptedPrompts([]).prompts),
      missing,
      "http://10.0.0.2/r",
      (l) => said.push(l),
    );
    assert.equal(none.fingerprint, undefined);
    assert.match(
      said.join("\n"),
      /could not read the signing key http:\/\/10\.0\.0\.2\/r\/linux\/centos\/gpg/,
    );
  });
});
