/**
 * The images playbook with `--bundle`: the images the bundle holds are loaded on each host from its
 * copy of the bundle; the rest (a build, an image to push) still come from the control machine.
 */
import { strict as assert } from "node:assert";
import images from "../../../playbooks/images.js";
import { imagesVariables, type ImagesVars } from "../../../playbooks/images.vars.js";
import { BUNDLE_FORMAT } from "../../../src/bundle/manifest.js";
import { BUNDLE_STEP } from "../../../src/bundle/run-step.js";
import type { VerifiedBundle } from "../../../src/bundle/verify.js";
import { IMAGES_STEP, type ImagesOutput } from "../../../src/images/prepare-step.js";
import { SAMPLE_HOST_FACTS } from "../../../src/packages/host-facts.js";
import { validateVars, type VarsSchema } from "../../../src/vars/validate.js";

const host = { name: "h", address: "10.0.0.1", groups: ["all"], facts: SAMPLE_HOST_FACTS.el9 };
const ID = `sha256:${"b".repeat(64)}`;

describe("images playbook with a bundle", () => {
  const { vars, errors } = validateVars(
    imagesVariables as unknown as VarsSchema,
    {
      images: [
        { ref: "team/app:1.0", source: "pull", from: "hub.lan/team/app:1.0" },
        { ref: "team/built:2", source: "build", context: "app" },
      ],
    },
    {},
  );
  const bundle: VerifiedBundle = {
    path: "/b.tar",
    sha256: "c".repeat(64),
    size: 1,
    signedBy: "ed25519:x",
    manifest: {
      format: BUNDLE_FORMAT,
      created: "2026-12-07T00:00:00.000Z",
      playbooks: ["images"],
      repos: [],
      images: [
        {
          ref: "team/app:1.0",
          arch: "x86_64",
          path: "images/x86_64/team_app_1.0.tar",
          id: ID,
          manifestDigest: ID,
        },
      ],
      files: [],
    },
  };
  const output: ImagesOutput = {
    images: { "team/built:2": { id: ID, size: 1, platform: { os: "linux", architecture: "amd64" } } },
    bundled: ["team/app:1.0"],
    push: null,
    loaders: { "team/built:2": ["el9-1"] },
  };

  it("loads the bundled image from the host's copy of the bundle and streams only the built one", () => {
    assert.deepEqual(errors, []);
    const ids = images
      .resources(vars as ImagesVars, host, {
        yes: false,
        runId: "r",
        outputs: { [BUNDLE_STEP]: bundle, [IMAGES_STEP]: output },
      })
      .map((r) => r.id);
    assert.deepEqual(ids, [`bundle:${"c".repeat(12)}`, "bundle-images:team/app:1.0", "image:team/built:2"]);
  });

  it("without a bundle, every image is streamed from the control machine", () => {
    const ids = images
      .resources(vars as ImagesVars, host, {
        yes: false,
        runId: "r",
        outputs: { [IMAGES_STEP]: { ...output, bundled: [] } },
      })
      .map((r) => r.id);
    assert.deepEqual(ids, ["image:team/app:1.0", "image:team/built:2"]);
  });
});
