/**
 * Bad input through the real CLI: a clear message naming the file, the dot-path and the line,
 * exit code 1, no stack trace, and nothing contacted (the hosts are unroutable documentation addresses).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ops, type OpsResult } from "./helpers/ops-cli.js";

function inventoryFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "ops-cli-")), "hosts.yaml");
  writeFileSync(file, text);
  return file;
}

const GOOD = `all:
  vars:
    registry_mirrors: ["https://mirror.example.com"]
  hosts:
    web1:
      ansible_host: 192.0.2.1
    web2:
      ansible_host: 192.0.2.2
`;

function assertConfigError(r: OpsResult, ...patterns: RegExp[]): void {
  assert.equal(r.code, 1, r.stderr);
  for (const p of patterns) assert.match(r.stderr, p);
  assert.doesNotMatch(r.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, "a stack trace was printed");
  assert.equal(r.stdout, "");
}

describe("ops CLI: bad input", function () {
  this.timeout(30_000);

  it("malformed YAML names the file and the line", async () => {
    const file = inventoryFile("all:\n  hosts:\n    web1:\n      ansible_host: [1.2.3.4\n");
    assertConfigError(await ops(["run", "install-engine", "-i", file]), new RegExp(`${file}:\\d+`));
  });

  it("an unknown variable names the variable, where it was set, and a did-you-mean", async () => {
    const file = inventoryFile(GOOD.replace("registry_mirrors:", "registry_mirors:"));
    assertConfigError(
      await ops(["run", "install-engine", "-i", file]),
      new RegExp(`${file}:3 \\(all\\.vars\\.registry_mirors\\)`),
      /unknown variable 'registry_mirors'/,
      /did you mean 'registry_mirrors'/,
    );
  });

  it("a wrong type names the variable, the file, the path and the line", async () => {
    const file = inventoryFile(GOOD.replace('["https://mirror.example.com"]', "https://mirror.example.com"));
    assertConfigError(
      await ops(["run", "install-engine", "-i", file]),
      new RegExp(`${file}:3 \\(all\\.vars\\.registry_mirrors\\)`),
      /registry_mirrors must be an array/,
    );
  });

  it("a wrong type in -e is named too", async () => {
    assertConfigError(
      await ops([
        "run",
        "install-engine",
        "-i",
        inventoryFile(GOOD),
        "-e",
        '{"docker_remove_conflicts": "yes"}',
      ]),
      /docker_remove_conflicts must be a boolean/,
    );
  });

  it("an unknown host in --limit is named, with the closest match", async () => {
    assertConfigError(
      await ops(["run", "install-engine", "-i", inventoryFile(GOOD), "--limit", "web3"]),
      /web3/,
      /web1|web2/,
    );
  });

  it("a missing inventory file is named", async () => {
    assertConfigError(
      await ops(["run", "install-engine", "-i", "/nonexistent/hosts.yaml"]),
      /\/nonexistent\/hosts\.yaml/,
    );
  });

  it("an unknown playbook lists the built-in ones", async () => {
    assertConfigError(
      await ops(["run", "install-engin", "-i", inventoryFile(GOOD)]),
      /unknown playbook 'install-engin'/,
      /install-engine/,
    );
  });

  it("a bad option value is a usage error", async () => {
    const r = await ops(["run", "install-engine", "-i", inventoryFile(GOOD), "--forks", "zero"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--forks/);
  });

  it("hostile and careless input: exit 1 with a message, never all hosts, a hang or a stack", async () => {
    const inv = inventoryFile(GOOD);
    const run = (...args: string[]) => ops(["run", "install-engine", "-i", inv, "--check", ...args]);
    assertConfigError(await run("--limit", ""), /--limit: the pattern is empty/);
    assertConfigError(await run("--limit", "__proto__"), /no host or group matches '__proto__'/);
    assertConfigError(await run("--limit", "constructor"), /no host or group matches 'constructor'/);
    assertConfigError(await run("-e", "@/dev/zero"), /\/dev\/zero: -e @file is a device, not a regular file/);
    assertConfigError(
      await run("-e", '{"docker_daemon_options": {"max-concurrent-downloads": 1e400}}'),
      /must be a finite number, got 1e400/,
    );
    assertConfigError(
      await run("-e", '{"registry_mirrors": ["ftp://x"]}'),
      /registry_mirrors\[0\] must be an http\(s\) URL such as https:\/\/mirror\.example\.com, got "ftp:\/\/x"/,
    );
    for (const forks of ["1e3", "0x10", " 5", "5.0", "1001"]) {
      const r = await run("--forks", forks);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /--forks.*whole number from 1 to 1000/);
    }
  });
});

describe("ops CLI: a user's playbook with mistakes in it", function () {
  this.timeout(60_000);
  const fixture = (name: string) => resolve("test/fixtures/playbooks/errors", name);

  for (const [name, pattern] of [
    ["factory-throws.ts", /default export threw: motd_text is not configured/],
    ["resources-throw.ts", /playbook 'resources-throw': listing its resources and checks failed/],
    ["bad-schema.ts", /variables schema is invalid/],
  ] as const) {
    it(`${name}: exit 1 naming the file and the cause, no stack`, async () => {
      const r = await ops(["run", fixture(name), "-i", inventoryFile(GOOD)]);
      assertConfigError(r, new RegExp(fixture(name).replace(/[.]/g, "\\.")), pattern);
    });
  }

  it("a notify no handler answers: exit 1 naming the file and the line of the notify", async () => {
    const file = fixture("unknown-notify.ts");
    const line =
      readFileSync(file, "utf8")
        .split("\n")
        .findIndex((l) => l.includes('"restart-ap"')) + 1;
    const r = await ops(["run", file, "-i", inventoryFile(GOOD)]);
    assertConfigError(r, new RegExp(`${file}:${line}\\b`), /notifies handler 'restart-ap'/);
  });

  it("an async factory, and a module compiled as CommonJS, both load", async () => {
    for (const file of [fixture("async-factory.ts"), fixture("cjs/motd.ts")]) {
      const r = await ops(["inventory", "check", "-i", inventoryFile(GOOD), "-p", file]);
      assert.equal(r.code, 0, r.stderr);
    }
  });

  it("an error nobody caught is exit 70, a bug in ops, and the host's lock is still released", async () => {
    const local = inventoryFile("all:\n  hosts:\n    me:\n      ansible_connection: local\n");
    const r = await ops(["run", fixture("unhandled-rejection.ts"), "-i", local, "--output", "json"]);
    assert.equal(r.code, 70, r.stderr);
    assert.match(r.stderr, /internal error \(a bug in ops; please report it\):\n.*a bug nobody caught/);
    assert.equal(existsSync("/run/ops.lock"), false, "the lock was left behind");
  });

  it("Ctrl-C stops a CPU loop in a playbook's plan()", async () => {
    const local = inventoryFile("all:\n  hosts:\n    me:\n      ansible_connection: local\n");
    let sent = false;
    const r = await ops(
      ["run", fixture("cpu-loop.ts"), "-i", local, "--output", "json"],
      "",
      (event, child) => {
        if (event.kind === "facts-gathered" && !sent) {
          sent = true;
          setTimeout(() => child.kill("SIGINT"), 300);
        }
      },
    );
    assert.ok(sent, r.stderr);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted/);
  });
});

describe("ops CLI: usage and lookups", function () {
  this.timeout(30_000);

  it("a usage error is one line and a pointer to --help, not the whole help", async () => {
    const r = await ops(["run", "install-engine", "--bogus"]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.trim().split("\n").length <= 3, r.stderr);
    assert.match(r.stderr, /--help/);
  });

  it("names that are Object.prototype members are unknown playbooks, not bugs", async () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      assertConfigError(
        await ops(["run", name, "-i", inventoryFile(GOOD)]),
        new RegExp(`unknown playbook '${name}'`),
      );
    }
  });

  it("a TCP socket without TLS is refused before connecting, unless allowed on purpose", async () => {
    const tcp = JSON.stringify({ docker_daemon_options: { hosts: ["tcp://0.0.0.0:2375"], tls: false } });
    assertConfigError(
      await ops(["run", "install-engine", "-i", inventoryFile(GOOD), "-e", tcp]),
      /docker_daemon_options\.hosts/,
      /without tlsverify/,
      /tcp-socket-needs-tls/,
    );
    const wide = JSON.stringify({ insecure_registries: ["0.0.0.0/0"] });
    assertConfigError(
      await ops(["run", "install-engine", "-i", inventoryFile(GOOD), "-e", wide]),
      /insecure_registries/,
      /0\.0\.0\.0\/0/,
    );
  });

  it("values that would fail only at plan time fail before connecting", async () => {
    for (const [vars, pattern] of [
      [{ docker_packages: [] }, /docker_packages must/],
      [{ docker_version: "1:2:3" }, /docker_version.*not a version/],
      [{ verify_image: "--privileged" }, /verify_image must be an image reference/],
      [{ verify_image: "-v/:/host" }, /verify_image must be an image reference/],
    ] as const) {
      assertConfigError(
        await ops(["run", "install-engine", "-i", inventoryFile(GOOD), "-e", JSON.stringify(vars)]),
        pattern,
      );
    }
  });
});

describe("ops CLI: a known_hosts that cannot be one", function () {
  this.timeout(30_000);
  for (const bad of ["/tmp", "/dev/zero"]) {
    it(`--known-hosts ${bad} is a configuration error naming it, before any host`, async () => {
      const r = await ops([
        "run",
        "install-engine",
        "-i",
        inventoryFile(GOOD),
        "--known-hosts",
        bad,
        "--output",
        "json",
      ]);
      assertConfigError(r, new RegExp(bad));
    });
  }
});
