/**
 * Multi-platform images: a host's platform from its facts, the entry of an index it loads (an
 * amd64 host the amd64 child, an arm64 host the arm64 one, whatever the control machine is), the
 * no-op compared with that child's id, and an image of another platform refused for the host.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { kernel, parseKernel } from "../../../src/facts/kernel.js";
import { FactSet } from "../../../src/facts/fact.js";
import { hostImages, parseHostImages } from "../../../src/images/host-images.js";
import { imageLoaded } from "../../../src/images/image-resource.js";
import { parseManifestInspect } from "../../../src/images/index-platforms.js";
import { parseLocalImage } from "../../../src/images/control-docker.js";
import { choosePlatform, hostPlatform, platformName } from "../../../src/images/platform.js";
import { fanOut, passWhenNothingSent, platformSource } from "../../../src/images/save-stream.js";
import { sharedStream } from "../../../src/transport/stream.js";

const AMD = `sha256:${"2".repeat(64)}`;
const ARM = `sha256:${"4".repeat(64)}`;
const INDEX = parseManifestInspect(readFileSync("test/fixtures/images/manifest-inspect-index.json", "utf8"));
const factsOf = (arch: string, images = "") =>
  new FactSet(
    new Map<string, unknown>([
      [hostImages.name, parseHostImages(images)],
      [kernel.name, parseKernel(`5.14.0-362.el9.${arch} ${arch}`)],
    ]),
  );

describe("images: multi-platform", () => {
  it("reads an index's platforms from docker manifest inspect -v, attestations left out; one image is one entry", () => {
    assert.deepEqual(
      INDEX.map((p) => [platformName(p.platform), p.id]),
      [
        ["linux/amd64", AMD],
        ["linux/arm64/v8", ARM],
      ],
    );
    assert.equal(INDEX[1]?.digest, `sha256:${"3".repeat(64)}`);
    const single = JSON.stringify({
      Descriptor: { digest: `sha256:${"1".repeat(64)}`, platform: { architecture: "amd64", os: "linux" } },
      SchemaV2Manifest: { config: { digest: AMD } },
    });
    assert.equal(parseManifestInspect(single).length, 1);
    assert.throws(() => parseManifestInspect("no such manifest"), /printed no JSON/);
  });

  it("a host's platform comes from uname -m; each host gets its own child of the index", () => {
    assert.deepEqual(hostPlatform("x86_64"), { os: "linux", architecture: "amd64" });
    assert.equal(choosePlatform(INDEX, hostPlatform("x86_64"))?.id, AMD);
    assert.equal(choosePlatform(INDEX, hostPlatform("aarch64"))?.id, ARM);
    // An index that names no variant for arm64 still serves an aarch64 host (v8 is arm64's only one).
    const plain = [{ platform: { os: "linux", architecture: "arm64" }, id: "x" }];
    assert.equal(choosePlatform(plain, hostPlatform("aarch64"))?.id, "x");
    assert.equal(choosePlatform(INDEX, hostPlatform("s390x")), undefined);
    assert.equal(
      choosePlatform(
        [{ platform: { os: "linux", architecture: "arm", variant: "v6" } }],
        hostPlatform("armv7l"),
      ),
      undefined,
    );
  });

  it("an arm64 host loads the arm64 child from its own stream; an amd64 host the amd64 one; the no-op compares the child's id", () => {
    const streams: string[] = [];
    const opener = (name: string) => () => {
      streams.push(name);
      return Readable.from([Buffer.from(name)]);
    };
    const platforms = INDEX.map((p) => ({
      platform: p.platform,
      id: p.id,
      open: opener(platformName(p.platform)),
    }));
    const load = imageLoaded({ ref: "team/multi:1", id: AMD, open: opener("control"), platforms });
    const on = (arch: string, images = "") => {
      const out = load.plan(factsOf(arch, images));
      return out.kind === "change" ? out.steps[0] : out;
    };
    const arm = on("aarch64");
    assert.ok(arm && "description" in arm);
    assert.match(
      arm.description,
      new RegExp(`^load team/multi:1 ${"4".repeat(12)} \\(linux/arm64/v8 of the index\\)`),
    );
    assert.match(arm.script, new RegExp(`docker tag ${ARM} team/multi:1$`));
    arm.stdinStream?.();
    const amd = on("x86_64");
    assert.ok(amd && "description" in amd);
    assert.match(
      amd.description,
      new RegExp(`^load team/multi:1 ${"2".repeat(12)} \\(linux/amd64 of the index\\)`),
    );
    amd.stdinStream?.();
    assert.deepEqual(streams, ["linux/arm64/v8", "linux/amd64"]);
    // The arm64 host holds its child: a no-op, though the control machine's image is the amd64 one.
    assert.deepEqual(load.plan(factsOf("aarch64", `${ARM} team/multi:1\n`)), {
      kind: "noop",
      reason: `team/multi:1 is ${"4".repeat(12)}`,
    });
    // And the amd64 child under the tag on an arm64 host is replaced.
    const wrong = on("aarch64", `${AMD} team/multi:1\n`);
    assert.ok(wrong && "description" in wrong);
    assert.match(wrong.description, /\(replacing 222222222222\)$/);
    const none = load.plan(factsOf("s390x"));
    assert.equal(none.kind, "fail");
    assert.match(
      none.kind === "fail" ? none.message : "",
      /has no image for this host's platform linux\/s390x; its index has linux\/amd64, linux\/arm64\/v8/,
    );
  });

  it("an archive of another architecture is refused for that host, with where it came from", () => {
    const load = imageLoaded({
      ref: "vendor/agent:7",
      id: ARM,
      open: () => Readable.from([]),
      platform: { os: "linux", architecture: "arm64", variant: "v8" },
      origin: "from the archive images/agent-7.tar",
    });
    const out = load.plan(factsOf("x86_64"));
    assert.equal(out.kind, "fail");
    assert.equal(
      out.kind === "fail" ? out.message : "",
      "vendor/agent:7 from the archive images/agent-7.tar is a linux/arm64/v8 image; this host is linux/amd64: refused",
    );
    assert.equal(load.plan(factsOf("aarch64")).kind, "change");
  });

  it("reads the control machine's image: id, size, platform (no Variant on older engines), context label", () => {
    const doc = (extra: object) =>
      JSON.stringify([
        { Id: AMD, Size: 42, Os: "linux", Architecture: "arm64", Config: { Labels: null }, ...extra },
      ]);
    assert.deepEqual(parseLocalImage(doc({})), {
      id: AMD,
      size: 42,
      platform: { os: "linux", architecture: "arm64" },
    });
    assert.deepEqual(
      parseLocalImage(doc({ Variant: "v8", Config: { Labels: { "ops.build-context": ARM } } })),
      { id: AMD, size: 42, platform: { os: "linux", architecture: "arm64", variant: "v8" }, context: ARM },
    );
    assert.throws(() => parseLocalImage("[]"), /no image id/);
  });

  it("a platform the control machine lacks is pulled here by digest and saved by id; hosts pass the streams they do not read", async () => {
    const [, arm] = INDEX;
    assert.ok(arm);
    const src = platformSource("reg.lan:5000/team/multi:1", arm);
    assert.deepEqual(src.argv.slice(0, 2), ["sh", "-c"]);
    assert.equal(
      src.argv[2],
      `docker pull -q --platform linux/arm64/v8 reg.lan:5000/team/multi@${arm.digest} >/dev/null && exec docker save ${arm.id}`,
    );
    // Two hosts load the ref: the amd64 one from the control stream, the arm64 one from its own.
    // Each stream starts once both hosts joined it or passed it: neither waits for its window.
    let started = 0;
    const shared = () =>
      sharedStream(() => {
        started += 1;
        return Readable.from([Buffer.from("x")]);
      }, 600_000);
    const [control, other] = [fanOut(shared(), ["a", "b"]), fanOut(shared(), ["a", "b"])];
    const resource = (host: string) => {
      const open = () => control.join(host);
      const openOther = () => other.join(host);
      const platforms = [
        { platform: INDEX[0]!.platform, id: AMD, open },
        { platform: arm.platform, id: ARM, open: openOther },
      ];
      return passWhenNothingSent(
        imageLoaded({ ref: "team/multi:1", id: AMD, open, platforms }),
        [
          { fan: control, open },
          { fan: other, open: openOther },
        ],
        host,
      );
    };
    const a = resource("a").plan(factsOf("x86_64"));
    const b = resource("b").plan(factsOf("aarch64"));
    const read = async (o: typeof a) => {
      const s = o.kind === "change" ? o.steps[0]?.stdinStream?.() : undefined;
      assert.ok(s);
      for await (const _ of s) void _;
    };
    await Promise.all([read(a), read(b)]);
    assert.equal(started, 2);
  });
});
