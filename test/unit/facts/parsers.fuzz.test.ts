// Whatever a host prints, every fact parser gives a value or a FactError: never a TypeError,
// RangeError or SyntaxError (a stack trace, exit 70). One list names every parser of host output;
// a second test reads the folders, so a fact module added later without joining the list fails.
import assert from "node:assert/strict";
import { bundleOnHost } from "../../../src/bundle/host-copy.js";
import { signingKey } from "../../../src/resources/signing-key.js";
import { SAMPLE_HOST_FACTS } from "../../../src/packages/host-facts.js";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FactError } from "../../../src/errors.js";
import { readProcessLine, parseContainerLine } from "../../../src/compliance/facts/container-record.js";
import { readResponses } from "../../../src/compliance/facts/engine-api.js";
import { commandFact } from "../../../src/facts/command.js";
import { parseProbeOutput } from "../../../src/facts/gather.js";
import { parseGraph, parseManifestRefs } from "../../../src/registry/gc-graph.js";
import { gcGraphFact } from "../../../src/registry/gc-resource.js";
import { hostImages } from "../../../src/images/host-images.js";
import { fuzzParams } from "../../helpers/fuzz.js";
import { readCases } from "./support/plain.js";
import { FACTS, type FactArgs } from "./registry.js";

type Parse = (stdout: string, exitCode?: number) => unknown;

/** A fixture folder's facts, each built with the args of that folder's cases. */
const fixtureFacts = (folder: string): Parse[] => {
  const make = FACTS[folder];
  if (!make) throw new Error(`no fact registered for ${folder}`);
  const dir = fileURLToPath(new URL(`../../fixtures/facts/${folder}/`, import.meta.url));
  const argSets = readCases(dir, readdirSync(dir)).map(([, c]) => (c as { args?: FactArgs }).args ?? {});
  const unique = [...new Map(argSets.map((a) => [JSON.stringify(a), a])).values()];
  return unique.map((a) => {
    const fact = make(a);
    return (stdout, code) => fact.parse(stdout, code);
  });
};

/** Every module that turns host output into a value, and its parsers (through the fact objects where they exist). */
const PARSERS: Record<string, { fixtures: string[]; parsers: () => Parse[] }> = {
  "src/facts/command.ts": { fixtures: [], parsers: () => [(s, c) => commandFact("cmd", "true").parse(s, c)] },
  "src/bundle/host-copy.ts": { fixtures: [], parsers: () => [(s) => bundleOnHost("ab".repeat(32)).parse(s)] },
  "src/resources/signing-key.ts": {
    fixtures: [],
    parsers: () =>
      signingKey({
        on: { facts: SAMPLE_HOST_FACTS.el9 },
        name: "k",
        url: "file:///k",
        fingerprint: "E4FECCCC55C2126173DC79315E9B3745269F56FC",
        content: Buffer.from("k"),
      } as never).facts.map((f) => (s: string, c?: number) => f.parse(s, c)),
  },
  "src/facts/disk-free.ts": { fixtures: ["disk-free"], parsers: () => fixtureFacts("disk-free") },
  "src/facts/docker-info.ts": {
    fixtures: ["docker-info", "docker-daemon"],
    parsers: () => [...fixtureFacts("docker-info"), ...fixtureFacts("docker-daemon")],
  },
  "src/facts/file.ts": { fixtures: ["file"], parsers: () => fixtureFacts("file") },
  "src/facts/gather.ts": {
    fixtures: ["kernel", "os-release"],
    parsers: () => [
      (s) =>
        parseProbeOutput(
          [FACTS["kernel"]?.({}), FACTS["os-release"]?.({})].filter((f) => !!f),
          s,
          "n0nce",
        ),
    ],
  },
  "src/facts/group.ts": {
    fixtures: ["group", "users"],
    parsers: () => [...fixtureFacts("group"), ...fixtureFacts("users")],
  },
  "src/facts/hostname.ts": { fixtures: ["hostname"], parsers: () => fixtureFacts("hostname") },
  "src/facts/kernel.ts": { fixtures: ["kernel"], parsers: () => fixtureFacts("kernel") },
  "src/facts/nr-open.ts": { fixtures: ["fs-nr-open"], parsers: () => fixtureFacts("fs-nr-open") },
  "src/facts/listening-ports.ts": {
    fixtures: ["listening-ports"],
    parsers: () => fixtureFacts("listening-ports"),
  },
  "src/facts/lock.ts": { fixtures: ["lock"], parsers: () => fixtureFacts("lock") },
  "src/facts/os-release.ts": { fixtures: ["os-release"], parsers: () => fixtureFacts("os-release") },
  "src/facts/commands-present.ts": {
    fixtures: ["commands-present"],
    parsers: () => fixtureFacts("commands-present"),
  },
  "src/packages/rpm/gpg-keys.ts": { fixtures: ["rpm-gpg-keys"], parsers: () => fixtureFacts("rpm-gpg-keys") },
  "src/packages/deb/installed.ts": {
    fixtures: ["dpkg-packages"],
    parsers: () => fixtureFacts("dpkg-packages"),
  },
  "src/packages/rpm/installed.ts": {
    fixtures: ["rpm-packages"],
    parsers: () => fixtureFacts("rpm-packages"),
  },
  "src/facts/sudo.ts": { fixtures: ["sudo"], parsers: () => fixtureFacts("sudo") },
  "src/facts/systemd-unit.ts": { fixtures: ["systemd-unit"], parsers: () => fixtureFacts("systemd-unit") },
  "src/facts/url-content.ts": { fixtures: ["url-content"], parsers: () => fixtureFacts("url-content") },
  "src/facts/url-timings.ts": { fixtures: ["url-timings"], parsers: () => fixtureFacts("url-timings") },
  "src/compliance/facts/audit-rules.ts": {
    fixtures: ["audit-rules"],
    parsers: () => fixtureFacts("audit-rules"),
  },
  "src/compliance/facts/bridge-network.ts": {
    fixtures: ["docker-bridge"],
    parsers: () => fixtureFacts("docker-bridge"),
  },
  "src/compliance/facts/container-record.ts": {
    fixtures: ["containers"],
    parsers: () => [
      (s) => parseContainerLine(s),
      (s) => s.split("\n").map((row) => readProcessLine(row, new Map(), {})),
    ],
  },
  "src/compliance/facts/containers.ts": {
    fixtures: ["containers"],
    parsers: () => fixtureFacts("containers"),
  },
  "src/compliance/facts/docker-files.ts": {
    fixtures: ["docker-files"],
    parsers: () => fixtureFacts("docker-files"),
  },
  "src/compliance/facts/daemon-paths.ts": {
    fixtures: ["daemon-paths"],
    parsers: () => fixtureFacts("daemon-paths"),
  },
  "src/compliance/facts/content-trust.ts": {
    fixtures: ["content-trust"],
    parsers: () => fixtureFacts("content-trust"),
  },
  "src/compliance/facts/images.ts": { fixtures: ["images"], parsers: () => fixtureFacts("images") },
  "src/compliance/facts/engine-api.ts": {
    fixtures: ["containers", "images", "docker-bridge"],
    parsers: () => [(s) => readResponses(s.split("\n"), 0, "containers")],
  },
  "src/compliance/facts/dockerd-cmdline.ts": {
    fixtures: ["dockerd-cmdline"],
    parsers: () => fixtureFacts("dockerd-cmdline"),
  },
  "src/compliance/facts/exec-audit.ts": {
    fixtures: ["exec-audit"],
    parsers: () => fixtureFacts("exec-audit"),
  },
  "src/compliance/facts/mounts.ts": { fixtures: ["mounts"], parsers: () => fixtureFacts("mounts") },
  "src/facts/compose-state.ts": {
    fixtures: ["compose-state"],
    parsers: () => fixtureFacts("compose-state"),
  },
  "src/registry/gc-graph.ts": {
    fixtures: [],
    parsers: () => [(s) => parseGraph(s), (s) => parseManifestRefs(Buffer.from(s, "utf8"))],
  },
  "src/registry/gc-resource.ts": { fixtures: [], parsers: () => [(s) => gcGraphFact("/opt/reg").parse(s)] },
  "src/images/host-images.ts": {
    fixtures: [],
    parsers: () => [(s) => hostImages.parse(s, 0), (s) => hostImages.parse(s, 1)],
  },
};

/** Modules of the fact folders that parse nothing a host sends (shared helpers and the Fact type). */
const NOT_PARSERS = new Set([
  "src/facts/fact.ts",
  "src/facts/text.ts",
  "src/facts/registry-names.ts",
  "src/facts/concurrent-probe.ts",
]);

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const FACT_DIRS = ["src/facts", "src/compliance/facts"];

/** Every source file that defines a Fact with a parser, wherever it lives. */
function factModules(): string[] {
  const found = new Set<string>();
  for (const dir of FACT_DIRS)
    for (const f of readdirSync(`${repo}${dir}`)) if (f.endsWith(".ts")) found.add(`${dir}/${f}`);
  const walk = (dir: string): void => {
    for (const e of readdirSync(`${repo}${dir}`, { withFileTypes: true })) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".ts")) {
        const text = readFileSync(`${repo}${path}`, "utf8");
        if (/\bFact<[^>]*>\s*(=|\{)|\): Fact</.test(text) && /\bparse\s*[:(]/.test(text)) found.add(path);
      }
    }
  };
  walk("src");
  return [...found].filter((p) => !NOT_PARSERS.has(p)).sort();
}

/** The fixtures' real outputs: hostile inputs start from them, so mutations reach deep into each parser. */
function seedsOf(folders: readonly string[]): string[] {
  const out: string[] = [];
  for (const folder of folders) {
    const dir = fileURLToPath(new URL(`../../fixtures/facts/${folder}/`, import.meta.url));
    for (const [, c] of readCases(dir, readdirSync(dir))) {
      const stdout = (c as { stdout?: unknown }).stdout;
      if (typeof stdout === "string") out.push(stdout);
    }
  }
  return out;
}

const NASTY = [
  "\u0000",
  "\u001b[2K",
  "\r",
  "\n",
  "\t",
  "\u202e",
  "\u2066",
  "\ud800",
  "\ufeff",
  "\u2028",
  " ",
  "-",
];
const HUGE = "9".repeat(400_000);
const scalar = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1e308, "", "x", [], {}, "NaN", HUGE),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
);

/** Replaces the picked nodes (depth-first order) of a JSON value with a value of another shape. */
function reshape(value: unknown, picks: ReadonlySet<number>, withs: readonly unknown[]): unknown {
  let n = 0;
  const walk = (v: unknown): unknown => {
    const i = n++;
    if (picks.has(i)) return withs[i % withs.length];
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

/** A decimal or hex number standing alone in a probe's output or its JSON. */
const NUMBER = /(?<=^|[\s:="])[0-9a-fA-F]+(?=$|[\s,}"\]])/gm;

/** A seed output changed the way a lying or broken host would change it. */
function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  const seed = seeds.length > 0 ? fc.constantFrom(...seeds) : fc.constant("");
  const numbers = fc.constantFrom("0", "-5", "1e999", "NaN", "4294967296000", "ffffffffffffffffffff", HUGE);
  const words = fc.oneof(numbers, fc.constantFrom(...NASTY, "abc", '{"', "[", "null"));
  return fc.oneof(
    // Cut short anywhere (partial JSON, a line without its end).
    fc
      .tuple(seed, fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([s, r]) => s.slice(0, Math.floor(s.length * r))),
    // A hostile word put in anywhere.
    fc
      .tuple(seed, fc.double({ min: 0, max: 1, noNaN: true }), words)
      .map(([s, r, w]) => s.slice(0, Math.floor(s.length * r)) + w + s.slice(Math.floor(s.length * r))),
    // One line's words swapped for numbers, nonsense or nothing.
    fc.tuple(seed, fc.nat(), fc.nat(), words).map(([s, li, wi, w]) => {
      const rows = s.split("\n");
      const row = (rows[li % Math.max(rows.length, 1)] ?? "").split(" ");
      row[wi % Math.max(row.length, 1)] = w;
      rows[li % Math.max(rows.length, 1)] = row.join(" ");
      return rows.join("\n");
    }),
    // The numbers of the output (decimal or hex) swapped, each its own way: huge, negative, not a number.
    fc.tuple(seed, fc.array(fc.option(words), { minLength: 1, maxLength: 6 })).map(([s, ws]) => {
      let k = 0;
      return s.replace(NUMBER, (n) => ws[k++ % ws.length] ?? n);
    }),
    // One number alone swapped for a huge or malformed one.
    fc.tuple(seed, fc.nat(), numbers).map(([s, at, w]) => {
      const count = s.match(NUMBER)?.length ?? 0;
      let k = 0;
      return s.replace(NUMBER, (n) => (k++ === at % Math.max(count, 1) ? w : n));
    }),
    // JSON lines of the wrong shape: numbers where strings were, arrays where objects were.
    fc
      .tuple(
        seed,
        fc.uniqueArray(fc.nat({ max: 60 }), { maxLength: 6 }),
        fc.array(scalar, { minLength: 1, maxLength: 4 }),
      )
      .map(([s, picks, withs]) =>
        s
          .split("\n")
          .map((row) => {
            try {
              return JSON.stringify(reshape(JSON.parse(row), new Set(picks), withs));
            } catch {
              return row;
            }
          })
          .join("\n"),
      ),
  );
}

const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc
    .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 6 })), { maxLength: 10 })
    .map((p) => p.join("")),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 3 }).chain((v) => {
    const s = JSON.stringify(v) ?? "";
    return fc.nat({ max: s.length }).map((n) => s.slice(0, n));
  }),
  fc.constantFrom(HUGE, `${HUGE}\n${HUGE}`, "\u0000".repeat(10_000), "\n".repeat(10_000)),
);

/** The parser's answer, or the error it threw when it is not ops's own FactError. */
function foreignError(parse: Parse, stdout: string, code: number): unknown {
  try {
    parse(stdout, code);
    return undefined;
  } catch (err) {
    return err instanceof FactError ? undefined : err;
  }
}

describe("fact parsers against hostile host output", function () {
  this.timeout(30_000);

  it("the list names every module that defines a fact (read from the folders)", () => {
    const missing = factModules().filter((m) => !(m in PARSERS));
    assert.deepEqual(missing, [], `fact modules missing from PARSERS: ${missing.join(", ")}`);
    for (const m of Object.keys(PARSERS)) assert.ok(readFileSync(`${repo}${m}`, "utf8").length > 0, m);
  });

  for (const [module, entry] of Object.entries(PARSERS)) {
    it(`${module}: any output gives a value or a FactError`, () => {
      const parsers = entry.parsers();
      assert.ok(parsers.length > 0);
      const seeds = seedsOf(entry.fixtures);
      // Most inputs start from a real output (they reach past the first line); the rest are noise.
      const input =
        seeds.length > 0
          ? fc.oneof({ arbitrary: hostile, weight: 1 }, { arbitrary: mutated(seeds), weight: 3 })
          : hostile;
      fc.assert(
        fc.property(input, fc.integer({ min: -1, max: 255 }), (stdout, code) => {
          for (const parse of parsers) {
            const err = foreignError(parse, stdout, code);
            if (err !== undefined)
              throw new Error(`${module} threw ${String(err)} on ${JSON.stringify(stdout.slice(0, 200))}`);
          }
        }),
        fuzzParams(module, 200),
      );
    });
  }
});
