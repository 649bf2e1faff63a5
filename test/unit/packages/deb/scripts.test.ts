import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downgradeScript, installScript, removeScript } from "../../../../src/packages/deb/scripts.js";
import { assertParses } from "../../facts/support/shell.js";

// Stand-ins for apt-get, apt-cache and apt-mark that log their arguments and answer as apt does, so
// the generated sh runs for real (under dash, Debian's /bin/sh) without touching this machine's apt.
const MADISON = [
  " docker-ce | 5:24.0.7-1~debian.12~bookworm | http://repo/linux/debian bookworm/stable amd64 Packages",
  " docker-ce | 5:20.10.24-2~debian.12~bookworm | http://repo/linux/debian bookworm/stable amd64 Packages",
  " docker-ce | 5:20.10.24-1~debian.12~bookworm | http://repo/linux/debian bookworm/stable amd64 Packages",
].join("\n");

function run(script: string, held = ""): { status: number | null; log: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "ops-apt-"));
  const log = join(dir, "log");
  const stub = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $*" >>${log}\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  stub("apt-get", "exit 0");
  stub("apt-cache", `case "$*" in *"madison docker-ce") cat <<'EOF'\n${MADISON}\nEOF\n;; esac\nexit 0`);
  stub("apt-mark", `printf '%s' '${held}'`);
  try {
    const r = spawnSync("dash", ["-c", script], {
      encoding: "utf8",
      env: { PATH: `${dir}:/usr/bin:/bin` },
    });
    let text = "";
    try {
      text = readFileSync(log, "utf8");
    } catch {
      // nothing ran
    }
    return { status: r.status, log: text, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const APT =
  "apt-get -q -y -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold";

describe("packages/deb/scripts", () => {
  it("every script parses in sh, dash and bash", () => {
    assertParses(installScript(["docker-ce=24.0.7", "containerd.io"]));
    assertParses(downgradeScript(["docker-ce=5:20.10.24-1~debian.12~bookworm"]));
    assertParses(removeScript(["docker.io", "runc"]));
  });

  it("refreshes the lists, then installs non-interactively with a lock wait", () => {
    const r = run(installScript(["docker-ce", "containerd.io"]));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.log,
      `apt-mark showhold docker-ce containerd.io\n${APT} update\n${APT} install docker-ce containerd.io\n`,
    );
  });

  it("resolves an upstream-only pin to the repository's newest revision of it", () => {
    const r = run(installScript(["docker-ce=20.10.24", "docker-ce-cli"]));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(
      r.log.endsWith(`${APT} install docker-ce=5:20.10.24-2~debian.12~bookworm docker-ce-cli\n`),
      r.log,
    );
  });

  it("passes a whole Debian version as it is, and downgrades with --allow-downgrades", () => {
    const r = run(downgradeScript(["docker-ce=5:20.10.24-1~debian.12~bookworm"]));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.log.includes("madison"), r.log);
    assert.ok(
      r.log.endsWith(`${APT} --allow-downgrades install docker-ce=5:20.10.24-1~debian.12~bookworm\n`),
      r.log,
    );
  });

  it("fails naming the package and version when the repository has no such version", () => {
    const r = run(installScript(["docker-ce=19.03.1"]));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no version 19\.03\.1 of docker-ce in the configured apt repositories/);
    assert.ok(!r.log.includes(" install "), r.log);
  });

  it("leaves held packages alone: fails before apt runs, naming them", () => {
    for (const script of [installScript(["docker-ce=24.0.7"]), removeScript(["docker-ce"])]) {
      const r = run(script, "docker-ce\n");
      assert.equal(r.status, 1);
      assert.match(r.stderr, /held with apt-mark hold.*docker-ce.*apt-mark unhold/);
      assert.equal(r.log, "apt-mark showhold docker-ce\n");
    }
  });

  it("with one sources file, update, madison and install read it alone and keep the other lists", () => {
    const only = "/etc/apt/sources.list.d/docker-ce.sources";
    const opts = `-o Dir::Etc::SourceList=${only} -o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0`;
    const r = run(installScript(["docker-ce=20.10.24"], only));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.log,
      [
        "apt-mark showhold docker-ce",
        `${APT} ${opts} update`,
        `apt-cache ${opts} madison docker-ce`,
        `${APT} ${opts} install docker-ce=5:20.10.24-2~debian.12~bookworm`,
        "",
      ].join("\n"),
    );
    const d = run(downgradeScript(["docker-ce=5:20.10.24-1~debian.12~bookworm"], only));
    assert.ok(
      d.log.endsWith(`${APT} ${opts} --allow-downgrades install docker-ce=5:20.10.24-1~debian.12~bookworm\n`),
      d.log,
    );
  });

  it("quotes hostile names and versions as words, never as shell", () => {
    const script = installScript(["docker-ce$(touch /tmp/x)"]);
    assert.ok(script.includes("'docker-ce$(touch /tmp/x)'"), script);
    assert.throws(() => installScript(["docker-ce=1.0;reboot"]), /not a Debian version/);
  });
});
