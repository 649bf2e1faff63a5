// The containers probe's process listing, run for real by every awk on this machine (mawk, gawk,
// gawk --posix: a host has one of them) over a made-up /proc: the same shell text a host runs, with
// /proc pointed at a temporary tree. What each container's processes are, in which order, and what
// a process that is gone or a status without a field gives.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { containers } from "../../../../src/compliance/facts/containers.js";
import {
  readProcessLine,
  type ContainerProcesses,
} from "../../../../src/compliance/facts/container-record.js";

const id = (c: string) => c.repeat(64);
const [A, B, C, NESTED] = [id("a"), id("b"), id("c"), id("d")];

const awks = [["awk"], ["mawk"], ["gawk"], ["gawk", "--posix"]].filter(
  ([cmd]) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0,
);

interface Proc {
  cgroup: string;
  comm?: string;
  status?: string;
}

function fakeProc(procs: Record<number, Proc>): string {
  const root = mkdtempSync(join(tmpdir(), "ops-proc-"));
  for (const [pid, p] of Object.entries(procs)) {
    const dir = join(root, pid);
    mkdirSync(dir);
    writeFileSync(join(dir, "cgroup"), p.cgroup);
    if (p.comm !== undefined) writeFileSync(join(dir, "comm"), p.comm);
    if (p.status !== undefined) writeFileSync(join(dir, "status"), p.status);
  }
  return root;
}

/** The probe's text from the process listing on, /proc replaced by `root`, and `awk` by `awk`. */
function listing(root: string, awk: string[], ids: string[]): Map<string, ContainerProcesses> {
  const probe = containers.probe as string;
  const part = probe
    .slice(probe.indexOf("members=$("))
    .replaceAll("/proc/", `${root}/`)
    .replace("| awk -v ids=", `| ${awk.join(" ")} -v ids=`);
  assert.ok(part.includes(`${root}/`) && part.includes(`| ${awk.join(" ")} -v`), "the listing was found");
  const r = spawnSync("sh", ["-c", `ids='${ids.join("\n")}'\n${part}`], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  const into = new Map<string, ContainerProcesses>();
  const last: { id?: string } = {};
  for (const row of r.stdout.split("\n").filter((l) => l !== ""))
    assert.ok(readProcessLine(row, into, last), `a process line: ${row}`);
  return into;
}

const status = (nnp: string, seccomp: string) => `Name:\tx\nNoNewPrivs:\t${nnp}\nSeccomp:\t${seccomp}\n`;

describe("containers probe: each container's processes from /proc, in one awk", () => {
  let root = "";
  afterEach(() => root && rmSync(root, { recursive: true, force: true }));

  for (const awk of awks) {
    it(`${awk.join(" ")}: pids in numeric order, comm with spaces, unread fields, gone processes, nested engines`, () => {
      root = fakeProc({
        100: { cgroup: `0::/system.slice/docker-${A}.scope\n`, comm: "sshd\n", status: status("1", "2") },
        9: { cgroup: `0::/system.slice/docker-${A}.scope\n`, comm: "my app\n", status: status("0", "0") },
        10: { cgroup: `12:pids:/docker/${A}\n`, comm: "sh\n", status: "Name:\tsh\n" },
        11: { cgroup: `0::/docker/${A}\n`, status: status("0", "0") },
        12: { cgroup: `0::/docker/${A}\n`, comm: "nostatus\n" },
        13: { cgroup: `0::/docker/${A}/docker/${NESTED}/x\n`, comm: "nested\n", status: status("0", "0") },
        14: { cgroup: `0::/docker/${C}\n`, comm: "\n", status: "NoNewPrivs:\nSeccomp:\t2\n" },
      });
      const got = listing(root, awk, [A, B, C]);
      assert.deepEqual(got.get(A), {
        status: "listed",
        processes: [
          { pid: 9, command: "my app", noNewPrivs: false, seccomp: 0 },
          { pid: 10, command: "sh", noNewPrivs: null, seccomp: null },
          { pid: 12, command: "nostatus", noNewPrivs: null, seccomp: null },
          { pid: 100, command: "sshd", noNewPrivs: true, seccomp: 2 },
        ],
      });
      assert.deepEqual(got.get(B), {
        status: "error",
        message: "no process in its cgroup (it stopped meanwhile)",
      });
      assert.deepEqual(got.get(C), {
        status: "listed",
        processes: [{ pid: 14, command: "", noNewPrivs: null, seccomp: 2 }],
      });
      assert.equal(got.has(NESTED), false);
    });
  }

  it("at most 500 processes per container, the lowest pids", () => {
    const many: Record<number, Proc> = {};
    for (let pid = 1; pid <= 503; pid++)
      many[pid] = { cgroup: `0::/docker/${A}\n`, comm: `p${pid}\n`, status: status("0", "2") };
    root = fakeProc(many);
    const got = listing(root, awks[0] ?? ["awk"], [A]).get(A);
    assert.equal(got?.status, "listed");
    const pids = got.status === "listed" ? got.processes.map((p) => p.pid) : [];
    assert.deepEqual(
      pids,
      Array.from({ length: 500 }, (_, i) => i + 1),
    );
  });
});
