import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { applyLimit } from "../../../src/inventory/limit.js";
import { loadInventory } from "../../../src/inventory/load.js";
import type { Inventory } from "../../../src/inventory/types.js";

/** Writes files (path -> text) under a fresh temp folder; returns the folder. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ops-hostile-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function configErrors(promise: Promise<unknown>): Promise<ConfigError[]> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors;
    assert.ok(e instanceof ConfigError, `not a ConfigError: ${String(e)}`);
    return [e];
  }
  return assert.fail("no error");
}

const SECRET = "root:x:0:0:SECRET-LINE-THAT-MUST-NOT-BE-READ\n";

describe("loadInventory: group and host names never leave group_vars/ and host_vars/", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  // Each name points at inventory/secret.yml (or an absolute file) from inside the vars folders.
  const NAMES = ["../secret.yml", "../secret", "../../outside/secret.yml", "sub/../../secret.yml", ".."];

  const inventories = (name: string): Record<string, string> => ({
    host: `all:\n  hosts:\n    ${JSON.stringify(name)}:\n`,
    group: `all:\n  children:\n    ${JSON.stringify(name)}:\n      hosts:\n        web:\n`,
  });
  for (const name of NAMES) {
    for (const [as, inventory] of Object.entries(inventories(name))) {
      it(`${as} '${name}': no vars file outside the folders is read`, async () => {
        const dir = tree({
          "inv/hosts.yaml": inventory,
          "inv/secret.yml": "leaked: true\n",
          "inv/secret": "leaked: true\n",
          "outside/secret.yml": "leaked: true\n",
          "inv/group_vars/all.yml": "ok: 1\n",
          "inv/host_vars/.keep": "",
          "inv/group_vars/sub/.keep": "",
          "inv/host_vars/sub/.keep": "",
        });
        dirs.push(dir);
        const inv = await loadInventory(join(dir, "inv/hosts.yaml"));
        assert.ok(inv.hosts.length > 0);
        for (const host of inv.hosts) {
          assert.equal(host.vars.leaked, undefined, `${host.name} read a file outside the vars folders`);
          assert.equal(host.vars.ok, 1);
        }
      });
    }
  }

  it("an absolute name (/etc/passwd) and a name with a NUL are not looked up, not echoed", async () => {
    const outside = tree({ "passwd.yml": SECRET, passwd: SECRET });
    dirs.push(outside);
    const dir = tree({
      "hosts.yaml": `all:\n  hosts:\n    ${JSON.stringify(join(outside, "passwd"))}:\n    "a\\0b":\n`,
      "host_vars/x.yml": "ok: 1\n",
    });
    dirs.push(dir);
    const inv = await loadInventory(join(dir, "hosts.yaml"));
    assert.equal(inv.hosts.length, 2);
    for (const h of inv.hosts) assert.deepEqual(h.vars, {});
  });

  it("a bad file inside the folder is reported by its own path, the outside file never", async () => {
    const dir = tree({
      "inv/hosts.yaml": "all:\n  hosts:\n    ../passwd:\n    web:\n",
      "inv/passwd": SECRET,
      "inv/host_vars/web.yml": "- not a mapping\n",
    });
    dirs.push(dir);
    const errors = await configErrors(loadInventory(join(dir, "inv/hosts.yaml")));
    assert.deepEqual(
      errors.map((e) => e.location.file),
      [join(dir, "inv/host_vars/web.yml")],
    );
    assert.ok(errors.every((e) => !e.message.includes("SECRET")));
  });

  it("a FIFO in host_vars is refused by name, and loading does not hang", async () => {
    const dir = tree({ "hosts.yaml": "all:\n  hosts:\n    web:\n" });
    dirs.push(dir);
    mkdirSync(join(dir, "host_vars"));
    execFileSync("mkfifo", [join(dir, "host_vars", "web.yml")]);
    const errors = await configErrors(loadInventory(join(dir, "hosts.yaml")));
    assert.deepEqual(
      errors.map((e) => [e.message, e.location.file]),
      [["vars file is a named pipe (FIFO), not a regular file", join(dir, "host_vars", "web.yml")]],
    );
  });

  it("the inventory itself: /dev/zero and a folder are refused as not regular files", async () => {
    const zero = await configErrors(loadInventory("/dev/zero"));
    assert.equal(zero[0]?.message, "inventory file is a device, not a regular file");
    const folder = await configErrors(loadInventory(tmpdir()));
    assert.equal(folder[0]?.message, "inventory file is a directory, not a regular file");
  });
});

describe("loadInventory and --limit: names that are also Object.prototype members", () => {
  let inv: Inventory;
  let dir: string;
  before(async () => {
    dir = tree({
      "hosts.yaml": [
        "all:",
        "  children:",
        "    __proto__:",
        "      hosts:",
        "        toString:",
        "          ansible_host: 10.0.0.1",
        "    constructor:",
        "      hosts:",
        "        hasOwnProperty:",
        "          __proto__: { ansible_host: 6.6.6.6 }",
        "        valueOf:",
        "",
      ].join("\n"),
      "group_vars/constructor.yml": "from_file: 1\n",
      "host_vars/toString.yml": "from_host_file: 2\n",
    });
    inv = await loadInventory(join(dir, "hosts.yaml"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps them as ordinary groups, hosts and variables", () => {
    assert.deepEqual(
      inv.hosts.map((h) => [h.name, h.groups]),
      [
        ["toString", ["all", "__proto__"]],
        ["hasOwnProperty", ["all", "constructor"]],
        ["valueOf", ["all", "constructor"]],
      ],
    );
    assert.deepEqual(Object.keys(inv.groups), ["all", "ungrouped", "__proto__", "constructor"]);
    assert.deepEqual(Object.getOwnPropertyDescriptor(inv.groups, "__proto__")?.value, ["toString"]);
    assert.equal(Object.getPrototypeOf(inv.groups), Object.prototype);
    const [toStringHost, hasOwn] = inv.hosts;
    assert.equal(toStringHost?.connection.address, "10.0.0.1");
    assert.equal(toStringHost?.vars.from_host_file, 2);
    assert.equal(hasOwn?.vars.from_file, 1);
    // A variable named __proto__ is a variable: it never becomes the prototype that ansible_host is read from.
    assert.equal(hasOwn?.connection.address, "hasOwnProperty");
    assert.deepEqual(Object.getOwnPropertyDescriptor(hasOwn?.vars, "__proto__")?.value, {
      ansible_host: "6.6.6.6",
    });
  });

  it("--limit selects them by name", () => {
    const pick = (pattern: string) => applyLimit(inv, pattern).hosts.map((h) => h.name);
    assert.deepEqual(pick("__proto__"), ["toString"]);
    assert.deepEqual(pick("constructor"), ["hasOwnProperty", "valueOf"]);
    assert.deepEqual(pick("toString"), ["toString"]);
    assert.deepEqual(pick("all:!constructor"), ["toString"]);
  });

  it("--limit with a prototype name that the inventory lacks is 'no match', not a crash", async () => {
    const lab = await loadInventory("test/fixtures/inventory/lab/hosts.yaml");
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "__defineGetter__"]) {
      assert.throws(
        () => applyLimit(lab, name),
        (e: unknown) =>
          e instanceof ConfigError && e.message === `--limit: no host or group matches '${name}'`,
      );
    }
  });
});

describe("--limit: an empty pattern is an error, never 'all hosts'", () => {
  let inv: Inventory;
  before(async () => {
    inv = await loadInventory("test/fixtures/inventory/lab/hosts.yaml");
  });
  for (const pattern of ["", " ", "\t", ":", ",", " , : ", "::,,"]) {
    it(`${JSON.stringify(pattern)} is refused`, () => {
      assert.throws(() => applyLimit(inv, pattern, "hosts.yaml"), {
        message: "--limit: the pattern is empty",
      });
    });
  }
  for (const pattern of ["!", "&", "all:!", "el9:&"]) {
    it(`${JSON.stringify(pattern)} (an operator with no name) is refused`, () => {
      assert.throws(() => applyLimit(inv, pattern), {
        message: "--limit: '&' and '!' must be followed by a host or group",
      });
    });
  }
});
