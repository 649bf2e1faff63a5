/**
 * The GC planner over the shapes real tools push: a buildx multi-platform index with attestation
 * manifests, cosign tag-schema signatures, OCI 1.1 referrers by `subject`, and hostile graphs (an
 * index that lists itself, cycles, missing children, unreadable manifests). The property: no
 * manifest a kept tag reaches is ever deleted, whatever the graph.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  parseManifestRefs,
  type ManifestNode,
  type ManifestRefs,
  type RegistryGraph,
  type RepoGraph,
} from "../../../src/registry/gc-graph.js";
import { isAttachedTag, planGc } from "../../../src/registry/gc-plan.js";
import {
  buildxIndex,
  cosignSignature,
  platformImage,
  sbomReferrer,
  type Doc,
  type Image,
} from "./support/oci-shapes.js";

const node = (d: Doc): ManifestNode => ({
  digest: d.digest,
  bytes: d.bytes.length,
  refs: parseManifestRefs(d.bytes),
});
const repoOf = (
  name: string,
  docs: readonly Doc[],
  tags: Record<string, [Doc | string, number]>,
): RepoGraph => ({
  name,
  manifests: new Map(docs.map((d) => [d.digest, node(d)])),
  tags: Object.entries(tags).map(([tag, [d, pushed]]) => ({
    name: tag,
    digest: typeof d === "string" ? d : d.digest,
    pushed,
  })),
});
const graphOf = (...repos: RepoGraph[]): RegistryGraph => ({ fingerprint: "f".repeat(64), repos });
const manifests = (images: readonly Image[]) => images.map((i) => i.manifest);
const deleted = (g: RegistryGraph, keep = 0) =>
  planGc(g, () => keep)
    .deletes.map((d) => d.digest)
    .sort();

describe("registry GC planner", () => {
  const app = buildxIndex("team/app");
  const sig = cosignSignature(app.index, "team/app");
  const sbom = sbomReferrer(app.index, "team/app");
  const platformSig = cosignSignature(app.platforms[0]!.manifest, "team/app");
  const old = platformImage("amd64", "old");
  const everything = [
    ...manifests(app.images),
    app.index,
    sig.manifest,
    sbom.manifest,
    platformSig.manifest,
    old.manifest,
  ];

  it("keeps every platform and attestation manifest of a tagged buildx index, its signatures and referrers", () => {
    const g = graphOf(
      repoOf("team/app", everything, {
        v1: [app.index, 100],
        [sig.tag]: [sig.manifest, 101],
        [platformSig.tag]: [platformSig.manifest, 101],
      }),
    );
    const plan = planGc(g, () => 0);
    assert.deepEqual(
      plan.deletes.map((d) => d.digest),
      [old.manifest.digest],
      "only the untagged image nothing reaches goes",
    );
    assert.equal(plan.kept, everything.length - 1);
    assert.deepEqual(plan.warnings, []);
    // The bytes are those of its own blobs and manifest, which nothing kept shares.
    const own = old.blobs.reduce((s, b) => s + b.bytes.length, 0) + old.manifest.bytes.length;
    assert.equal(plan.bytes, own);
    assert.equal(plan.deletes[0]?.bytes, own);
  });

  it("deleting the index's only tag releases the whole image, its attestations, signatures and referrers", () => {
    const g = graphOf(
      repoOf("team/app", everything, {
        [sig.tag]: [sig.manifest, 1],
        [platformSig.tag]: [platformSig.manifest, 1],
      }),
    );
    const plan = planGc(g, () => 0);
    assert.equal(plan.deletes.length, everything.length);
    assert.deepEqual(plan.deletes.find((d) => d.digest === sig.manifest.digest)?.tags, [sig.tag]);
  });

  it("retention counts only the repository's own tags, never sha256-<hex>.sig/.att/.sbom or oras fallback tags", () => {
    const v2 = platformImage("amd64", "v2");
    const g = graphOf(
      repoOf("team/app", [...everything, v2.manifest], {
        v1: [app.index, 100],
        v2: [v2.manifest, 200],
        [sig.tag]: [sig.manifest, 300],
        [`sha256-${app.index.digest.slice(7)}`]: [sbom.manifest, 300],
      }),
    );
    const plan = planGc(g, () => 1);
    const gone = new Set(plan.deletes.map((d) => d.digest));
    // v1 is the older own tag: it goes, and its signature, attestations and SBOM go with it.
    for (const d of [app.index, sig.manifest, sbom.manifest, ...manifests(app.images)])
      assert.ok(gone.has(d.digest));
    assert.ok(!gone.has(v2.manifest.digest));
    assert.deepEqual(plan.deletes.find((d) => d.digest === app.index.digest)?.tags, ["v1"]);
    // Keeping two keeps both images and everything attached to v1.
    assert.deepEqual(deleted(g, 2), [old.manifest.digest, platformSig.manifest.digest].sort());
  });

  it("a tag retention removes whose manifest another tag still reaches is untagged, the manifest kept", () => {
    const g = graphOf(repoOf("team/app", everything, { v1: [app.index, 1], latest: [app.index, 2] }));
    const plan = planGc(g, () => 1);
    assert.deepEqual(plan.untags, [{ repo: "team/app", tag: "v1", digest: app.index.digest }]);
    assert.ok(!plan.deletes.some((d) => d.digest === app.index.digest));
  });

  it("a platform manifest tagged on its own stays when the index goes; blobs shared with kept images are not counted", () => {
    const g = graphOf(
      repoOf("team/app", manifests([...app.images, sig]).concat(app.index), {
        amd: [app.platforms[0]!.manifest, 1],
      }),
    );
    const plan = planGc(g, () => 0);
    const gone = plan.deletes.map((d) => d.digest);
    assert.ok(!gone.includes(app.platforms[0]!.manifest.digest));
    assert.ok(gone.includes(app.platforms[1]!.manifest.digest) && gone.includes(app.index.digest));
    // Expected: every blob of what goes, once, except those the kept amd64 manifest holds.
    const held = new Set([app.platforms[0]!.manifest, ...app.platforms[0]!.blobs].map((b) => b.digest));
    const freed = new Map<string, number>();
    for (const img of [app.platforms[1]!, ...app.attestations, sig])
      for (const b of [img.manifest, ...img.blobs])
        if (!held.has(b.digest)) freed.set(b.digest, b.bytes.length);
    freed.set(app.index.digest, app.index.bytes.length);
    assert.equal(
      plan.bytes,
      [...freed.values()].reduce((s, n) => s + n, 0),
    );
  });

  it("the same image in two repositories: deleting one copy frees only the manifest, the blobs stay counted once", () => {
    const img = platformImage("amd64", "shared");
    const g = graphOf(
      repoOf("team/a", [img.manifest], { v: [img.manifest, 1] }),
      repoOf("team/b", [img.manifest], {}),
    );
    const plan = planGc(g, () => 0);
    assert.deepEqual(
      plan.deletes.map((d) => [d.repo, d.digest]),
      [["team/b", img.manifest.digest]],
    );
    assert.equal(plan.bytes, 0, "every blob (and the manifest blob) is still held by team/a");
  });

  it("an index that lists itself, a cycle between indexes, and missing children end without deleting what is reached", () => {
    const refs = (children: string[], subject: string | null = null): ManifestRefs => ({
      mediaType: "application/vnd.oci.image.index.v1+json",
      children,
      subject,
      blobs: [],
    });
    const d = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;
    const m = (n: number, r: ManifestRefs): [string, ManifestNode] => [
      d(n),
      { digest: d(n), bytes: 10, refs: r },
    ];
    const repo: RepoGraph = {
      name: "team/odd",
      manifests: new Map([
        m(1, refs([d(1), d(2)])), // lists itself
        m(2, refs([d(3)])),
        m(3, refs([d(2), d(99)])), // cycle back to 2, and a child the registry lacks
        m(4, refs([], d(3))), // a referrer of 3
        m(5, refs([d(6)])), // untagged cycle 5 <-> 6: nothing reaches it
        m(6, refs([d(5)])),
      ]),
      tags: [
        { name: "t", digest: d(1), pushed: 1 },
        { name: "dangling", digest: d(98), pushed: 1 },
      ],
    };
    const plan = planGc(graphOf(repo), () => 0);
    assert.deepEqual(plan.deletes.map((x) => x.digest).sort(), [d(5), d(6)]);
    assert.equal(plan.warnings.length, 2);
    assert.match(plan.warnings.join("\n"), new RegExp(`index ${d(3)} points at ${d(99)}`));
    assert.match(plan.warnings.join("\n"), new RegExp(`tag dangling points at ${d(98)}`));
  });

  it("a repository with a manifest it cannot read is kept whole, with a warning", () => {
    const broken: ManifestNode = { digest: `sha256:${"a".repeat(64)}`, bytes: 0, refs: null };
    const repo = repoOf("team/app", everything, {});
    const g = graphOf({ ...repo, manifests: new Map([...repo.manifests, [broken.digest, broken]]) });
    const plan = planGc(g, () => 0);
    assert.deepEqual(plan.deletes, []);
    assert.match(plan.warnings[0] ?? "", /team\/app: kept whole: the content of sha256:a{64} cannot be read/);
  });

  it("attached tags are recognised exactly", () => {
    const hex = "0123456789abcdef".repeat(4);
    for (const t of [`sha256-${hex}`, `sha256-${hex}.sig`, `sha256-${hex}.att`, `sha256-${hex}.sbom`])
      assert.ok(isAttachedTag(t), t);
    for (const t of [
      "latest",
      `sha256-${hex}.sigx`,
      `sha256-${hex.slice(1)}.sig`,
      `x-sha256-${hex}.sig`,
      `sha256-${hex.toUpperCase()}`,
    ])
      assert.ok(!isAttachedTag(t), t);
  });

  it("property: nothing a kept tag reaches (children, referrers, attached tags, transitively) is ever deleted", () => {
    const digest = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;
    const arb = fc.record({
      nodes: fc.array(
        fc.record({
          children: fc.array(fc.nat(30), { maxLength: 4 }),
          subject: fc.option(fc.nat(30), { nil: null }),
          readable: fc.boolean(),
        }),
        { maxLength: 25 },
      ),
      tags: fc.array(
        fc.record({ to: fc.nat(30), attachTo: fc.option(fc.nat(30), { nil: null }), pushed: fc.nat(5) }),
        { maxLength: 8 },
      ),
      keep: fc.nat(3),
    });
    fc.assert(
      fc.property(arb, ({ nodes, tags, keep }) => {
        const manifestsMap = new Map<string, ManifestNode>(
          nodes.map((n, i) => [
            digest(i),
            {
              digest: digest(i),
              bytes: 1,
              refs: n.readable
                ? {
                    mediaType: "",
                    children: n.children.map(digest),
                    subject: n.subject === null ? null : digest(n.subject),
                    blobs: [],
                  }
                : null,
            },
          ]),
        );
        const tagNodes = tags.map((t, i) => ({
          name: t.attachTo === null ? `t${i}` : `sha256-${digest(t.attachTo).slice(7)}.sig`,
          digest: digest(t.to),
          pushed: t.pushed,
        }));
        const repo: RepoGraph = { name: "p/r", manifests: manifestsMap, tags: tagNodes };
        const plan = planGc(graphOf(repo), () => keep);
        const gone = new Set(plan.deletes.map((d) => d.digest));
        const own = tagNodes.filter((t) => !isAttachedTag(t.name));
        const kept =
          keep === 0
            ? own
            : [...own].sort((a, b) => b.pushed - a.pushed || a.name.localeCompare(b.name)).slice(0, keep);
        // Reachability by a naive fixpoint over every edge kind, independent of the planner's queue.
        const reach = new Set(kept.map((t) => t.digest).filter((d) => manifestsMap.has(d)));
        if ([...manifestsMap.values()].some((m) => m.refs === null)) return gone.size === 0;
        for (let grew = true; grew;) {
          grew = false;
          for (const m of manifestsMap.values()) {
            const by =
              (m.refs?.subject != null && reach.has(m.refs.subject)) ||
              [...reach].some((r) => manifestsMap.get(r)?.refs?.children.includes(m.digest)) ||
              tagNodes.some(
                (t) =>
                  t.digest === m.digest &&
                  isAttachedTag(t.name) &&
                  reach.has(`sha256:${t.name.slice(7, 71)}`),
              );
            if (by && !reach.has(m.digest)) {
              reach.add(m.digest);
              grew = true;
            }
          }
        }
        for (const r of reach) if (gone.has(r)) return false;
        // And everything unreached goes: GC frees what it may.
        return [...manifestsMap.keys()].every((d) => reach.has(d) || gone.has(d));
      }),
      { numRuns: 400 },
    );
  });
});
