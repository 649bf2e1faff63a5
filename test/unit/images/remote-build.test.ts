/**
 * A `build` image built on a chosen build host: the context digest that makes an unchanged build a
 * no-op, the build host's script, the context streamed as a tar into that host's `docker build -`
 * and its `docker save` streamed back into the control machine's `docker load`, and the rule that
 * the build host is a host of the inventory (file, path and line of the mistake).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import images from "../../../playbooks/images.js";
import { ConfigError, StepFailed } from "../../../src/errors.js";
import { contextDigest } from "../../../src/images/context-digest.js";
import { buildOnHost, remoteBuildScript } from "../../../src/images/remote-build.js";
import { prepareRun } from "../../../src/run/prepare.js";
import { FakeTransport, ok } from "../../../src/transport/fake.js";
import type { ExecOptions } from "../../../src/transport/transport.js";

const D = `sha256:${"d".repeat(64)}`;

describe("images: a build on a chosen build host", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-build-"));
    mkdirSync(join(dir, "app", "src"), { recursive: true });
    writeFileSync(join(dir, "app", "Dockerfile"), "FROM scratch\nCOPY src /src\n");
    writeFileSync(join(dir, "app", "src", "main.sh"), "echo hi\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("the context digest follows the files, their mode, the Dockerfile, target and args, not mtimes", async () => {
    const input = { context: join(dir, "app"), target: "run", buildArgs: { V: "1", W: "2" } };
    const first = await contextDigest(input);
    assert.match(first, /^sha256:[0-9a-f]{64}$/);
    utimesSync(join(dir, "app", "Dockerfile"), new Date(0), new Date(0));
    assert.equal(await contextDigest({ ...input, buildArgs: { W: "2", V: "1" } }), first);
    const changed = [
      await contextDigest({ ...input, target: "dev" }),
      await contextDigest({ ...input, buildArgs: { V: "2", W: "2" } }),
      await contextDigest({ ...input, dockerfile: "other/Dockerfile" }),
    ];
    chmodSync(join(dir, "app", "src", "main.sh"), 0o755);
    changed.push(await contextDigest(input));
    writeFileSync(join(dir, "app", "src", "main.sh"), "echo ho\n");
    changed.push(await contextDigest(input));
    writeFileSync(join(dir, "app", "src", "new"), "");
    changed.push(await contextDigest(input));
    assert.equal(new Set([first, ...changed]).size, 1 + changed.length, "every change gives a new digest");
  });

  it("the build host builds from the tar on stdin, labelled with the digest, and saves to stdout", () => {
    const spec = {
      ref: "team/app:1",
      source: "build" as const,
      dockerfile: "docker/Dockerfile",
      target: "run",
      build_args: { V: "it's 1" },
    };
    const script = remoteBuildScript({ spec, inventoryDir: "/inv", digest: D, gzipLevel: 1 });
    assert.equal(
      script,
      [
        "set -e",
        `docker build -q -t team/app:1 --label ops.build-context=${D} -f docker/Dockerfile --target run --build-arg 'V=it'\\''s 1' - >&2`,
        "docker save team/app:1 | gzip -1",
      ].join("\n"),
    );
    assert.match(
      remoteBuildScript({ spec, inventoryDir: "/inv", digest: D, gzipLevel: 0 }),
      /\ndocker save team\/app:1$/,
    );
  });

  it("streams the context to the build host and its save into the control machine's docker load", async () => {
    const host = new FakeTransport("el9-2", [{ match: /docker build/, result: ok("ARCHIVE-BYTES") }]);
    const local = new FakeTransport("control machine", [{ match: /^docker load -q$/, result: ok() }]);
    const seen: ExecOptions[] = [];
    const exec = (name: string, script: string, options?: ExecOptions) => {
      assert.equal(name, "el9-2");
      seen.push(options ?? {});
      return host.exec(script, options);
    };
    const spec = { ref: "team/app:1", source: "build" as const, context: "app" };
    await buildOnHost({ spec, inventoryDir: dir, digest: D, gzipLevel: 1 }, "el9-2", exec, local);
    // The context went as a gzipped tar: the files, never a path on the control machine.
    const tar = gunzipSync(host.calls[0]?.stdinBytes ?? Buffer.alloc(0));
    writeFileSync(join(dir, "ctx.tar"), tar);
    const names = execFileSync("tar", ["-tf", join(dir, "ctx.tar")], { encoding: "utf8" }).split("\n");
    assert.ok(names.includes("./Dockerfile") && names.includes("./src/main.sh"), names.join(","));
    assert.ok(!host.calls[0]?.script.includes(dir), "no control machine path reaches the build host");
    // What the build host printed went into the load, and nothing of it into a result string.
    assert.equal(local.calls[0]?.script, "docker load -q");
    assert.equal(local.calls[0]?.stdinBytes?.toString(), "ARCHIVE-BYTES");
    assert.ok(seen[0]?.stdout, "the build host's stdout goes to a sink");
  });

  it("a failed build fails the step naming the build host and its error, and the load is not left waiting", async () => {
    const host = new FakeTransport("el9-2", [
      { match: /docker build/, result: { code: 1, stdout: "", stderr: "COPY failed: no such file src" } },
    ]);
    const local = new FakeTransport("control machine", [
      { match: /docker load/, result: { code: 1, stdout: "", stderr: "unexpected EOF" } },
    ]);
    const spec = { ref: "team/app:1", source: "build" as const, context: "app" };
    await assert.rejects(
      buildOnHost(
        { spec, inventoryDir: dir, digest: D, gzipLevel: 1 },
        "el9-2",
        (_n, s, o) => host.exec(s, o),
        local,
      ),
      (e: unknown) => e instanceof StepFailed && /el9-2/.test(e.message) && /COPY failed/.test(e.message),
    );
  });

  it("a build_host that is not in the inventory, or on an image that is not built, is refused with its file, path and line", async () => {
    const inventory = join(dir, "hosts.yaml");
    writeFileSync(
      inventory,
      [
        "all:",
        "  hosts:",
        "    el9-1: { ansible_host: 192.0.2.1 }",
        "    el9-2: { ansible_host: 192.0.2.2 }",
        "  vars:",
        "    images:",
        "      - { ref: team/app:1, source: build, context: app, build_host: el9-9 }",
        "      - { ref: team/tool:1, source: pull, build_host: el9-1 }",
        "",
      ].join("\n"),
    );
    const run = prepareRun({ playbooks: [{ playbook: images }], inventoryFile: inventory, limit: "el9-1" });
    await assert.rejects(run, (e: unknown) => {
      const all = (e as { errors?: ConfigError[] }).errors ?? [e as ConfigError];
      const [missing, misplaced] = all;
      assert.match(
        missing?.message ?? "",
        /build_host 'el9-9' of image team\/app:1 is not a host of the inventory/,
      );
      assert.equal(missing?.location.file, inventory);
      assert.equal(missing?.location.path, "all.vars.images[0].build_host");
      assert.equal(missing?.location.line, 6);
      assert.match(misplaced?.message ?? "", /build_host is set on image team\/tool:1, whose source is pull/);
      assert.equal(misplaced?.location.path, "all.vars.images[1].build_host");
      return true;
    });
    // A build host outside --limit is still a host of the inventory: no error.
    writeFileSync(
      inventory,
      [
        "all:",
        "  hosts:",
        "    el9-1: { ansible_host: 192.0.2.1 }",
        "    el9-2: { ansible_host: 192.0.2.2 }",
        "  vars:",
        "    images: [{ ref: team/app:1, source: build, context: app, build_host: el9-2 }]",
        "",
      ].join("\n"),
    );
    const prepared = await prepareRun({
      playbooks: [{ playbook: images }],
      inventoryFile: inventory,
      limit: "el9-1",
    });
    assert.equal(prepared.targets.length, 1);
  });
});
