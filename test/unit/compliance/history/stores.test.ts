/**
 * The history store, the same suite on SQLite (a temporary file) and on a real PostgreSQL server
 * the test starts itself: runs stored whole or not at all, read back equal, listed newest first,
 * migrations applied once.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS } from "../../../../src/compliance/history/migrations.js";
import { openHistory } from "../../../../src/compliance/history/open.js";
import type { HistoryStore } from "../../../../src/compliance/history/sql-store.js";
import { ConfigError } from "../../../../src/errors.js";
import { startPostgres, type TestPostgres } from "../../../helpers/postgres.js";
import { run } from "../support/runs.js";

const r1 = run("r1", "2026-05-01T02:00:00Z", {
  "el9-1": { "cis.2.2": "fail", "cis.2.15": "pass" },
  "el9-2": { "cis.2.2": "waived" },
});
const r2 = run("r2", "2026-05-02T02:00:00Z", {
  "el9-1": { "cis.2.2": "pass", "cis.2.15": "pass" },
});
const other = run("r3", "2026-05-03T02:00:00Z", { db1: { "cis.2.2": "not-applicable" } }, "/srv/other.yaml");

function storeSuite(name: string, open: () => Promise<HistoryStore>) {
  describe(name, function () {
    this.timeout(60_000);
    let store: HistoryStore;
    before(async () => {
      store = await open();
    });
    after(async () => store?.close());

    it("stores a run whole and reads it back equal, hosts and checks in their order", async () => {
      await store.save(r1);
      await store.save(r2);
      await store.save(other);
      const [back] = await store.loadRuns(["r1"]);
      assert.deepEqual(back, r1);
    });

    it("lists the newest runs first, of one inventory when asked", async () => {
      assert.deepEqual(
        (await store.listRuns({ limit: 10 })).map((r) => r.id),
        ["r3", "r2", "r1"],
      );
      assert.deepEqual(
        (await store.listRuns({ limit: 1, inventory: "/srv/ops/hosts.yaml" })).map((r) => r.id),
        ["r2"],
      );
      assert.deepEqual(await store.loadRuns(["nope"]), []);
    });

    it("a run that cannot be stored leaves nothing behind", async () => {
      const broken = { ...run("r4", "2026-05-04T02:00:00Z", { "el9-1": { a: "pass" } }) };
      // The same check twice on one host breaks the primary key half-way through the run.
      broken.hosts[0]?.checks.push({ ...broken.hosts[0].checks[0]! });
      await assert.rejects(store.save(broken));
      assert.deepEqual(
        (await store.listRuns({ limit: 10 })).map((r) => r.id),
        ["r3", "r2", "r1"],
      );
      assert.deepEqual(await store.loadRuns(["r4"]), []);
    });

    it("each host's previous run: the newest of the same inventory and check set in which it was checked", async () => {
      const at = (d: number) => `2026-06-0${d}T02:00:00Z`;
      const full = run("p1", at(1), { a: { x: "fail" }, b: { x: "fail" } }, "/inv/p.yaml");
      const limited = run("p2", at(2), { a: { x: "pass" } }, "/inv/p.yaml", { targets: "a" });
      const otherSet = run("p3", at(3), { b: { x: "pass" } }, "/inv/p.yaml", {
        checkSet: "another-set-0000",
      });
      const down = run("p4", at(4), { b: {} }, "/inv/p.yaml");
      const host = down.hosts[0];
      if (host) host.status = "unreachable";
      for (const r of [full, limited, otherSet, down]) await store.save(r);
      const now = run("p5", at(5), { a: { x: "pass" }, b: { x: "pass" }, c: { x: "pass" } }, "/inv/p.yaml");
      const previous = await store.previousRunsOf(now);
      assert.deepEqual(
        Object.fromEntries(previous),
        { a: "p2", b: "p1" },
        "c has none; b's later runs do not count",
      );
    });

    it("retention keeps the newest N runs and runs younger than D days, deleting the rest whole", async () => {
      const now = new Date("2026-06-05T03:00:00Z");
      assert.equal(await store.prune({ now }), 0, "nothing asked, nothing deleted");
      const before = (await store.listRuns({ limit: 100 })).length;
      assert.equal(
        await store.prune({ keepDays: 3, now }),
        before - 2,
        "runs since 2026-06-02T03:00 are kept",
      );
      assert.deepEqual(
        (await store.listRuns({ limit: 100 })).map((r) => r.id),
        ["p4", "p3"],
      );
      assert.equal(await store.prune({ keepRuns: 1, now }), 1);
      assert.deepEqual(
        (await store.listRuns({ limit: 100 })).map((r) => r.id),
        ["p4"],
      );
      assert.deepEqual(await store.loadRuns(["p2", "p3"]), [], "their hosts and results are gone too");
      assert.equal((await store.loadRuns(["p4"]))[0]?.hosts.length, 1);
    });

    it("opening again keeps the data and applies no migration twice", async () => {
      const again = await open();
      try {
        assert.equal((await again.listRuns({ limit: 10 })).length, 1);
      } finally {
        await again.close();
      }
    });
  });
}

describe("compliance history stores", () => {
  const dir = mkdtempSync(join(tmpdir(), "ops-history-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  storeSuite("SQLite", () => openHistory(join(dir, "nested", "history.sqlite")));

  let pg: TestPostgres | undefined;
  describe("PostgreSQL (a real server started for the test)", function () {
    this.timeout(120_000);
    before(async () => {
      pg = await startPostgres();
    });
    after(() => pg?.stop());
    storeSuite("store", () => openHistory(pg?.url ?? ""));
  });

  it("a history written before not-applicable was its own status reads back as not-applicable", async () => {
    const file = join(dir, "v1.sqlite");
    const db = new Database(file);
    for (const sql of MIGRATIONS[0] ?? []) db.exec(sql);
    db.exec("CREATE TABLE ops_schema (version INTEGER NOT NULL); INSERT INTO ops_schema VALUES (1)");
    db.prepare("INSERT INTO ops_runs VALUES (?, ?, ?, ?, ?, ?)").run(
      "old",
      "2026-01-01T00:00:00Z",
      "2026-01-01T00:00:09Z",
      "/inv",
      "[]",
      0,
    );
    db.prepare("INSERT INTO ops_hosts VALUES (?, ?, ?, ?, ?, ?, ?)").run("old", "el9-1", 0, "ok", null, 5, 1);
    const record = {
      id: "cis.host.audit-rules",
      title: "t",
      status: "n/a",
      verdict: "pass",
      message: "not applicable: no auditd",
      evidence: { command: "c", outputTail: "" },
    };
    db.prepare("INSERT INTO ops_results VALUES (?, ?, ?, ?, ?, ?, ?)").run(
      "old",
      "el9-1",
      record.id,
      0,
      "n/a",
      "low",
      JSON.stringify(record),
    );
    db.close();
    const store = await openHistory(file);
    try {
      const [back] = await store.loadRuns(["old"]);
      assert.equal(back?.hosts[0]?.checks[0]?.status, "not-applicable");
      assert.equal(back?.hosts[0]?.checks[0]?.verdict, "not-applicable");
      assert.equal(back?.targets, "all");
    } finally {
      await store.close();
    }
  });

  describe("a --history that cannot be used is a configuration error naming --history", () => {
    const refused = async (spec: string, message: RegExp) => {
      await assert.rejects(openHistory(spec), (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.equal(e.location.path, "--history");
        assert.match(e.message, message);
        return true;
      });
    };
    it("a directory", () => refused(dir, /is a directory, not a history database/));
    it("a file that is not a database", async () => {
      const text = join(dir, "notes.txt");
      writeFileSync(text, "these are not the tables you are looking for\n".repeat(100));
      await refused(text, /cannot (use|open) the history database .*notes.txt: SQLITE_NOTADB/);
    });
    it("a URL of another kind", () =>
      refused("mysql://db/ops", /neither a file path nor a postgres:\/\/ URL/));
    it("a PostgreSQL URL whose deadline is not a number (nothing is sent)", () =>
      refused(
        "postgres://ops:s3cret@127.0.0.1:1/ops?connect_timeout=soon",
        /^'postgres:\/\/ops:\*\*\*@127\.0\.0\.1:1\/ops\?connect_timeout=soon' cannot be used: connect_timeout=soon is not a number/,
      ));
    it("a PostgreSQL URL naming a CA file that does not exist (nothing is sent)", () =>
      refused(
        "postgres://ops@127.0.0.1:1/ops?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
        /cannot be used: ENOENT.*\/nonexistent\/ca\.pem/,
      ));
  });
});
