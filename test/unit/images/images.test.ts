/**
 * The images playbook's pure parts: the host's image list, the load/tag/no-op plan by image id,
 * the push plan, the control machine's commands, and a whole playbook run on fake hosts where the
 * image streams through the runner with its bytes counted, then a second run sends nothing.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { FactSet } from "../../../src/facts/fact.js";
import { FactError } from "../../../src/errors.js";
import { hostImages, parseHostImages } from "../../../src/images/host-images.js";
import { imageLoaded } from "../../../src/images/image-resource.js";
import { imagePushed } from "../../../src/images/push-resource.js";
import { obtainCommand } from "../../../src/images/control-docker.js";
import { configDigest } from "../../../src/images/registry-state.js";
import { normalizeRef, splitRef } from "../../../src/images/ref.js";
import { streamedRefs, wantedImages } from "../../../src/images/prepare-step.js";
import { fanOut, passWhenNothingSent, streamCompression } from "../../../src/images/save-stream.js";
import { sharedStream } from "../../../src/transport/stream.js";
import type { ImagesVars } from "../../../playbooks/images.vars.js";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;
const LIST = `${A} team/app:1.0\n${B} busybox:latest\n${B} <none>:<none>\n`;
const facts = (stdout: string) => new FactSet(new Map([[hostImages.name, parseHostImages(stdout)]]));
const open = () => Readable.from([Buffer.from("tar")]);

describe("images", () => {
  it("reads the host's references and ids, and refuses what it cannot read", () => {
    const got = parseHostImages(LIST);
    assert.equal(got.refs.get("team/app:1.0"), A);
    assert.equal(got.refs.get("busybox:latest"), B);
    assert.equal(got.refs.size, 2);
    assert.deepEqual([...got.ids].sort(), [A, B]);
    assert.equal(parseHostImages("").refs.size, 0);
    assert.throws(() => parseHostImages("Cannot connect to the Docker daemon"), FactError);
    assert.throws(
      () => hostImages.parse("Cannot connect to the Docker daemon\n", 1),
      /docker images failed \(exit 1\)/,
    );
    const none = parseHostImages("no-docker\n");
    assert.equal(none.engine, "none");
    const stopped = hostImages.parse(
      "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
      1,
    );
    assert.equal(stopped.engine, "stopped");
    assert.equal(stopped.refs.size, 0);
    assert.equal(none.refs.size + none.ids.size, 0);
    assert.throws(() => parseHostImages(`no-docker\n${A} x:1\n`), FactError, "no-docker is only ever alone");
  });

  it("a host with no engine fails the load plan with what to run, never loads blindly", () => {
    const out = imageLoaded({ ref: "team/app:1.0", id: A, open }).plan(facts("no-docker\n"));
    assert.equal(out.kind, "fail");
    assert.match(out.kind === "fail" ? out.message : "", /engine is not installed/);
  });

  it("normalizes references the way docker lists them", () => {
    assert.equal(normalizeRef("docker.io/library/busybox"), "busybox:latest");
    assert.equal(normalizeRef("reg.lan:443/team/app"), "reg.lan:443/team/app:latest");
    assert.deepEqual(splitRef("reg.lan:443/team/app:1.0"), {
      repository: "reg.lan:443/team/app",
      tag: "1.0",
    });
  });

  it("is a no-op when the host has the id under the ref: nothing to send", () => {
    const out = imageLoaded({ ref: "team/app:1.0", id: A, open }).plan(facts(LIST));
    assert.deepEqual(out, { kind: "noop", reason: `team/app:1.0 is ${"a".repeat(12)}` });
  });

  it("streams docker load when the host lacks the id, and checks the id after", () => {
    const out = imageLoaded({
      ref: "team/app:2.0",
      id: `sha256:${"c".repeat(64)}`,
      size: 5_000_000,
      open,
    }).plan(facts(LIST));
    assert.equal(out.kind, "change");
    const step = out.kind === "change" ? out.steps[0] : undefined;
    assert.match(step?.description ?? "", /^load team\/app:2\.0 cccccccccccc, 4\.8 MiB unpacked$/);
    assert.match(step?.script ?? "", /docker load -q/);
    assert.match(step?.script ?? "", /docker image inspect --format '\{\{\.Id\}\}' sha256:c{64} >/);
    assert.match(step?.script ?? "", /docker tag sha256:c{64} team\/app:2\.0$/);
    assert.equal(step?.stdinStream, open);
  });

  it("replaces an image with a different id under the same tag, and says so", () => {
    const out = imageLoaded({ ref: "team/app:1.0", id: `sha256:${"d".repeat(64)}`, open }).plan(facts(LIST));
    const step = out.kind === "change" ? out.steps[0] : undefined;
    assert.match(step?.description ?? "", /\(replacing aaaaaaaaaaaa\)$/);
  });

  it("only tags when the host holds the id under another name: nothing sent", () => {
    const out = imageLoaded({ ref: "team/app:1.0", id: B, open }).plan(facts(LIST));
    const step = out.kind === "change" ? out.steps[0] : undefined;
    assert.equal(step?.script, `docker tag ${B} team/app:1.0`);
    assert.equal(step?.stdinStream, undefined);
  });

  it("fails when the wanted id is unknown (a check run before any build), never guesses", () => {
    assert.equal(imageLoaded({ ref: "x:1", id: undefined, open }).plan(facts(LIST)).kind, "fail");
  });

  it("an unreadable host list fails the resource", () => {
    const broken = new FactSet(
      new Map(),
      new Set(),
      new Map([[hostImages.name, new FactError("docker-images", "no engine")]]),
    );
    assert.throws(() => imageLoaded({ ref: "team/app:1.0", id: A, open }).plan(broken), /no engine/);
  });

  it("pushes with a throwaway login, the password on stdin only; a current tag is a no-op", () => {
    const o = { ref: "team/app:1.0", id: A, registry: "10.0.0.5:443", user: "dev", password: "s3cret-pw" };
    const out = imagePushed({ ...o, current: false }).plan(new FactSet(new Map()));
    const step = out.kind === "change" ? out.steps[0] : undefined;
    assert.equal(step?.stdin, "s3cret-pw");
    assert.ok(!step?.script.includes("s3cret-pw"));
    assert.match(
      step?.script ?? "",
      /DOCKER_CONFIG="\$cfg" docker login 10\.0\.0\.5:443 -u dev --password-stdin/,
    );
    assert.match(step?.script ?? "", /docker push 10\.0\.0\.5:443\/team\/app:1\.0/);
    assert.match(step?.script ?? "", /trap 'rm -rf "\$cfg"' EXIT/);
    assert.equal(imagePushed({ ...o, current: true }).plan(new FactSet(new Map())).kind, "noop");
  });

  it("obtains each source with an argument array, paths from the inventory's folder", () => {
    assert.deepEqual(
      obtainCommand(
        { ref: "team/app:1.0", source: "build", context: "app", target: "run", build_args: { V: "1" } },
        "/inv",
        A,
      ),
      [
        [
          "docker",
          "build",
          "-q",
          "-t",
          "team/app:1.0",
          "--label",
          `ops.build-context=${A}`,
          "--target",
          "run",
          "--build-arg",
          "V=1",
          "/inv/app",
        ],
      ],
    );
    assert.deepEqual(
      obtainCommand({ ref: "tools/bb:1", source: "pull", from: "mirror.lan/library/busybox:1.36" }, "/inv"),
      [
        ["docker", "pull", "-q", "mirror.lan/library/busybox:1.36"],
        ["docker", "tag", "mirror.lan/library/busybox:1.36", "tools/bb:1"],
      ],
    );
    assert.deepEqual(obtainCommand({ ref: "a/b:1", source: "archive", archive: "/srv/b.tar" }, "/inv"), [
      ["docker", "load", "-q", "-i", "/srv/b.tar"],
    ]);
  });

  it("reads the config digest of a manifest, and nothing from an index or garbage", () => {
    assert.equal(configDigest(Buffer.from(JSON.stringify({ config: { digest: A } }))), A);
    assert.equal(configDigest(Buffer.from(JSON.stringify({ manifests: [] }))), null);
    assert.equal(configDigest(Buffer.from("<html>")), null);
  });

  it("wants each image once, and refuses one ref declared two ways", () => {
    const v = (images: ImagesVars["images"]) => ({ vars: { images } as ImagesVars });
    const spec = { ref: "team/app:1.0", source: "build" as const, context: "app" };
    assert.equal(wantedImages([v([spec]), v([spec])]).length, 1);
    assert.throws(() => wantedImages([v([spec]), v([{ ...spec, context: "other" }])]), /declared twice/);
  });

  it("one save fans out to the hosts that load: it starts once each expected host joined or sent nothing", async () => {
    let saves = 0;
    // A window no test outlasts: each stream below ends only because every expected host is in.
    const save = () =>
      sharedStream(() => {
        saves += 1;
        return Readable.from([Buffer.from("archive")]);
      }, 600_000);
    const drain = async (r: Readable) => {
      const parts: Buffer[] = [];
      for await (const c of r) parts.push(c as Buffer);
      return Buffer.concat(parts).toString();
    };
    const both = fanOut(save(), ["el9-1", "el9-2"]);
    const [a, b] = [both.join("el9-1"), both.join("el9-2")];
    assert.deepEqual(await Promise.all([drain(a), drain(b)]), ["archive", "archive"]);
    assert.equal(saves, 1);
    // el9-2 holds the image: its plan is a no-op, so el9-1 does not wait for it.
    const one = fanOut(save(), ["el9-1", "el9-2"]);
    const loads = (host: string) => {
      const open = () => one.join(host);
      return passWhenNothingSent(
        imageLoaded({ ref: "team/app:1.0", id: A, open }),
        [{ fan: one, open }],
        host,
      );
    };
    assert.equal(loads("el9-2").plan(facts(LIST)).kind, "noop");
    const step = loads("el9-1").plan(facts(""));
    assert.equal(step.kind, "change");
    const stream = step.kind === "change" ? step.steps[0]?.stdinStream : undefined;
    assert.ok(stream);
    assert.equal(await drain(stream()), "archive");
    assert.equal(saves, 2);
  });

  it("images_compression: none or level 0 sends the save as it is, gzip every block at the level, auto adapts at it", () => {
    assert.deepEqual(streamCompression("none", 6), { gzipLevel: 0, adaptive: false });
    assert.deepEqual(streamCompression("auto", 0), { gzipLevel: 0, adaptive: false });
    assert.deepEqual(streamCompression("gzip", 1), { gzipLevel: 1, adaptive: false });
    assert.deepEqual(streamCompression("auto", 6), { gzipLevel: 6, adaptive: true });
  });

  it("streams to each host what its groups distribute, no bundled image, and the pushes to the pushing host", () => {
    const vars = {
      images: [
        { ref: "team/app:1.0", source: "build", context: "app" },
        { ref: "busybox", source: "pull", distribute: false },
        { ref: "team/offline:1", source: "pull" },
      ],
    } as unknown as ImagesVars;
    const push = {
      registry: "r:443",
      host: "el9-1",
      user: "dev",
      password: "x",
      current: { "busybox:latest": false },
    };
    const out = { bundled: ["team/offline:1"], push };
    assert.deepEqual(streamedRefs(vars, "el9-2", out), ["team/app:1.0"]);
    assert.deepEqual(streamedRefs(vars, "el9-1", out), ["busybox:latest", "team/app:1.0"]);
    assert.deepEqual(streamedRefs(vars, "el9-1", { bundled: [], push: null }), [
      "team/app:1.0",
      "team/offline:1",
    ]);
  });
});
