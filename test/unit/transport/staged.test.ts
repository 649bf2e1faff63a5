/**
 * A staged command: the host's first stage, then a second stage chosen from what it printed, in
 * ONE command. Run against a real sh (the local transport) and against a start function that
 * delivers the output in hostile chunk sizes.
 */
import { strict as assert } from "node:assert";
import type { Readable } from "node:stream";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { BecomeError } from "../../../src/errors.js";
import { LocalTransport } from "../../../src/transport/local.js";
import { runStaged, stagedScript } from "../../../src/transport/staged.js";

/** Reads a stream to its end. */
async function drain(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(parts).toString("utf8");
}

describe("staged commands", () => {
  it("a real sh runs the second stage the first one chose, as one command", async () => {
    const t = new LocalTransport("me", { become: false, isRoot: true });
    const r = await t.execStaged("echo kernel; uname -s", (first) => {
      const os = first.trim().split("\n")[1] ?? "";
      return `echo "chose for ${os}"; exit 3`;
    });
    assert.equal(r.firstStdout, `kernel\n${execFileSync("uname", ["-s"], { encoding: "utf8" })}`);
    assert.equal(r.stdout, `chose for ${r.firstStdout.split("\n")[1]}\n`);
    assert.equal(r.code, 3);
    assert.equal(r.staged, true);
    assert.equal(t.commandCount, 1);
  });

  it("the first stage cannot read the second from stdin", async () => {
    const t = new LocalTransport("me", { become: false, isRoot: true });
    const r = await t.execStaged("cat; echo done", () => "echo second");
    assert.equal(r.firstStdout, "done\n");
    assert.equal(r.stdout, "second\n");
  });

  it("when choosing the second stage throws, the host's shell ends and the error is thrown", async () => {
    const t = new LocalTransport("me", { become: false, isRoot: true });
    await assert.rejects(
      t.execStaged("echo first", () => {
        throw new Error("no family for this host");
      }),
      /no family for this host/,
    );
  });

  it("a command that ends before the marker is not staged, and says what it printed", async () => {
    const t = new LocalTransport("me", { become: false, isRoot: true });
    const r = await t.execStaged("echo oops; exit 7", () => "echo never");
    // The subshell's exit does not end the outer shell: the marker still comes, so only a shell
    // that dies (sudo refusing, a killed channel) is not staged. Simulate that with exec's status.
    assert.equal(r.staged, true);
    const died = await runStaged(
      "x",
      () => "y",
      async () => ({ code: 1, stdout: "sudo: nope\n", stderr: "" }),
    );
    assert.equal(died.staged, false);
    assert.equal(died.firstStdout, "");
  });

  it("finds the marker wherever the output is cut into chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        async (cuts) => {
          let sent = "";
          const result = await runStaged(
            "first",
            (out) => `next:${out}`,
            async (script, stdin, { onStdout }) => {
              const marker = /'(@@ops-stage-[0-9a-f]+@@)'/.exec(script)?.[1] ?? "";
              const out = Buffer.from(`héllo\nworld\n${marker}\n`);
              let at = 0;
              for (const n of cuts) {
                if (at >= out.length) break;
                onStdout(out.subarray(at, at + n));
                at += n;
              }
              if (at < out.length) onStdout(out.subarray(at));
              sent = await drain(stdin);
              onStdout(Buffer.from("after\n"));
              return { code: 0, stdout: "", stderr: "" };
            },
          );
          assert.equal(result.firstStdout, "héllo\nworld");
          assert.equal(sent, "next:héllo\nworld");
          assert.equal(result.stdout, "after\n");
        },
      ),
      { numRuns: 60 },
    );
  });

  describe("sudo refusing the become password", () => {
    let bin: string;
    before(() => {
      // sudo -S as it behaves: one attempt per stdin line, "Sorry, try again." after each wrong
      // one, up to three; at the end of stdin it gives up. The wrong password's second and third
      // attempts would read the staged stdin, which stays open until the first stage's marker.
      bin = mkdtempSync(join(tmpdir(), "ops-sudo-"));
      const sudo = join(bin, "sudo");
      writeFileSync(
        sudo,
        [
          "#!/bin/sh",
          "tries=0",
          'while [ "$tries" -lt 3 ]; do',
          '  IFS= read -r pw || { echo "sudo: $tries incorrect password attempts" >&2; exit 1; }',
          "  tries=$((tries + 1))",
          '  if [ "$pw" = right ]; then shift 5; exec "$@"; fi',
          '  echo "Sorry, try again." >&2',
          "done",
          'echo "sudo: 3 incorrect password attempts" >&2',
          "exit 1",
          "",
        ].join("\n"),
      );
      chmodSync(sudo, 0o755);
    });
    after(() => rmSync(bin, { recursive: true, force: true }));

    const transport = (password: string): LocalTransport =>
      new LocalTransport("me", {
        become: true,
        isRoot: false,
        becomePassword: password,
        env: { PATH: `${bin}:${process.env.PATH ?? ""}` },
      });

    it("a wrong password ends the command at once as a become failure, never waiting on stdin", async () => {
      await assert.rejects(
        transport("wrong").execStaged("echo facts", () => "echo never"),
        (error: Error) =>
          error instanceof BecomeError && /sudo refused the become password/.test(error.message),
      );
    }).timeout(5000);

    it("the right password runs both stages", async () => {
      const r = await transport("right").execStaged("echo facts", (first) => `echo "got ${first.trim()}"`);
      assert.equal(r.stdout, "got facts\n");
      assert.equal(r.staged, true);
    });
  });

  it("the host's script runs the first stage with stdin from /dev/null, then evaluates the rest", () => {
    const script = stagedScript("echo a", "@@m@@");
    const out = execFileSync("sh", ["-c", script], { input: "echo b\n", encoding: "utf8" });
    assert.equal(out, "a\n\n@@m@@\nb\n");
  });
});
