import assert from "node:assert/strict";
import { ConfigError } from "../../../src/errors.js";
import { loadExtraVars, parseExtraValue, withExtraVars } from "../../../src/vars/extra.js";

const FIX = "test/fixtures/inventory";

describe("parseExtraValue", () => {
  it("keeps k=v values as text, marked to take their variable's type, several pairs at once", () => {
    const { vars, sources } = parseExtraValue("docker_version=24.0.7 docker_remove_conflicts=true count=3");
    assert.deepEqual(vars, { docker_version: "24.0.7", docker_remove_conflicts: "true", count: "3" });
    assert.deepEqual(sources.count, { file: "-e", path: "count", extra: true, text: true });
  });

  it("honours quotes and keeps = inside values", () => {
    assert.deepEqual(parseExtraValue(`motd="hello world" opts='a=b c' x=y\\ z`).vars, {
      motd: "hello world",
      opts: "a=b c",
      x: "y z",
    });
  });

  it("parses a JSON object with its types", () => {
    assert.deepEqual(
      parseExtraValue('{"registry_mirrors": ["https://m.example"], "docker_remove_conflicts": false}').vars,
      {
        registry_mirrors: ["https://m.example"],
        docker_remove_conflicts: false,
      },
    );
  });

  const BAD: [input: string, message: string][] = [
    ["docker_version", "-e 'docker_version': expected key=value"],
    ["=x", "-e '=x': expected key=value"],
    ["a=1 b", "-e 'b': expected key=value"],
    ['motd="unclosed', `-e 'motd="unclosed': unclosed "`],
    ["docker-version=1", "-e: 'docker-version' is not a valid variable name"],
    ['["a"]', `-e '["a"]' must be an object, got array`],
    [
      '{"a": [1,}',
      "malformed YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
  ];
  for (const [input, message] of BAD) {
    it(`rejects ${input}`, () => {
      assert.throws(
        () => parseExtraValue(input),
        (e: unknown) => e instanceof ConfigError && e.message === message && e.location.file === "-e",
      );
    });
  }
});

describe("loadExtraVars", () => {
  it("reads @file with each variable's line, later -e winning", async () => {
    const extra = await loadExtraVars([
      "docker_version=1 docker_users=x",
      `@${FIX}/extra-vars.yaml`,
      '{"docker_users": ["ci"]}',
    ]);
    assert.deepEqual(extra.vars, {
      docker_version: "24.0.7",
      docker_users: ["ci"],
      registry_mirrors: ["https://mirror.example.internal"],
    });
    assert.deepEqual(extra.sources.registry_mirrors, {
      file: `${FIX}/extra-vars.yaml`,
      path: "registry_mirrors",
      line: 3,
      extra: true,
    });
    assert.deepEqual(extra.sources.docker_users, { file: "-e", path: "docker_users", extra: true });
  });

  it("reports malformed YAML in an @file with the file and line", async () => {
    await assert.rejects(loadExtraVars([`@${FIX}/extra-bad.vars`]), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /^malformed YAML: /);
      assert.deepEqual(e.location, { file: `${FIX}/extra-bad.vars`, line: 3 });
      return true;
    });
  });

  it("reports an @file that cannot be read", async () => {
    await assert.rejects(
      loadExtraVars(["@nope.yaml"], () => Promise.reject(new Error("ENOENT"))),
      {
        message: "-e @nope.yaml: cannot read file (ENOENT)",
      },
    );
  });

  it("puts -e over the inventory's vars and sources", () => {
    const merged = withExtraVars(
      { docker_version: "20", docker_mirror: "tuna" },
      { docker_version: { file: "hosts.yaml", path: "all.vars.docker_version", line: 3 } },
      parseExtraValue("docker_version=24"),
    );
    assert.deepEqual(merged.vars, { docker_version: "24", docker_mirror: "tuna" });
    assert.deepEqual(merged.sources.docker_version, {
      file: "-e",
      path: "docker_version",
      extra: true,
      text: true,
    });
  });
});
