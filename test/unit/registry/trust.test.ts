/**
 * trustRegistries and untrustRegistries on any daemon.json: one edit for every plain-HTTP address of
 * a run (two edits of one file in a run conflict), every other entry and key kept, a second run a
 * no-op, and absent giving back the list as it was without the run's addresses.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { FactSet } from "../../../src/facts/fact.js";
import type { FileInfo } from "../../../src/facts/file.js";
import type { Resource } from "../../../src/resources/resource.js";
import { trustRegistries, untrustRegistries, type TrustedRegistry } from "../../../src/registry/trust.js";
import { daemonJsonFile, runningEngine } from "./support/host-sim.js";

const DAEMON = "file:/etc/docker/daemon.json";
const CA = "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n";

/** The facts of a host whose daemon.json is `o` and whose engine runs with that file's list. */
function host(resources: readonly Resource[], o: Record<string, unknown>): FactSet {
  const values = new Map<string, unknown>();
  for (const f of resources.flatMap((r) => r.facts)) {
    if (f.name === DAEMON) values.set(f.name, daemonJsonFile(o));
    else if (f.name === "docker-daemon")
      values.set(f.name, runningEngine((o["insecure-registries"] as string[] | undefined) ?? []));
    else values.set(f.name, { exists: false } satisfies FileInfo);
  }
  return new FactSet(values);
}

/** The daemon.json each resource that edits it would write (its step's stdin), in plan order. */
function edits(resources: readonly Resource[], facts: FactSet): Record<string, unknown>[] {
  return resources.flatMap((r) => {
    const out = r.plan(facts);
    assert.notEqual(out.kind, "fail", JSON.stringify(out));
    if (out.kind !== "change") return [];
    return out.steps
      .filter((s) => s.description.includes("daemon.json"))
      .map((s) => JSON.parse(Buffer.from(s.stdin ?? "").toString("utf8")) as Record<string, unknown>);
  });
}

const address = fc
  .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 5000, max: 5003 }))
  .map(([h, p]) => `10.0.0.${h}:${p}`);
const registries = fc
  .uniqueArray(fc.tuple(address, fc.boolean()), { minLength: 1, maxLength: 4, selector: ([a]) => a })
  .map((rs) => rs.map(([endpoint, tls]): TrustedRegistry => ({ endpoint, tls, caPem: tls ? CA : null })));
const daemonJson = fc.record({
  "insecure-registries": fc.array(address, { maxLength: 5 }),
  debug: fc.boolean(),
});

describe("trustRegistries / untrustRegistries", () => {
  it("one edit adds every plain-HTTP address, keeps every other entry and key; the next run is a no-op; absent gives back the rest", () => {
    fc.assert(
      fc.property(registries, daemonJson, (rs, before) => {
        const plain = rs.filter((r) => !r.tls).map((r) => r.endpoint);
        const trust = trustRegistries(rs);
        const written = edits(trust, host(trust, before));
        assert.equal(
          written.length,
          plain.length > 0 && !plain.every((p) => before["insecure-registries"].includes(p)) ? 1 : 0,
        );
        const after = written[0] ?? before;
        const list = after["insecure-registries"] as string[];
        assert.deepEqual(list.slice(0, before["insecure-registries"].length), before["insecure-registries"]);
        for (const p of plain) assert.ok(list.includes(p), p);
        assert.equal(after.debug, before.debug);
        assert.deepEqual(edits(trustRegistries(rs), host(trust, after)), [], "a second run edits nothing");

        const untrust = untrustRegistries(rs);
        const removed = edits(untrust, host(untrust, after));
        assert.ok(removed.length <= 1, "one edit removes them");
        const left = (removed[0] ?? after)["insecure-registries"];
        assert.deepEqual(
          left,
          before["insecure-registries"].filter((e) => !plain.includes(e)),
        );
        assert.equal((removed[0] ?? after).debug, before.debug);
      }),
      { numRuns: 300 },
    );
  });
});
