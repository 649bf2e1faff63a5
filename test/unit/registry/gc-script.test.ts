/**
 * gc.sh, run for real in sh over a Distribution storage tree laid out as the registry lays it out,
 * with a fake `docker` and `curl` on PATH: `--graph` reads what the planner needs (and the planner
 * keeps a buildx index, its attestations, signature and referrer), `--apply` freezes pushes before
 * it checks the fingerprint and deletes through the API, refuses a stale plan, never passes
 * --delete-untagged, and always unfreezes; from the timer it takes the host's run lock, skips when a
 * run holds it, and releases only its own lock, also when the collection fails.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseGraph } from "../../../src/registry/gc-graph.js";
import { planGc } from "../../../src/registry/gc-plan.js";
import { planText } from "../../../src/registry/gc-resource.js";
import { renderTemplate } from "../../../src/resources/render.js";
import { quote } from "../../../src/transport/quote.js";
import { buildxIndex, cosignSignature, platformImage, sbomReferrer, type Doc } from "./support/oci-shapes.js";

describe("registry gc.sh", () => {
  let root = "";
  let lock = "";
  let log = "";
  const opt = () => join(root, "opt");
  const v2 = () => join(root, "data", "registry", "docker", "registry", "v2");
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "ops-gc-"));
    lock = join(root, "run", "ops.lock");
    log = join(root, "calls.log");
    for (const d of ["run", "opt/nginx", "data/registry", "bin"])
      mkdirSync(join(root, d), { recursive: true });
    // The fakes record each call with the lock's owner and whether pushes were frozen at that moment.
    const state = [
      `owner=$(grep '^owner=' ${quote(lock)} 2>/dev/null || echo 'owner=-')`,
      `frozen=$(test -f ${quote(join(root, "opt/nginx/gc-maintenance.map"))} && echo 1 || echo 0)`,
    ];
    writeFileSync(
      join(root, "bin", "docker"),
      [
        "#!/bin/sh",
        ...state,
        // printf, not echo: dash's echo would expand the backslashes of the scripts passed to sh -c.
        `printf '%s frozen=%s docker %s\\n' "$owner" "$frozen" "$(printf '%s' "$*" | tr '\\n' ' ')" >> ${quote(log)}`,
        'case "$*" in *garbage-collect*) [ -z "${FAIL_GC:-}" ] || exit 3;; esac',
        // As Distribution 2.8's collector does on a storage nothing was ever pushed to.
        `case "$*" in *garbage-collect*) for d in repositories blobs; do [ -d ${quote(v2())}/$d ] || { echo "failed to garbage collect: Path not found: /docker/registry/v2/$d" >&2; exit 1; }; done;; esac`,
        'case "$*" in "compose ps -q registry") echo cid;; inspect*) echo 10.9.9.9;; *"sh -c"*) exit 1;; esac',
        "exit 0",
      ].join("\n") + "\n",
    );
    writeFileSync(
      join(root, "bin", "curl"),
      ["#!/bin/sh", ...state, `echo "$owner frozen=$frozen curl $*" >> ${quote(log)}`, "printf 202"].join(
        "\n",
      ) + "\n",
    );
    chmodSync(join(root, "bin", "docker"), 0o755);
    chmodSync(join(root, "bin", "curl"), 0o755);
    const script = renderTemplate("registry/gc.sh.ejs", {
      dir: opt(),
      dataDir: join(root, "data"),
      quote,
      runLock: lock,
    });
    writeFileSync(join(opt(), "gc.sh"), script, { mode: 0o755 });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const gc = (args: string[], env: Record<string, string> = {}, input = "") =>
    spawnSync("sh", [join(opt(), "gc.sh"), ...args], {
      encoding: "utf8",
      input,
      env: { ...process.env, PATH: `${join(root, "bin")}:${process.env.PATH ?? ""}`, ...env },
    });
  const calls = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);
  const put = (path: string, content: string | Buffer, mtime = 1_700_000_000) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    utimesSync(path, mtime, mtime);
  };
  /** Stores manifests and tags as Distribution's filesystem driver does. */
  const store = (repo: string, docs: readonly Doc[], tags: Record<string, [Doc, number]>) => {
    for (const d of docs) {
      const hex = d.digest.slice(7);
      put(join(v2(), "blobs/sha256", hex.slice(0, 2), hex, "data"), d.bytes);
      put(join(v2(), "repositories", repo, "_manifests/revisions/sha256", hex, "link"), d.digest);
    }
    for (const [tag, [d, pushed]] of Object.entries(tags)) {
      const base = join(v2(), "repositories", repo, "_manifests/tags", tag);
      put(join(base, "current/link"), d.digest, pushed);
      put(join(base, "index/sha256", d.digest.slice(7), "link"), d.digest, pushed);
    }
  };

  const app = buildxIndex("team/app");
  const sig = cosignSignature(app.index, "team/app");
  const sbom = sbomReferrer(app.index, "team/app");
  const old = platformImage("amd64", "old");
  const seed = () => {
    store(
      "team/app",
      [...app.images.map((i) => i.manifest), app.index, sig.manifest, sbom.manifest, old.manifest],
      {
        v1: [app.index, 1_700_000_100],
        [sig.tag]: [sig.manifest, 1_700_000_200],
      },
    );
    store("pub/tool", [old.manifest], { "1": [old.manifest, 1_700_000_300] });
  };

  it("--graph reads tags, every revision with its content and a fingerprint; the planner keeps the index's whole family", () => {
    seed();
    const r = gc(["--graph"]);
    assert.equal(r.status, 0, r.stderr);
    const graph = parseGraph(r.stdout);
    assert.deepEqual(
      graph.repos.map((x) => x.name),
      ["pub/tool", "team/app"],
    );
    const team = graph.repos[1]!;
    assert.deepEqual(
      team.tags.map((t) => [t.name, t.digest, t.pushed]),
      [
        [sig.tag, sig.manifest.digest, 1_700_000_200],
        ["v1", app.index.digest, 1_700_000_100],
      ],
    );
    assert.equal(team.manifests.size, 8);
    assert.deepEqual(team.manifests.get(sbom.manifest.digest)?.refs?.subject, app.index.digest);
    const plan = planGc(graph, () => 0);
    assert.deepEqual(
      plan.deletes.map((d) => `${d.repo}@${d.digest}`),
      [`team/app@${old.manifest.digest}`],
    );
    assert.deepEqual(calls(), [], "reading the graph runs nothing");
    // The same storage reads the same; one tag moved changes the fingerprint.
    assert.equal(parseGraph(gc(["--graph"]).stdout).fingerprint, graph.fingerprint);
    store("team/app", [], { v1: [old.manifest, 1_700_000_400] });
    assert.notEqual(parseGraph(gc(["--graph"]).stdout).fingerprint, graph.fingerprint);
  });

  it("--graph of an empty registry is an empty graph", () => {
    const r = gc(["--graph"]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(parseGraph(r.stdout).repos, []);
  });

  it("--apply freezes pushes, then removes tags and deletes manifests through the API, collects without --delete-untagged, and thaws", () => {
    seed();
    const graph = parseGraph(gc(["--graph"]).stdout);
    const plan = planGc(graph, () => 0);
    const input = `${planText(plan)}\nuntag pub/tool 1\n`;
    const r = gc(["--apply"], {}, input);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^ops-gc bytes_freed=-?\d+ bytes_before=\d+ bytes_after=\d+ manifests_deleted=1 tags_removed=1$/m,
    );
    const seen = calls();
    const del = seen.findIndex((c) => c.includes("curl") && c.includes("-X DELETE"));
    assert.match(
      seen[del] ?? "",
      new RegExp(`frozen=1 curl .*http://10\\.9\\.9\\.9:5000/v2/team/app/manifests/${old.manifest.digest}`),
    );
    const collect = seen.findIndex((c) => c.includes("garbage-collect"));
    assert.ok(collect > del, seen.join("\n"));
    assert.match(seen[collect] ?? "", /frozen=1 /);
    assert.ok(!seen.some((c) => c.includes("--delete-untagged")));
    assert.ok(
      seen
        .slice(collect)
        .some((c) => /frozen=1 docker compose up -d .*--force-recreate --no-deps registry/.test(c)),
    );
    assert.match(seen[seen.length - 1] ?? "", /frozen=0 docker compose exec -T nginx nginx .* -s reload/);
    assert.equal(existsSync(join(v2(), "repositories/pub/tool/_manifests/tags/1")), false);
    assert.equal(existsSync(join(v2(), "repositories/team/app/_manifests/tags/v1")), true);
  });

  it("--apply refuses a plan made before a push: nothing deleted, pushes open again", () => {
    seed();
    const plan = planGc(parseGraph(gc(["--graph"]).stdout), () => 0);
    store("team/app", [], { v2: [old.manifest, 1_700_000_500] });
    const r = gc(["--apply"], {}, planText(plan));
    assert.equal(r.status, 3);
    assert.match(r.stderr, /the registry changed after ops read it .*nothing deleted/);
    assert.ok(!calls().some((c) => c.includes("curl") || c.includes("garbage-collect")));
    assert.match(calls().at(-1) ?? "", /frozen=0 .* -s reload/);
  });

  it("--apply refuses a malformed plan before it changes anything", () => {
    for (const bad of [
      "delete ../etc sha256:" + "a".repeat(64),
      "delete team/app latest",
      "untag team/app ../x",
      "rm -rf /",
    ]) {
      const r = gc(["--apply"], {}, `fingerprint ${"0".repeat(64)}\n${bad}\n`);
      assert.equal(r.status, 2, bad);
      assert.deepEqual(calls(), [], bad);
    }
  });

  it("from the timer: collects holding the run lock (frozen meanwhile), then releases it", () => {
    const r = gc(["--timer"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^ops-gc bytes_freed=0 bytes_before=\d+ bytes_after=\d+ manifests_deleted=0 tags_removed=0$/m,
    );
    const seen = calls();
    for (const c of seen)
      assert.match(c, /^owner=ops-registry-gc\.timer /, `every call ran under the lock:\n${seen.join("\n")}`);
    assert.match(seen.find((c) => c.includes("garbage-collect")) ?? "", /frozen=1 /);
    assert.equal(existsSync(lock), false, "the lock is released");
  });

  it("a registry nothing was pushed to yet: the collector finds the two folders Distribution fails without", () => {
    assert.equal(existsSync(join(v2(), "repositories")), false);
    const r = gc(["--timer"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ops-gc bytes_freed=0 /m);
    assert.ok(calls().some((c) => c.includes("garbage-collect")));
  });

  it("from the timer while an ops run holds the lock: skipped with exit 75, nothing run, the run's lock kept", () => {
    const held = "owner=alice@laptop\nrun=r-1\nstarted=2026-12-01T10:00:00Z\n";
    writeFileSync(lock, held);
    const r = gc(["--timer"]);
    assert.equal(r.status, 75);
    assert.match(r.stderr, /an ops run holds .*ops\.lock: garbage collection skipped this time/);
    assert.deepEqual(calls(), []);
    assert.equal(readFileSync(lock, "utf8"), held);
  });

  it("a failed collection still restarts the registry, opens pushes again and releases the lock", () => {
    const r = gc(["--timer"], { FAIL_GC: "1" });
    assert.notEqual(r.status, 0);
    const seen = calls();
    const failed = seen.findIndex((c) => c.includes("garbage-collect"));
    assert.ok(failed >= 0, seen.join("\n"));
    assert.ok(seen.slice(failed + 1).some((c) => c.includes("--force-recreate --no-deps registry")));
    assert.match(seen.at(-1) ?? "", /frozen=0 .* -s reload/);
    assert.equal(existsSync(lock), false);
  });

  it("from ops run registry-gc (no --timer): the run's own lock is neither needed nor touched", () => {
    const held = "owner=alice@laptop\nrun=r-2\nstarted=2026-12-01T10:00:00Z\n";
    writeFileSync(lock, held);
    const r = gc([]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(calls().some((c) => c.startsWith("owner=alice@laptop ") && c.includes("garbage-collect")));
    assert.equal(readFileSync(lock, "utf8"), held);
  });
});
