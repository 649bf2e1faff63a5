/**
 * What `gc.sh --graph` printed, parsed: a graph read only in part (cut short, a stray line, bad
 * base64) is an error naming the line, never a smaller graph to plan deletions from. And the
 * registry-gc resource: a dry run lists what would go with sizes and changes nothing; an older gc.sh
 * is refused before anything runs.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { FactSet } from "../../../src/facts/fact.js";
import { parseGraph, parseManifestRefs } from "../../../src/registry/gc-graph.js";
import { gcGraphFact, registryGc } from "../../../src/registry/gc-resource.js";
import { buildxIndex, platformImage } from "./support/oci-shapes.js";

const fp = "ab".repeat(32);
const app = buildxIndex("team/app");
const old = platformImage("amd64", "old");
const b64 = (b: Buffer) => b.toString("base64");
const dump = [
  "ops-gc-graph 1",
  "repo team/app",
  `tag v1 ${app.index.digest} 1700000000`,
  ...[app.index, ...app.images.map((i) => i.manifest), old.manifest].map(
    (d) => `manifest ${d.digest} ${d.bytes.length} ${b64(d.bytes)}`,
  ),
  `fingerprint ${fp}`,
].join("\n");

describe("registry GC graph", () => {
  it("parses tags, manifests and the fingerprint; reads children, subject and blob sizes from each manifest", () => {
    const g = parseGraph(dump);
    assert.equal(g.fingerprint, fp);
    const repo = g.repos[0];
    assert.equal(repo?.name, "team/app");
    assert.deepEqual(repo?.tags, [{ name: "v1", digest: app.index.digest, pushed: 1700000000 }]);
    assert.deepEqual(
      repo?.manifests.get(app.index.digest)?.refs?.children,
      [...app.platforms, ...app.attestations].map((i) => i.manifest.digest),
    );
    const amd = app.platforms[0];
    assert.deepEqual(
      repo?.manifests.get(amd?.manifest.digest ?? "")?.refs?.blobs,
      [amd?.blobs[1], amd?.blobs[0]].map((b) => ({ digest: b?.digest, size: b?.bytes.length })),
    );
  });

  it("refuses output cut short, out of place or malformed, naming the line", () => {
    const rows = dump.split("\n");
    const cases: [string, RegExp][] = [
      [rows.slice(0, -1).join("\n"), /ends before its fingerprint/],
      ["", /line 1: not the output of gc.sh --graph/],
      [[rows[0], `tag v1 ${app.index.digest} 1`, ...rows.slice(1)].join("\n"), /line 2: unexpected/],
      [
        [...rows.slice(0, 2), `tag v1 ${app.index.digest} soon`, ...rows.slice(3)].join("\n"),
        /line 3: a malformed tag/,
      ],
      [
        [...rows.slice(0, 3), `manifest ${old.manifest.digest} 5 ***`, ...rows.slice(3)].join("\n"),
        /line 4: .* not base64/,
      ],
      [[...rows, "repo x/y"].join("\n"), /output after the fingerprint/],
      [[rows[0], "repo ../../etc", ...rows.slice(2)].join("\n"), /line 2: unexpected/],
    ];
    for (const [text, why] of cases) assert.throws(() => parseGraph(text), why);
  });

  it("a manifest whose blob is missing or is not JSON has unknown references (null)", () => {
    const g = parseGraph(
      ["ops-gc-graph 1", "repo a/b", `manifest ${old.manifest.digest} - -`, `fingerprint ${fp}`].join("\n"),
    );
    assert.equal(g.repos[0]?.manifests.get(old.manifest.digest)?.refs, null);
    assert.equal(parseManifestRefs(Buffer.from("[1,2]")), null);
    assert.equal(parseManifestRefs(Buffer.from("\u0000garbage")), null);
  });

  it("fuzz: any output either parses or throws an error that names the line; never anything else", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...dump.split("\n")), fc.string()), { maxLength: 12 }),
        (rows) => {
          try {
            parseGraph(["ops-gc-graph 1", ...rows].join("\n"));
          } catch (err) {
            return err instanceof Error && /line \d+/.test(err.message);
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the dry run lists what would go with sizes and changes nothing; a gc.sh without --graph is refused", () => {
    const dir = "/opt/ops-registry";
    const gc = registryGc({ dir, keepFor: () => 0, dryRun: true });
    const facts = (graph: unknown) =>
      new FactSet(
        new Map<string, unknown>([
          [`file:${dir}/gc.sh`, { exists: true }],
          [gcGraphFact(dir).name, graph],
        ]),
      );
    const outcome = gc.plan(facts(parseGraph(dump)));
    assert.equal(outcome.kind, "noop");
    assert.ok(outcome.kind === "noop" && outcome.show === true);
    const text = outcome.kind === "noop" ? outcome.reason : "";
    assert.match(
      text,
      /^dry run: would delete 1 manifest\(s\) and remove 0 tag\(s\) alone, freeing about [\d.]+ (B|KiB) \(\d+ bytes\); 5 manifest\(s\) kept/,
    );
    assert.match(
      text,
      new RegExp(
        `^  delete team/app@${old.manifest.digest} application/vnd\\.oci\\.image\\.manifest\\.v1\\+json [\\d.]+ (B|KiB)$`,
        "m",
      ),
    );
    const real = registryGc({ dir, keepFor: () => 0, dryRun: false }).plan(facts(parseGraph(dump)));
    assert.equal(real.kind, "change");
    const step = real.kind === "change" ? real.steps[0] : undefined;
    assert.equal(step?.script, `${dir}/gc.sh --apply`);
    assert.equal(String(step?.stdin), `fingerprint ${fp}\ndelete team/app ${old.manifest.digest}\n`);
    const outdated = gc.plan(facts(null));
    assert.ok(outdated.kind === "fail" && /older deploy-registry/.test(outdated.message));
    assert.equal(gcGraphFact(dir).parse("ops-gc-graph outdated\n"), null);
  });
});
