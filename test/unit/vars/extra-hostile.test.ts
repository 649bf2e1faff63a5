import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/errors.js";
import { loadExtraVars, parseExtraValue, withExtraVars } from "../../../src/vars/extra.js";

const own = (o: object, k: string): unknown => Object.getOwnPropertyDescriptor(o, k)?.value;

describe("-e: names that are Object.prototype members are ordinary variables", () => {
  for (const name of ["toString", "constructor", "hasOwnProperty", "__proto__", "valueOf"]) {
    it(`-e ${name}=x sets an own variable and leaves every prototype alone`, async () => {
      const extra = await loadExtraVars([`${name}=x`]);
      assert.deepEqual(Object.keys(extra.vars), [name]);
      assert.equal(own(extra.vars, name), "x");
      assert.equal(Object.getPrototypeOf(extra.vars), Object.prototype);
      assert.deepEqual(own(extra.sources, name), { file: "-e", path: name, extra: true, text: true });
      const merged = withExtraVars({ docker_version: "1" }, {}, extra);
      assert.equal(own(merged.vars, name), "x");
      assert.equal(merged.vars.docker_version, "1");
    });
  }

  it(`-e '{"__proto__": {...}}' is a variable named __proto__, not a prototype to read variables from`, async () => {
    const extra = await loadExtraVars(['{"__proto__": {"docker_version": "evil"}}', '{"__proto__": 1}']);
    assert.equal(own(extra.vars, "__proto__"), 1, "the later -e wins, as for any name");
    assert.equal(Object.getPrototypeOf(extra.vars), Object.prototype);
    const first = parseExtraValue('{"__proto__": {"docker_version": "evil"}}');
    assert.equal((first.vars as Record<string, unknown>).docker_version, undefined);
    const merged = withExtraVars({}, {}, first);
    assert.equal(merged.vars.docker_version, undefined);
    assert.equal(Object.getPrototypeOf(merged.vars), Object.prototype);
  });
});

describe("-e @file: bounded, regular files only", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-extra-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const refused = async (file: string, message: string) =>
    assert.rejects(loadExtraVars([`@${file}`]), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.message, message);
      assert.equal(e.location.file, file);
      return true;
    });

  it("-e @/dev/zero is refused at once", () =>
    refused("/dev/zero", "-e @file is a device, not a regular file"));

  it("-e @fifo is refused without waiting for a writer", async () => {
    const fifo = join(dir, "vars.fifo");
    execFileSync("mkfifo", [fifo]);
    await refused(fifo, "-e @file is a named pipe (FIFO), not a regular file");
  });

  it("-e @folder and a missing file are named", async () => {
    await refused(dir, "-e @file is a directory, not a regular file");
    await refused(join(dir, "nope.yml"), "-e @file not found");
  });
});
