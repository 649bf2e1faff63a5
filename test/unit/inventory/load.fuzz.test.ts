// Property tests: no inventory text, however hostile, makes the loader throw anything but a
// ConfigError (or ConfigErrors), loop, or blow the stack. Bounded runs; the seed is printed on failure.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { applyLimit } from "../../../src/inventory/limit.js";
import { loadInventory, throwIfAny } from "../../../src/inventory/load.js";
import { buildInventory } from "../../../src/inventory/merge.js";
import type { Inventory } from "../../../src/inventory/types.js";
import { validateInventory } from "../../../src/inventory/validate.js";
import { parseYaml } from "../../../src/text/yaml-source.js";

/** Names that have broken loaders before: prototype members, path escapes, YAML-significant text. */
export const HOSTILE_NAMES = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "all",
  "ungrouped",
  "hosts",
  "children",
  "vars",
  "../../../../etc/passwd",
  "/etc/passwd",
  "a/b",
  "..",
  ".",
  "a\u0000b",
  "",
  "el9-[1",
  "~(",
  "*",
  "!x",
  "&x",
  "a:b",
  "a,b",
  "\u001b[31m",
  "ünï",
];

// Fragments that exercise the YAML parser's corners: flow and block collections, anchors and
// aliases, merge keys, tags, numbers that overflow, secrets, documents, directives.
const TOKENS = [
  "all:",
  "\n",
  "  ",
  "    ",
  "hosts:",
  "children:",
  "vars:",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ", ",
  ": ",
  "? ",
  "&a ",
  "*a",
  "&b ",
  "*b",
  "<<: ",
  "!!binary ",
  "!!int ",
  "!!float ",
  "!custom ",
  "|",
  ">-",
  "#",
  "'",
  '"',
  "---\n",
  "...\n",
  "%YAML 1.1\n",
  "1e400",
  ".inf",
  ".nan",
  "0123",
  "0x1F",
  "1:20",
  "yes",
  "~",
  "null",
  "ansible_password: ",
  "become_password: ",
  "ansible_port: ",
  "ansible_host: ",
  "ansible_become: ",
  ...HOSTILE_NAMES.map((n) => JSON.stringify(n)),
];

const yamlish = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })), { maxLength: 60 })
  .map((parts) => parts.join(""));

const isConfig = (e: unknown) => e instanceof ConfigError || e instanceof ConfigErrors;

/** The loader's pure path: parse, validate, merge (no vars files), then --limit all. */
function loadText(text: string): Inventory {
  const src = parseYaml(text, "hosts.yaml");
  throwIfAny(validateInventory(src));
  const inv = buildInventory(
    src,
    { groups: new Map(), hosts: new Map() },
    { baseDir: "/inv", home: "/root" },
  );
  if (inv.hosts.length > 0) assert.equal(applyLimit(inv, "all").hosts.length, inv.hosts.length);
  return inv;
}

/** Runs `fn`; a thrown value must be a ConfigError(s), whose every message names no stack frame. */
function onlyConfigErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isConfig(e)) throw new Error(`threw ${String(e)}`, { cause: e });
  }
}

function sound(inv: Inventory): void {
  const names = new Set(inv.hosts.map((h) => h.name));
  for (const h of inv.hosts) assert.ok(h.groups.includes("all"));
  for (const members of Object.values(inv.groups)) for (const m of members) assert.ok(names.has(m));
  assert.equal(Object.getPrototypeOf(inv.groups), Object.prototype);
}

// Variable values: scalars of every YAML type, nested a few levels.
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.string({ maxLength: 8 }),
    fc.constant(null),
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...HOSTILE_NAMES, "ansible_password", "ansible_port", "x"), tie("v"), {
      maxKeys: 3,
    }),
  ),
})).v;
const name = fc.oneof(fc.constantFrom(...HOSTILE_NAMES), fc.string({ maxLength: 6 }));
const varsMap = fc.option(
  fc.dictionary(
    fc.oneof(name, fc.constantFrom("ansible_host", "ansible_port", "become", "ansible_password")),
    value,
    { maxKeys: 4 },
  ),
);
const group = fc.letrec((tie) => ({
  g: fc.record(
    {
      hosts: fc.dictionary(name, varsMap, { maxKeys: 4 }),
      children: fc.dictionary(name, fc.option(tie("g"), { depthSize: "small" }), { maxKeys: 3 }),
      vars: varsMap,
    },
    { requiredKeys: [] },
  ),
})).g;

describe("inventory loader: property tests", function () {
  this.timeout(120_000);

  it("arbitrary YAML-ish text: only ConfigErrors; a loaded inventory is sound", () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        onlyConfigErrors(() => sound(loadText(text)));
      }),
      { numRuns: 1500 },
    );
  });

  it("inventory-shaped documents with hostile names and values: only ConfigErrors", () => {
    fc.assert(
      fc.property(fc.dictionary(name, fc.option(group), { maxKeys: 3 }), (doc) => {
        onlyConfigErrors(() => sound(loadText(stringify(doc))));
      }),
      { numRuns: 500 },
    );
  });

  it("nesting of any depth (flow, block, mixed): only ConfigErrors, no stack overflow", () => {
    const opener = fc.constantFrom("[", "{a: ", "- ", "a:\n", "[{b: ");
    fc.assert(
      fc.property(
        fc.array(opener, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 3000 }),
        (open, depth) => {
          let text = "";
          for (let i = 0; i < depth; i++) {
            const o = open[i % open.length] ?? "[";
            text += o === "a:\n" ? `${" ".repeat(Math.min(i, 200))}a:\n` : o;
          }
          onlyConfigErrors(() => loadText(text));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("alias fan-out of any width and depth: a ConfigError or a small value, never an explosion", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), (width, depth) => {
        const lines = ["l0: &l0 [x]"];
        for (let i = 1; i <= depth; i++)
          lines.push(
            `l${i}: &l${i} [${Array(width)
              .fill(`*l${i - 1}`)
              .join(", ")}]`,
          );
        try {
          const data = parseYaml(`${lines.join("\n")}\n`, "bomb.yml").data;
          assert.ok(JSON.stringify(data).length < 50_000_000);
        } catch (e) {
          assert.ok(isConfig(e), String(e));
        }
      }),
      { numRuns: 100 },
    );
  });

  it("through the disk: hostile host and group names with vars files beside them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-fuzz-inv-"));
    try {
      await fc.assert(
        fc.asyncProperty(fc.dictionary(name, fc.option(group), { maxKeys: 2 }), async (doc) => {
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(join(dir, "inv", "group_vars"), { recursive: true });
          mkdirSync(join(dir, "inv", "host_vars"));
          writeFileSync(join(dir, "leak.yml"), "leaked: true\n");
          writeFileSync(join(dir, "inv", "group_vars", "all.yml"), "from_group_vars: 1\n");
          writeFileSync(join(dir, "inv", "hosts.yaml"), stringify(doc));
          try {
            const inv = await loadInventory(join(dir, "inv", "hosts.yaml"));
            sound(inv);
            for (const h of inv.hosts) assert.equal(h.vars.leaked, undefined);
          } catch (e) {
            assert.ok(isConfig(e), String(e));
          }
        }),
        { numRuns: 150 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
