// The fast reader against the full one: whenever the fast reader answers, the full reader accepts
// the same text and gives exactly the same data. Generated documents mix block and flow styles,
// YAML 1.1's tricky plain scalars (`yes`, `0123`, `1:20`, dates), quoted forms, prototype names
// and repeated keys; random text covers the rest. Bounded runs; the seed is printed on failure.
import assert from "node:assert/strict";
import fc from "fast-check";
import { readPlainYaml } from "../../../src/text/yaml-fast.js";
import { parseYamlFully } from "../../../src/text/yaml-source.js";

/** Plain scalars whose YAML 1.1 meaning differs from their text, and some that do not. */
const SCALARS = [
  ...["yes", "no", "on", "off", "y", "n", "Yes", "NO", "true", "False", "TRUE", "~", "null", "Null", ""],
  ...["0123", "0o17", "0x1F", "0b101", "1_000", "+12", "-0", "0", "012345678", "09", "1:20", "-1:20:30"],
  ...["1:20.5", "1e3", "1.5e-3", "1E+3", ".5", "1.", "3.14", "1_0.5", "6.8523015e+5", "685.230_15e+03"],
  ...[
    "abc",
    "a b",
    "-a",
    "a-b",
    "0.0.0.0",
    "10.0.0.1",
    "24.0.7",
    "20.10.24-1.el9",
    "é",
    "日本",
    "a:b",
    "a#b",
  ],
  ...["http://x/y", "__proto__", "constructor", "toString", "hasOwnProperty", "a # comment", "x-y_z.w"],
  ...['"quoted"', "'single'", '"esc\\n\\u00e9\\t"', "'it''s'", '"yes"', "'0123'", '""', "''", '"a\\\\b"'],
];
/** Scalars the readers refuse, or read only with a feature the fast reader leaves alone. */
const HOSTILE = ["1e400", ".inf", "-.Inf", ".nan", "a,b", "a, b", ">", "|", "#", "@x", "`x", "=", "-", ":"];
const DATES = [
  "2024-01-01",
  "2024-1-1",
  "2024-01-01 10:00:00",
  "2024-01-01T10:00:00Z",
  "2001-12-14t21:59:43.10-05:00",
];
const KEYS = [
  "a",
  "b",
  "hosts",
  "vars",
  "children",
  "1",
  "2.0",
  "yes",
  "true",
  "~",
  "__proto__",
  "0123",
  '"a"',
  "'b'",
  "2024-01-01",
];

type Node =
  | { kind: "scalar"; text: string }
  | { kind: "map" | "flow-map"; entries: [string, Node][] }
  | { kind: "seq" | "flow-seq"; items: Node[] };

const scalar = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...SCALARS) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE, ...DATES, "'", '"', "- a", "[a]", "{a: b}") },
  { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: fc.constantFrom(..."ab:-#'\" .,[]{}01yn") }) },
);

const tree = fc.letrec<{ node: Node; flow: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar.map((text): Node => ({ kind: "scalar", text })),
    fc
      .uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie("node")), {
        minLength: 1,
        maxLength: 4,
        selector: ([k]) => k,
      })
      .map((entries): Node => ({ kind: "map", entries })),
    fc.array(tie("node"), { minLength: 1, maxLength: 4 }).map((items): Node => ({ kind: "seq", items })),
    tie("flow"),
  ),
  flow: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar.map((text): Node => ({ kind: "scalar", text })),
    fc
      .uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie("flow")), { maxLength: 3, selector: ([k]) => k })
      .map((entries): Node => ({ kind: "flow-map", entries })),
    fc.array(tie("flow"), { maxLength: 3 }).map((items): Node => ({ kind: "flow-seq", items })),
  ),
})).node;

function flowText(node: Node): string {
  if (node.kind === "scalar") return node.text;
  if (node.kind === "flow-map" || node.kind === "map") {
    return `{${node.entries.map(([k, v]) => `${k}: ${flowText(v)}`).join(", ")}}`;
  }
  if (node.kind === "seq" || node.kind === "flow-seq") return `[${node.items.map(flowText).join(", ")}]`;
  return assert.fail("unknown node");
}

/** Block style at `indent`; a child collection goes on the next lines, further in. */
function blockText(node: Node, indent: number): string {
  const pad = " ".repeat(indent);
  const after = (child: Node): string =>
    child.kind === "map" || child.kind === "seq"
      ? `\n${blockText(child, indent + 2)}`
      : ` ${flowText(child)}\n`;
  if (node.kind === "map") return node.entries.map(([k, v]) => `${pad}${k}:${after(v)}`).join("");
  if (node.kind === "seq") {
    // A mapping in a sequence is written compact (`- a: 1` then `  b: 2`), as most files do.
    return node.items
      .map((v) =>
        v.kind === "map" ? `${pad}- ${blockText(v, indent + 2).slice(indent + 2)}` : `${pad}-${after(v)}`,
      )
      .join("");
  }
  return `${pad}${flowText(node)}\n`;
}

/** Runs the comparison; true when the fast reader answered (so the run compared something). */
function agrees(text: string): boolean {
  const fast = readPlainYaml(text);
  if (!fast) return false;
  let full: unknown;
  try {
    full = parseYamlFully(text, "f.yaml").data;
  } catch (e) {
    assert.fail(`the fast reader accepted what the full one refuses (${(e as Error).message}):\n${text}`);
  }
  assert.deepStrictEqual(fast.data, full, `the readers disagree on:\n${text}`);
  return true;
}

describe("readPlainYaml (property: the same data as the full reader)", function () {
  // 3,000 documents through both readers: well under a second alone, several on a loaded machine.
  this.timeout(30_000);
  it("generated documents, block and flow, with YAML 1.1's tricky scalars", () => {
    let answered = 0;
    fc.assert(
      fc.property(tree, (node) => {
        if (agrees(blockText(node, 0))) answered++;
      }),
      { numRuns: 3000 },
    );
    // The property is only worth something if the fast reader answers for a good share of them.
    assert.ok(answered > 300, `the fast reader answered for ${answered} of 3000 documents only`);
  });

  it("random text made of YAML's punctuation never throws and never disagrees", () => {
    const unit = fc.constantFrom(..."ab01:-#&*!?|>'\"{}[],. \n\t~%@`<=yn");
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit }), (text) => {
        agrees(text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("readPlainYaml (what it leaves to the full reader)", () => {
  const cases: [string, string][] = [
    ["an anchor and alias", "a: &x 1\nb: *x\n"],
    ["a tag", "a: !!str 1\n"],
    ["a merge key", "base: {a: 1}\nc:\n  <<: {a: 2}\n"],
    ["an explicit key", "? a\n: 1\n"],
    ["a one-item sequence as a key", "[a]: 1\n"],
    ["a mapping as a key", "{a: 1}: 2\n"],
    ["a null key", "~: 1\n"],
    ["a tab", "a:\t1\n"],
    ["CRLF line ends", "a: 1\r\nb: 2\r\n"],
    ["a connection secret (kept as text)", "ansible_password: 0123\n"],
    ["a number that is not finite", "a: 1e400\n"],
    ["a repeated key", "a: 1\na: 2\n"],
    ["nesting deeper than MAX_DEPTH", `${"[".repeat(70)}${"]".repeat(70)}\n`],
    ["a sequence in a sequence on one line", "- -\n- yes\n"],
    ["an empty sequence item", "-\n  - \n- yes\n"],
    ["a quote then #", "''#\n"],
    ["a flow collection then #", "[a:]#\n"],
    ["a plain scalar that starts like a document marker", "---a\n"],
    ["a document end marker", "a: 1\n...\n"],
    ["a directive", "%YAML 1.1\n---\na: 1\n"],
    ["an empty file", ""],
    ["two documents", "a: 1\n---\nb: 2\n"],
    ["malformed YAML", "a: [1, 2\n"],
  ];
  for (const [what, text] of cases) {
    it(`${what}`, () => assert.equal(readPlainYaml(text), undefined));
  }

  it("a file of comments only is null, as in the full reader", () => {
    assert.deepStrictEqual(readPlainYaml("# nothing\n"), { data: null });
    assert.equal(parseYamlFully("# nothing\n", "f.yaml").data, null);
  });

  it("reads dates itself, as the text written, as the full reader does", () => {
    for (const text of ["since: 2024-01-01\n", "2024-01-01: a\n", "at: [2001-12-14 21:59:43.10 -5]\n"]) {
      const fast = readPlainYaml(text);
      assert.ok(fast, text);
      assert.deepStrictEqual(fast.data, parseYamlFully(text, "f.yaml").data);
    }
    assert.deepStrictEqual(readPlainYaml("since: 2024-01-01\n"), { data: { since: "2024-01-01" } });
  });

  it("reads a file that starts with a --- line itself", () => {
    assert.deepStrictEqual(readPlainYaml("---\na: 1\n"), { data: { a: 1 } });
  });

  it("reads an inventory with flow lists, quoted versions and YAML 1.1 booleans itself", () => {
    const text = [
      "all:",
      "  vars:",
      "    docker_version: '24.0.7'",
      "    docker_live_restore: yes",
      "  children:",
      "    el9:",
      "      hosts:",
      "        el9-1: {ansible_host: 10.0.0.11, ansible_port: 2222}",
      "        el9-2:",
      "          docker_users: [ops, app]",
      "          mode: 0644",
      "",
    ].join("\n");
    const fast = readPlainYaml(text);
    assert.ok(fast, "the fast reader answered");
    assert.deepStrictEqual(fast.data, parseYamlFully(text, "hosts.yaml").data);
    const all = (fast.data as { all: { vars: Record<string, unknown> } }).all;
    assert.equal(all.vars.docker_version, "24.0.7");
    assert.equal(all.vars.docker_live_restore, true);
  });
});
