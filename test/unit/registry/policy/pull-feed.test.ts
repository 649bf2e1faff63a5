/**
 * Pull events from the audit log: which lines are pulls (a manifest fetched from the registry, as
 * `ops registry audit` reads them), what the event says (Harbor's PULL_ARTIFACT shape, the account
 * nginx verified), and the feed reading the log only while a webhook wants pulls, resuming after a
 * restart without losing or skipping one.
 */
import { strict as assert } from "node:assert";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditTail, placeFile } from "../../../../src/registry/policy/audit-tail.js";
import { Metrics } from "../../../../src/registry/policy/metrics.js";
import { PullFeed, pullEvent } from "../../../../src/registry/policy/pull-feed.js";
import type { WebhookEvent } from "../../../../src/registry/policy/webhooks.js";

const DIGEST = `sha256:${"ab".repeat(32)}`;

/** A line as nginx's `ops_audit` log format writes it (nginx.conf.ejs). */
function line(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    time: "2026-12-07T12:00:00+00:00",
    service: "registry",
    user: "dev",
    action: "pull",
    kind: "manifest",
    project: "team",
    repository: "team/app",
    reference: "v1",
    method: "GET",
    status: 200,
    digest: DIGEST,
    from: "",
    bytes_in: 310,
    bytes_out: 1021,
    client: "172.28.213.11",
    seconds: 0.004,
    login: "dev",
    host: "reg.lan:5000",
    ...over,
  });
}

describe("policy: pull events from the audit log", () => {
  it("a manifest fetched by tag or digest is a pull, with who, what and where", () => {
    assert.deepEqual(pullEvent(line()), {
      type: "PULL_ARTIFACT",
      project: "team",
      operator: "dev",
      at: Date.UTC(2026, 11, 7, 12),
      data: {
        resources: [{ digest: DIGEST, tag: "v1", resource_url: "reg.lan:5000/team/app:v1" }],
        repository: { name: "app", namespace: "team", repo_full_name: "team/app" },
      },
    });
    const byDigest = pullEvent(line({ reference: DIGEST, user: "" }));
    assert.equal(byDigest?.operator, "", "an anonymous pull of a public project");
    assert.deepEqual(byDigest?.data.resources, [
      { digest: DIGEST, tag: "", resource_url: `reg.lan:5000/team/app@${DIGEST}` },
    ]);
  });

  it("not pulls: a HEAD check, a blob, a refusal, a missing manifest, the proxy cache, a push, what is not a record", () => {
    for (const over of [
      { method: "HEAD" },
      { kind: "blob" },
      { status: 401, user: "" },
      { status: 403 },
      { status: 404, digest: "" },
      { status: 429 },
      { service: "proxy-cache" },
      { action: "push", method: "PUT", status: 201 },
    ])
      assert.equal(pullEvent(line(over)), null, JSON.stringify(over));
    for (const text of ["", "{", "[]", line().slice(0, 40), JSON.stringify({ status: 200 })])
      assert.equal(pullEvent(text), null, text);
  });

  describe("the feed", () => {
    let dir: string;
    let log: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "ops-unit-pull-feed-"));
      log = join(dir, "audit.log");
      appendFileSync(log, "");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function feed(wanted: { now: boolean }, got: WebhookEvent[]): PullFeed {
      return new PullFeed({
        tail: new AuditTail(log, placeFile(dir)),
        wanted: () => wanted.now,
        emit: (e) => {
          got.push(e);
          return Promise.resolve();
        },
        metrics: new Metrics(),
      });
    }

    it("reads only while a webhook wants pulls; resumes after a restart, each pull once", async () => {
      const wanted = { now: false };
      const got: WebhookEvent[] = [];
      let f = feed(wanted, got);
      appendFileSync(log, `${line({ reference: "before" })}\n`);
      await f.tick();
      wanted.now = true;
      await f.tick(); // the place: the log's end, where it is now
      appendFileSync(log, `${line({ reference: "a" })}\n${line({ method: "HEAD" })}\n`);
      await f.tick();
      assert.deepEqual(
        got.map((e) => e.data.resources),
        [[{ digest: DIGEST, tag: "a", resource_url: "reg.lan:5000/team/app:a" }]],
      );
      // Stopped; pulls go on; a new process takes them from its place.
      await f.stop();
      appendFileSync(log, `${line({ reference: "b" })}\n${line({ reference: "c" })}\n`);
      f = feed(wanted, got);
      await f.tick();
      await f.tick();
      assert.deepEqual(
        got.map((e) => (e.data.resources as { tag: string }[])[0]?.tag),
        ["a", "b", "c"],
      );
      // No webhook wants pulls any more: nothing read, and pulls made meanwhile are never sent.
      wanted.now = false;
      appendFileSync(log, `${line({ reference: "unwanted" })}\n`);
      await f.tick();
      wanted.now = true;
      await f.tick();
      appendFileSync(log, `${line({ reference: "d" })}\n`);
      await f.tick();
      assert.deepEqual(
        got.map((e) => (e.data.resources as { tag: string }[])[0]?.tag),
        ["a", "b", "c", "d"],
      );
    });

    it("an event not yet on disk keeps the place: a stop then reads the line again (at least once)", async () => {
      const got: WebhookEvent[] = [];
      let release = (): void => undefined;
      const f = new PullFeed({
        tail: new AuditTail(log, placeFile(dir)),
        wanted: () => true,
        emit: (e) => {
          got.push(e);
          return new Promise((r) => (release = r));
        },
        metrics: new Metrics(),
      });
      await f.tick();
      appendFileSync(log, `${line({ reference: "a" })}\n`);
      const pending = f.tick();
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(got.length, 1);
      // The service stops before the event reached the disk: the next process reads the pull again.
      const again: WebhookEvent[] = [];
      await feed({ now: true }, again).tick();
      assert.equal(again.length, 1);
      release();
      await pending;
    });
  });
});
