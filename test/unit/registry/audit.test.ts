import { strict as assert } from "node:assert";
import {
  AuditReader,
  auditEvents,
  formatAudit,
  parseAuditLog,
  parseWhen,
  readAuditLine,
} from "../../../src/registry/audit.js";

const line = (o: Record<string, unknown>) =>
  JSON.stringify({
    time: "2026-12-01T10:00:00+00:00",
    service: "registry",
    user: "dev",
    action: "push",
    kind: "manifest",
    project: "team",
    repository: "team/app",
    reference: "v1",
    method: "PUT",
    status: 201,
    digest: "sha256:" + "a".repeat(64),
    from: "",
    bytes_in: 1,
    bytes_out: 1,
    client: "10.0.0.6",
    seconds: 0.01,
    ...o,
  });

const LOG = [
  line({}),
  line({ kind: "upload", method: "PATCH", status: 202 }),
  line({ time: "2026-12-01T11:00:00+00:00", user: "guest", action: "pull", method: "GET", status: 200 }),
  line({ time: "2026-12-01T11:00:01+00:00", user: "guest", action: "pull", method: "HEAD", status: 200 }),
  line({
    time: "2026-12-01T11:30:00+00:00",
    user: "guest",
    kind: "upload",
    method: "POST",
    status: 403,
    reference: "",
  }),
  line({
    time: "2026-12-01T12:00:00+00:00",
    user: "",
    action: "pull",
    project: "pub",
    repository: "pub/tool",
    method: "GET",
    status: 200,
  }),
  line({
    time: "2026-12-01T12:10:00+00:00",
    user: "keeper",
    action: "delete",
    method: "DELETE",
    status: 202,
    reference: "sha256:" + "b".repeat(64),
  }),
  '{"time":"2026-12-01T12:11:00+00:00","user":"tru', // a line being written
].join("\n");

describe("registry audit log", () => {
  const { records } = parseAuditLog(LOG);

  it("reads nginx's JSON lines and skips a half-written one", () => assert.equal(records.length, 7));

  it("keeps manifest pushes, pulls, deletes and refusals; blob and HEAD requests only with --all", () => {
    const e = auditEvents(records);
    assert.deepEqual(
      e.map((x) => `${x.user || "-"} ${x.denied ? "denied " : ""}${x.action} ${x.repository}`),
      [
        "dev push team/app",
        "guest pull team/app",
        "guest denied push team/app",
        "- pull pub/tool",
        "keeper delete team/app",
      ],
    );
    assert.equal(auditEvents(records, { all: true }).length, 7);
  });

  it("filters by user, project, action and time", () => {
    assert.equal(auditEvents(records, { user: "guest" }).length, 2);
    assert.equal(auditEvents(records, { project: "pub" }).length, 1);
    assert.equal(auditEvents(records, { action: "push" }).length, 2);
    const since = new Date("2026-12-01T11:15:00Z");
    const until = new Date("2026-12-01T12:05:00Z");
    assert.deepEqual(
      auditEvents(records, { since, until }).map((x) => x.status),
      [403, 200],
    );
  });

  it("reads durations and dates for --since", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    assert.equal(parseWhen("2h", now)?.toISOString(), "2026-12-01T10:00:00.000Z");
    assert.equal(parseWhen("7d", now)?.toISOString(), "2026-11-24T12:00:00.000Z");
    assert.equal(parseWhen("2026-11-30", now)?.toISOString(), "2026-11-30T00:00:00.000Z");
    assert.equal(parseWhen("yesterday-ish", now), null);
  });

  it("prints a table with anonymous users and refusals spelled out", () => {
    const text = formatAudit(auditEvents(records));
    assert.match(text, /^TIME\s+USER\s+ACTION\s+IMAGE/);
    assert.match(text, /\(anonymous\)\s+pull\s+pub\/tool:v1/);
    assert.match(text, /guest\s+DENIED push/);
    assert.match(text, /team\/app@sha256:b{64}/);
    assert.equal(formatAudit([]), "no matching events\n");
  });

  it("names the malformed shapes: a bad time, a numeric or missing reference; a half-written last line is no problem", () => {
    const missing = JSON.stringify({ ...JSON.parse(line({})), reference: undefined });
    const lines = [
      line({}),
      line({ time: "yesterday" }),
      line({ reference: 7 }),
      missing,
      line({ status: "201" }),
    ];
    assert.deepEqual(
      lines.map((l) => {
        const r = readAuditLine(l);
        return r && "problem" in r ? r.problem : "ok";
      }),
      [
        "ok",
        "'time' is not a date",
        "'reference' is not a string",
        "'reference' is missing",
        "'status' is not an HTTP status",
      ],
    );
    const reader = new AuditReader();
    for (const l of [...lines, '{"time": "2026-12-01T1']) reader.feed(l);
    assert.equal(
      reader.problems(),
      "4 line(s) of the audit log are not audit records (line 2: 'time' is not a date)",
    );
    assert.equal(parseAuditLog([lines[0], '{"time": "2026-12-01T1'].join("\n")).problems, undefined);
  });

  describe("logins and every request", () => {
    const base = {
      action: "base",
      kind: "base",
      project: "",
      repository: "",
      reference: "",
      method: "GET",
      digest: "",
    };
    const more = parseAuditLog(
      [
        line({ ...base, user: "", status: 401, login: "dev", time: "2026-12-01T13:00:00+00:00" }),
        line({ ...base, user: "", status: 401, login: "nobody", time: "2026-12-01T13:00:01+00:00" }),
        line({ ...base, user: "", status: 429, login: "dev", time: "2026-12-01T13:00:02+00:00" }),
        line({ ...base, user: "", status: 401, login: "", time: "2026-12-01T13:00:03+00:00" }),
        line({ ...base, action: "token", kind: "token", status: 200, login: "dev" }),
        line({ ...base, action: "catalog", kind: "catalog", user: "root", status: 200, login: "root" }),
        line({ ...base, action: "deny", kind: "deny", status: 403, login: "dev" }),
      ].join("\n"),
    ).records;
    const all = [...records, ...more];

    it("a refused credential and a throttled login are failed logins, under the name tried", () => {
      const failed = auditEvents(all, { failed: true });
      const logins = failed.filter((e) => e.action === "login");
      assert.deepEqual(
        logins.map((e) => [e.user, e.status]),
        [
          ["dev", 401],
          ["nobody", 401],
          ["dev", 429],
        ],
      );
      assert.ok(failed.every((e) => e.denied));
      assert.ok(
        failed.some((e) => e.user === "guest" && e.action === "push"),
        "denied requests too",
      );
      assert.deepEqual(
        auditEvents(all, { action: "login", user: "nobody" }).map((e) => e.status),
        [401],
      );
      // docker's first anonymous ping carries no credential: a challenge, not a failed login.
      assert.equal(auditEvents(more, {}).filter((e) => e.status === 401).length, 2);
    });

    it("--all really is every request: tokens, the catalog, pings and refusals of any kind", () => {
      const every = auditEvents(all, { all: true });
      assert.equal(every.length, all.length);
      for (const a of ["token", "catalog", "deny", "base", "login"])
        assert.ok(
          every.some((e) => e.action === a),
          a,
        );
    });
  });
});
