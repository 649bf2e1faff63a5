import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { loadInventory } from "../../../src/inventory/load.js";
import { parseYaml } from "../../../src/text/yaml-source.js";
import { loadExtraVars, parseExtraFile, parseExtraValue } from "../../../src/vars/extra.js";

function errorsOf(fn: () => unknown): ConfigError[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors;
    assert.ok(e instanceof ConfigError, `not a ConfigError: ${String(e)}`);
    return [e];
  }
  return assert.fail("no error");
}

const SECRET_NAMES = [
  "ansible_password",
  "ansible_ssh_pass",
  "password",
  "ansible_become_password",
  "ansible_become_pass",
  "become_password",
];
// Plain scalars that YAML 1.1 would turn into something else than the text written.
const TRICKY = ["0123", "1e3", "0x1F", "1:20", "yes", "off", "12.50", "0o17", "1_000", ".5", "-0"];

describe("parseYaml: connection secrets keep the exact text written", () => {
  for (const key of SECRET_NAMES) {
    it(`${key}: ${TRICKY.join(", ")} stay strings`, () => {
      for (const value of TRICKY) {
        const data = parseYaml(`${key}: ${value}\n`, "vars.yml").data as Record<string, unknown>;
        assert.equal(data[key], value, `${key}: ${value}`);
      }
    });
  }

  it("in an inventory, group_vars and through an alias, up to the connection", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-secret-"));
    try {
      mkdirSync(join(dir, "group_vars"));
      writeFileSync(
        join(dir, "hosts.yaml"),
        "all:\n  vars:\n    pw: &pw 0123\n  hosts:\n    a:\n      ansible_password: 0123\n      become_password: 1e3\n    b:\n      ansible_ssh_pass: *pw\n",
      );
      writeFileSync(join(dir, "group_vars", "all.yml"), "ansible_become_pass: 0777\n");
      const inv = await loadInventory(join(dir, "hosts.yaml"));
      const [a, b] = inv.hosts;
      assert.deepEqual([a?.connection.password, a?.connection.becomePassword], ["0123", "1e3"]);
      assert.deepEqual([b?.connection.password, b?.connection.becomePassword], ["0123", "0777"]);
      assert.equal(b?.vars.pw, 83, "only secrets are read as text; other variables keep YAML's types");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an empty secret stays empty (no password), a quoted one stays as quoted", () => {
    const data = parseYaml("password:\nbecome_password: '0123'\n", "v.yml").data;
    assert.deepEqual(data, { password: null, become_password: "0123" });
  });

  it("-e in JSON and -e @file follow the same rule", () => {
    assert.equal(parseExtraValue('{"ansible_password": 1e3}').vars.ansible_password, "1e3");
    assert.equal(parseExtraFile("become_password: 0123\n", "x.yml").vars.become_password, "0123");
  });
});

describe("parseYaml: a number that is not finite is never a value", () => {
  const CASES: [string, string, number][] = [
    [
      "docker_daemon_options:\n  max-concurrent-downloads: 1e400\n",
      "docker_daemon_options.max-concurrent-downloads",
      2,
    ],
    ["a: [1, -1e999]\n", "a.1", 1],
    ["a: .inf\n", "a", 1],
    ["a: -.Inf\n", "a", 1],
    ["a: .nan\n", "a", 1],
  ];
  for (const [text, path, line] of CASES) {
    it(`${JSON.stringify(text)} is refused at ${path}, line ${line}`, () => {
      const [e, ...rest] = errorsOf(() => parseYaml(text, "vars.yml"));
      assert.equal(rest.length, 0);
      assert.match(
        e?.message ?? "",
        new RegExp(`^${path.replace(/\./g, "\\.")} must be a finite number, got `),
      );
      assert.deepEqual(e?.location, { file: "vars.yml", path, line });
    });
  }

  it("wherever variables are read: inventory, -e JSON, -e @file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-inf-"));
    try {
      writeFileSync(join(dir, "hosts.yaml"), "all:\n  hosts:\n    a:\n      docker_x: 1e400\n");
      writeFileSync(join(dir, "extra.yml"), "docker_y: 2e308\n");
      await assert.rejects(loadInventory(join(dir, "hosts.yaml")), {
        message: "all.hosts.a.docker_x must be a finite number, got 1e400",
      });
      assert.throws(() => parseExtraValue('{"docker_daemon_options": {"x": 1e400}}'), {
        message: "docker_daemon_options.x must be a finite number, got 1e400",
      });
      await assert.rejects(loadExtraVars([`@${join(dir, "extra.yml")}`]), {
        message: "docker_y must be a finite number, got 2e308",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a large but finite number is still a number", () => {
    assert.deepEqual(parseYaml("a: 1e300\n", "v.yml").data, { a: 1e300 });
  });
});

describe("parseYaml: structure limits", () => {
  it("refuses nesting deeper than 64 levels with a line, without overflowing the stack", function () {
    // 10,000 levels would overflow the composer's recursion; reading them takes the parser ~0.3 s.
    this.timeout(20_000);
    for (const text of ["[".repeat(10_000) + "]".repeat(10_000), `a:\n  - ${"[".repeat(70)}`]) {
      const [e] = errorsOf(() => parseYaml(text, "-e"));
      assert.equal(e?.message, "malformed YAML: nested more than 64 levels deep");
      assert.equal(typeof e?.location.line, "number");
    }
    let block = "";
    for (let i = 0; i < 80; i++) block += `${" ".repeat(i)}k${i}:\n`;
    assert.equal(errorsOf(() => parseYaml(block, "deep.yml"))[0]?.location.line, 66);
  });

  it("accepts 64 levels", () => {
    assert.doesNotThrow(() => parseYaml("[".repeat(63) + "]".repeat(63), "ok.yml"));
  });

  it("reports every repeated key, at its own line, in block and flow mappings", () => {
    const errors = errorsOf(() => parseYaml("a: 1\nb: {x: 1, x: 2}\na: 3\nyes: 1\ntrue: 2\n", "d.yml"));
    assert.deepEqual(
      errors.map((e) => [e.message, e.location.line]),
      [
        ["malformed YAML: Map keys must be unique ('x' is also on line 2)", 2],
        ["malformed YAML: Map keys must be unique ('a' is also on line 1)", 3],
        ["malformed YAML: Map keys must be unique ('true' is also on line 4)", 5],
      ],
    );
  });

  it("keeps YAML 1.1 merge keys, which may repeat, and treats '1' and 1 as different keys", () => {
    const data = parseYaml(
      "base: &b {x: 1}\nother: &o {p: 2}\nm:\n  <<: *b\n  <<: *o\n'1': a\n1: b\n",
      "m.yml",
    ).data;
    assert.deepEqual((data as Record<string, unknown>).m, { x: 1, p: 2 });
  });

  it("refuses a second document", () => {
    assert.deepEqual(
      errorsOf(() => parseYaml("a: 1\n---\nb: 2\n", "two.yml")).map((e) => [e.message, e.location.line]),
      [["malformed YAML: the file holds more than one document", 2]],
    );
  });
});

describe("parseYaml: hostile aliases and keys are ConfigErrors, never a crash or a loop", () => {
  const laughs = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (const n of ["b", "c", "d", "e", "f", "g"]) {
    const prev = laughs.at(-1)?.[0] ?? "a";
    laughs.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  const CASES: [string, string, string][] = [
    [
      "a billion laughs",
      laughs.join("\n") + "\n",
      "malformed YAML: Excessive alias count indicates a resource exhaustion attack",
    ],
    [
      "an alias with no anchor",
      "a: *nope\n",
      "malformed YAML: Unresolved alias (the anchor must be set before the alias): nope",
    ],
    [
      "an alias inside its own anchor",
      "a: &x [1, *x]\n",
      "malformed YAML: alias *x is inside the value it names (a loop)",
    ],
    [
      "a mapping as a key",
      "? {a: 1}\n: 1\n",
      "malformed YAML: a key must be a plain name, not a list, mapping, alias or binary",
    ],
    [
      "a binary key",
      "? !!binary AAAA\n: 1\n",
      "malformed YAML: a key must be a plain name, not a list, mapping, alias or binary",
    ],
  ];
  for (const [name, text, message] of CASES) {
    it(name, () =>
      assert.deepEqual(
        errorsOf(() => parseYaml(text, "h.yml")).map((e) => e.message),
        [message],
      ),
    );
  }
});
