/**
 * tsx's compile cache for user playbooks stays private to the user. The last test loads a real
 * TypeScript playbook through tsx in a fresh process (its own TMPDIR) and looks at what tsx left.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { makeTsxCachePrivate } from "../../../src/cli/tsx-cache.js";

const uid = process.geteuid?.() ?? -1;
const isRoot = uid === 0;

describe("tsx compile cache", function () {
  this.timeout(30_000);
  let root = "";
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "ops-tsxc-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates the directory tsx will use with mode 0700, owned by the user", async () => {
    const env: Record<string, string | undefined> = {};
    const state = await makeTsxCachePrivate({ tmpdir: root, env });
    const dir = join(root, `tsx-${uid}`);
    assert.deepEqual(state, { private: true, dir });
    const stats = await lstat(dir);
    assert.deepEqual([stats.isDirectory(), stats.mode & 0o777, stats.uid], [true, 0o700, uid]);
    assert.equal(env.TSX_DISABLE_CACHE, undefined, "the cache stays on");
  });

  it("tightens an existing directory of the user's to 0700", async () => {
    const dir = join(root, `tsx-${uid}`);
    await mkdir(dir);
    await chmod(dir, 0o755);
    await makeTsxCachePrivate({ tmpdir: root, env: {} });
    assert.equal((await lstat(dir)).mode & 0o777, 0o700);
  });

  it("turns the cache off when the directory belongs to someone else", async function () {
    if (!isRoot) this.skip(); // only root can give a directory away
    const dir = join(root, `tsx-${uid}`);
    await mkdir(dir, { mode: 0o777 });
    await chown(dir, 65534, 65534);
    const env: Record<string, string | undefined> = {};
    const state = await makeTsxCachePrivate({ tmpdir: root, env });
    assert.equal(state.private, false);
    assert.equal(env.TSX_DISABLE_CACHE, "1");
    assert.equal((await lstat(dir)).uid, 65534, "someone else's directory is left alone");
  });

  it("turns the cache off when a symbolic link stands in its place, and does not follow it", async () => {
    const elsewhere = join(root, "elsewhere");
    await mkdir(elsewhere, { mode: 0o755 });
    await chmod(elsewhere, 0o755);
    await symlink(elsewhere, join(root, `tsx-${uid}`));
    const env: Record<string, string | undefined> = {};
    const state = await makeTsxCachePrivate({ tmpdir: root, env });
    assert.equal(state.private, false);
    assert.equal(env.TSX_DISABLE_CACHE, "1");
    assert.equal((await lstat(elsewhere)).mode & 0o777, 0o755, "the link's target is not touched");
  });

  it("leaves what tsx really writes for a user playbook in a 0700 directory of the user's", async () => {
    // The module under test, compiled to plain JS so the child process starts without tsx loaded.
    const moduleFile = join(root, "tsx-cache.mjs");
    await build({
      entryPoints: [new URL("../../../src/cli/tsx-cache.ts", import.meta.url).pathname],
      outfile: moduleFile,
      format: "esm",
      platform: "node",
      logLevel: "silent",
    });
    const playbook = join(root, "playbook.mts");
    await writeFile(playbook, "const answer: number = 42;\nexport default { answer };\n");

    const load = async (
      prepare: boolean,
      planted = false,
    ): Promise<{ mode: number; uid: number; files: number }> => {
      const tmp = await mkdtemp(join(root, "tmp-"));
      if (planted) {
        // Another user created the directory first, open to all: nothing may be cached there.
        await mkdir(join(tmp, `tsx-${uid}`), { mode: 0o777 });
        await chmod(join(tmp, `tsx-${uid}`), 0o777);
        await chown(join(tmp, `tsx-${uid}`), 65534, 65534);
      }
      const script = `
        import { pathToFileURL } from "node:url";
        if (${prepare}) await (await import(${JSON.stringify(moduleFile)})).makeTsxCachePrivate();
        const { tsImport } = await import("tsx/esm/api");
        const mod = await tsImport(pathToFileURL(${JSON.stringify(playbook)}).href, import.meta.url);
        if (mod.default.answer !== 42) throw new Error("the playbook did not load");`;
      execFileSync(process.execPath, ["--input-type=module", "-e", script], {
        // From the project's directory, so "tsx/esm/api" resolves as it does for ops.
        cwd: new URL("../../../", import.meta.url).pathname,
        env: { ...process.env, TMPDIR: tmp, NODE_OPTIONS: "" },
        stdio: "pipe",
      });
      // tsx writes its cache files in the background: wait for them.
      const dir = join(tmp, `tsx-${uid}`);
      for (let i = 0; i < 20 && (await readdir(dir).catch(() => [])).length === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const stats = await lstat(dir);
      return { mode: stats.mode & 0o777, uid: stats.uid, files: (await readdir(dir)).length };
    };

    const unprepared = await load(false);
    assert.ok(
      unprepared.mode & 0o055,
      "tsx on its own leaves its cache open to others (the reason for this)",
    );
    const prepared = await load(true);
    assert.equal(prepared.mode, 0o700);
    assert.equal(prepared.uid, uid);
    assert.ok(prepared.files > 0, "tsx did cache the playbook, inside the private directory");
    if (isRoot) {
      const planted = await load(true, true);
      assert.equal(planted.uid, 65534);
      assert.equal(planted.files, 0, "nothing was cached in a directory someone else planted");
    }
  });
});
