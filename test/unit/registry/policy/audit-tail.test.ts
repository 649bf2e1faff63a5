/**
 * Following the audit log: complete lines only, each once, in order, across nginx's rotation
 * (audit-rotate.sh renames; nginx writes on into the renamed file until it reopens) and across a
 * restart of the service (its place kept on disk), also when the log rotated while it was down.
 */
import { strict as assert } from "node:assert";
import { appendFileSync, mkdtempSync, renameSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { AuditTail, placeFile } from "../../../../src/registry/policy/audit-tail.js";

describe("policy: following the audit log", function () {
  // The property test writes and fsyncs the place many times.
  this.timeout(60_000);
  let dir: string;
  let log: string;
  let clock = 0;
  const now = (): number => clock;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-unit-audit-tail-"));
    log = join(dir, "audit.log");
    clock = Date.now() + 60_000;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Everything the tail gives until it has caught up, committing each chunk. */
  async function drain(tail: AuditTail, max = 64): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const chunk = tail.read(max);
      if (chunk === null) return out;
      out.push(...chunk.lines);
      await tail.commit(chunk.next);
    }
    throw new Error("the tail never caught up");
  }

  /** audit-rotate.sh: .N -> .N+1, audit.log -> audit.log.1 (nginx has not reopened yet). */
  function rotate(): void {
    for (let n = 60; n >= 1; n--) if (existsSync(`${log}.${n}`)) renameSync(`${log}.${n}`, `${log}.${n + 1}`);
    if (existsSync(log)) renameSync(log, `${log}.1`);
  }

  it("starts at the log's end; then complete lines only, each once", async () => {
    appendFileSync(log, "old 1\nold 2\n");
    const tail = new AuditTail(log, placeFile(dir), now);
    assert.deepEqual(await drain(tail), []);
    appendFileSync(log, "a\nb\nhalf");
    assert.deepEqual(await drain(tail), ["a", "b"]);
    appendFileSync(log, " a line\n");
    assert.deepEqual(await drain(tail), ["half a line"]);
    assert.deepEqual(await drain(tail), []);
  });

  it("a rotation: the renamed file is read to its end (nginx writes on into it), then the new one", async () => {
    appendFileSync(log, "");
    const tail = new AuditTail(log, placeFile(dir), now);
    await drain(tail);
    appendFileSync(log, "1\n2\n");
    rotate();
    appendFileSync(`${log}.1`, "3\n"); // before nginx reopened
    appendFileSync(log, "4\n");
    clock = Date.now(); // the renamed file was just written: not left yet
    assert.deepEqual(await drain(tail), ["1", "2", "3"]);
    appendFileSync(`${log}.1`, "5\n");
    clock = Date.now() + 60_000;
    assert.deepEqual(await drain(tail), ["5", "4"]);
  });

  it("a restart resumes at the kept place, also after rotations while it was down; its place gone, the oldest file first", async () => {
    appendFileSync(log, "");
    let tail = new AuditTail(log, placeFile(dir), now);
    await drain(tail);
    appendFileSync(log, "1\n");
    assert.deepEqual(await drain(tail), ["1"]);
    // Down: two rotations.
    appendFileSync(log, "2\n");
    rotate();
    appendFileSync(log, "3\n");
    rotate();
    appendFileSync(log, "4\n");
    tail = new AuditTail(log, placeFile(dir), now);
    assert.deepEqual(await drain(tail), ["2", "3", "4"]);
    // Down again, and the file of its place rotated out (removed): every file present is newer.
    appendFileSync(log, "5\n");
    rotate();
    rmSync(`${log}.3`);
    rmSync(`${log}.2`);
    rmSync(`${log}.1`);
    appendFileSync(log, "6\n");
    tail = new AuditTail(log, placeFile(dir), now);
    assert.deepEqual(await drain(tail), ["6"]);
  });

  it("forget(): nothing kept, the next read starts at the end", async () => {
    appendFileSync(log, "");
    const tail = new AuditTail(log, placeFile(dir), now);
    await drain(tail);
    appendFileSync(log, "1\n");
    tail.forget();
    assert.equal(existsSync(placeFile(dir)), false);
    assert.deepEqual(await drain(tail), []);
    appendFileSync(log, "2\n");
    assert.deepEqual(await drain(tail), ["2"]);
  });

  it("any mix of writes, partial lines, rotations and restarts: every line once, in order (property)", async () => {
    type Op = { kind: "write"; text: string } | { kind: "rotate" } | { kind: "restart" } | { kind: "read" };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc
        .stringMatching(/^[a-z]{0,12}(\n[a-z]{0,12}){0,3}$/)
        .map((text) => ({ kind: "write" as const, text })),
      fc.constant({ kind: "rotate" as const }),
      fc.constant({ kind: "restart" as const }),
      fc.constant({ kind: "read" as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 40 }),
        fc.integer({ min: 16, max: 64 }),
        async (ops, max) => {
          rmSync(dir, { recursive: true, force: true });
          dir = mkdtempSync(join(tmpdir(), "ops-unit-audit-tail-"));
          log = join(dir, "audit.log");
          appendFileSync(log, "");
          let tail = new AuditTail(log, placeFile(dir), now);
          await drain(tail, max);
          let written = "";
          const read: string[] = [];
          for (const o of ops) {
            if (o.kind === "write") {
              // Lines shorter than a read: nginx's are far shorter than the service's reads.
              const partial = written.length - written.lastIndexOf("\n") - 1;
              const text = partial + (o.text.split("\n")[0]?.length ?? 0) >= 15 ? `\n${o.text}` : o.text;
              appendFileSync(log, text);
              written += text;
            } else if (o.kind === "rotate") {
              // A line is never split across files (nginx writes whole lines).
              if (!written.endsWith("\n") && written !== "") {
                appendFileSync(log, "\n");
                written += "\n";
              }
              rotate();
            } else if (o.kind === "restart") tail = new AuditTail(log, placeFile(dir), now);
            else read.push(...(await drain(tail, max)));
          }
          appendFileSync(log, "\n");
          written += "\n";
          read.push(...(await drain(tail, max)));
          assert.deepEqual(read, written.split("\n").slice(0, -1));
        },
      ),
      { numRuns: 100 },
    );
  });
});
