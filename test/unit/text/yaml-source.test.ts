import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { loadInventory } from "../../../src/inventory/load.js";
import fc from "fast-check";
import deployRegistry from "../../../playbooks/deploy-registry.js";
import { resolveTargets } from "../../../src/run/targets.js";
import { parseYaml, parseYamlFully } from "../../../src/text/yaml-source.js";
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

describe("parseYaml: a date or timestamp is the text written, in every file", () => {
  /** Forms YAML 1.1 resolves as timestamps: date; date and time with T, with spaces, with a zone. */
  const stamp = fc
    .record({
      y: fc.integer({ min: 1, max: 9999 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 31 }),
      h: fc.integer({ min: 0, max: 23 }),
      s: fc.integer({ min: 0, max: 59 }),
      form: fc.constantFrom("date", "T", "Z", "space", "zone", "fraction"),
    })
    .map(({ y, m, d, h, s, form }) => {
      const date = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
      const time = `${h}:${String(s).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
      return {
        date: date,
        T: `${date}T${time}`,
        Z: `${date}T${time}Z`,
        space: `${date} ${time}`,
        zone: `${date} ${time} -5`,
        fraction: `${date}t${time}.10+01:00`,
      }[form];
    });

  it("as a value, in a list and as a key, in both readers (property)", () => {
    fc.assert(
      fc.property(stamp, (text) => {
        const doc = `expires: ${text}\nlist: [${text}]\n${text}: key\n`;
        const expected = { expires: text, list: [text], [text]: "key" };
        assert.deepEqual(parseYaml(doc, "v.yml").data, expected);
        assert.deepEqual(parseYamlFully(doc, "v.yml").data, expected);
      }),
      { numRuns: 300 },
    );
  });

  it("through an inventory's group_vars to the playbook's schema, and in -e @file; a timestamp the schema refuses is named with file, path and line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-dates-"));
    try {
      mkdirSync(join(dir, "group_vars"));
      writeFileSync(join(dir, "hosts.yaml"), "all:\n  hosts:\n    reg1: {ansible_host: 10.0.0.5}\n");
      const users = (expires: string) =>
        `registry_users:\n  - name: dev\n    password: dev-password\n  - name: ci\n    password: ci-password-1\n    robot: true\n    expires: ${expires}\n`;
      writeFileSync(join(dir, "group_vars", "all.yml"), users("2027-01-31"));
      writeFileSync(join(dir, "extra.yml"), "when: 2027-01-31T12:00:00Z\n");
      const request = { inventoryFile: join(dir, "hosts.yaml"), schema: deployRegistry.variables };
      const { targets } = await resolveTargets(request);
      const users0 = targets[0]?.vars.registry_users as { expires?: string }[];
      assert.equal(users0[1]?.expires, "2027-01-31");
      assert.equal((await loadExtraVars([`@${join(dir, "extra.yml")}`])).vars.when, "2027-01-31T12:00:00Z");
      // A timestamp the schema does not take: named with the file, the dot-path and the line.
      writeFileSync(join(dir, "group_vars", "all.yml"), users("2027-01-31 12:00:00"));
      const [error] = await resolveTargets(request).then(
        () => assert.fail("accepted"),
        (e: unknown) => (e instanceof ConfigErrors ? e.errors : [e as ConfigError]),
      );
      assert.match(
        error?.message ?? "",
        /registry_users\[1\]\.expires must be a UTC date .*"2027-01-31 12:00:00"/,
      );
      assert.equal(error?.location.file, join(dir, "group_vars", "all.yml"));
      assert.equal(error?.location.path, "registry_users[1].expires");
      // A variable's errors point at the line of the variable (as for every other schema error).
      assert.equal(error?.location.line, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
