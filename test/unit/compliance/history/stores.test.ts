/**
 * The history store, the same suite on SQLite (a temporary file) and on a real PostgreSQL server
 * the test starts itself: runs stored whole or not at all, read back equal, listed newest first,
 * migrations applied once.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

    it("opening again keeps the data and applies no migration twice", async () => {
      const again = await open();
      try {
        assert.equal((await again.listRuns({ limit: 10 })).length, 3);
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
    it("a server that does not answer, with the password masked", () =>
      refused(
        "postgres://ops:s3cret@127.0.0.1:1/ops",
        /^cannot open the history database postgres:\/\/ops:\*\*\*@127\.0\.0\.1:1\/ops: ECONNREFUSED/,
      ));
  });
});
