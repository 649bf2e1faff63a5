// The engine's answers as the probes' `api` prints them (each body, then `@@status CODE`): every
// status is read, so an object the engine no longer has, a server error or a cut-off answer is an
// error of the fact, never an object left out.
import assert from "node:assert/strict";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bridgeNetwork } from "../../../../src/compliance/facts/bridge-network.js";
import { containers } from "../../../../src/compliance/facts/containers.js";
import { images } from "../../../../src/compliance/facts/images.js";
import { FactError } from "../../../../src/errors.js";
import { readResponses } from "../../../../src/compliance/facts/engine-api.js";
import { fuzzParams } from "../../../helpers/fuzz.js";

const rows = (text: string) => text.split("\n");

describe("readResponses: the engine's answers over its socket", () => {
  it("reads each body with its status, and stops at the first row that is neither", () => {
    const out = rows('{"Id":"a"}\n\n@@status 200\n{"Id":"b"}\n\n@@status 200\nsrc /etc');
    const { responses, next } = readResponses(out, 0, "containers");
    assert.deepEqual(responses, [
      { status: 200, body: { Id: "a" } },
      { status: 200, body: { Id: "b" } },
    ]);
    assert.equal(out[next], "src /etc");
  });

  it("a 404 (an object removed meanwhile) is an error with the engine's message", () => {
    const out = rows('{"Id":"a"}\n\n@@status 200\n{"message":"No such container: b"}\n\n@@status 404');
    assert.throws(
      () => readResponses(out, 0, "containers"),
      (e: unknown) => e instanceof FactError && /404: No such container: b/.test(e.message),
    );
  });

  it("a 500 whose body is not JSON is an error showing the body", () => {
    assert.throws(
      () => readResponses(rows("{oops\n@@status 500"), 0, "images"),
      (e: unknown) => e instanceof FactError && /500 with a body that is not JSON: "\{oops"/.test(e.message),
    );
  });

  it("an answer cut off before its status is an error, never fewer objects", () => {
    assert.throws(
      () => readResponses(rows('{"Id":"a"}\n\n@@status 200\n{"Id":"b"}'), 0, "containers"),
      /cut off/,
    );
  });

  it("any list of objects the engine answers is read back whole, in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 8 }),
        (bodies) => {
          const text = bodies.map((b) => `${JSON.stringify(b)}\n\n@@status 200`).join("\n");
          const { responses, next } = readResponses(rows(text), 0, "containers");
          assert.deepEqual(
            responses.map((r) => r.body),
            bodies.map((b) => JSON.parse(JSON.stringify(b)) as unknown),
          );
          assert.equal(next, bodies.length === 0 ? 1 : rows(text).length);
        },
      ),
      fuzzParams("engine-api readResponses", 200),
    );
  });
});

describe("the engine's API and the docker CLI, recorded on the same lab host", () => {
  // test/e2e/compliance-containers.test.ts recorded both probes' outputs one after the other on
  // el9-1 (engine 20.10.24) with 21 containers running, each with one offending option.
  const dir = fileURLToPath(new URL("../../../fixtures/compliance/engine-api/", import.meta.url));
  const read = (name: string) => readFileSync(`${dir}${name}`, "utf8");
  const facts = { containers, images, "docker-bridge": bridgeNetwork };

  for (const [name, fact] of Object.entries(facts))
    it(`${name}: both outputs parse to the same value`, () => {
      const api = read(`${name}.api.txt`);
      const cli = read(`${name}.cli.txt`);
      assert.match(api, /^api/);
      assert.doesNotMatch(cli, /^api/);
      assert.deepEqual(fact.parse(api), fact.parse(cli));
    });

  it("the API's containers are the 21 recorded, with their mounts, ports and processes", () => {
    const { containers: found } = containers.parse(read("containers.api.txt"));
    assert.equal(found.length, 21);
    const shared = found.find((c) => c.name === "ops-e2e-5-20");
    assert.deepEqual(
      shared?.mounts.map((m) => [m.type, m.source, m.propagation]),
      [["bind", "/srv/ops-e2e-shared", "rshared"]],
    );
    assert.ok(found.some((c) => c.ports.some((p) => p.hostIp === "0.0.0.0" && p.hostPort === 18080)));
  });

  it("a bind source the shell did not resolve is an error, never a mount judged as it reads", () => {
    const api = read("containers.api.txt").replace(/^src \/etc\nreal \/etc\n/m, "");
    assert.throws(() => containers.parse(api), /bind mount source \/etc was not resolved/);
  });
});
