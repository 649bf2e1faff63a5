import { strict as assert } from "node:assert";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ConnectError, PeerError } from "../../../src/errors.js";
import { PAGE, RegistryApi, type RegistryLimits } from "../../../src/registry/api.js";
import { fakeHttp, sha256, type FakePeer } from "../../helpers/fake-peers.js";

const json = (res: ServerResponse, doc: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(200, { "content-type": "application/json", ...headers });
  res.end(typeof doc === "string" ? doc : JSON.stringify(doc));
};

const names = (from: number, n = PAGE) =>
  Array.from({ length: n }, (_, i) => `p/r${String(from + i).padStart(8, "0")}`);

async function fails(p: Promise<unknown>, type: new (...a: never[]) => Error, re: RegExp): Promise<void> {
  const err = await p.then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof type, `${String(err)}`);
  assert.match(err.message, re);
}

describe("registry/api: a registry is a peer", () => {
  let peer: FakePeer | undefined;
  const api = async (
    handler: (req: IncomingMessage, res: ServerResponse) => void,
    limits: Partial<RegistryLimits> = {},
  ) => {
    peer = await fakeHttp(handler);
    return new RegistryApi({ url: peer.url }, { user: "root", password: "pw" }, "reg", limits);
  };
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  it("follows catalog pages by Link header or by `last`, to the end", async () => {
    const a = await api((req, res) => {
      const u = new URL(req.url ?? "", "http://x");
      const last = u.searchParams.get("last");
      if (last === null)
        return json(res, { repositories: names(0) }, { link: `</v2/_catalog?last=x&n=${PAGE}>; rel="next"` });
      if (last === "x") return json(res, { repositories: names(PAGE) });
      return json(res, { repositories: names(2 * PAGE, 3) });
    });
    const repos = await a.repositories();
    assert.equal(repos.length, 2 * PAGE + 3);
    assert.equal(peer?.count(), 3);
  });

  it("pages that are always full stop at the page cap; pages that repeat stop at once", async () => {
    let n = 0;
    const growing = await api((_req, res) => json(res, { repositories: names(PAGE * n++) }), { maxPages: 5 });
    await fails(growing.repositories(), PeerError, /more than 5 pages/);
    assert.equal(peer?.count(), 5);
    await peer?.close();
    const same = await api((_req, res) => json(res, { repositories: names(0) }));
    await fails(same.repositories(), PeerError, /the pages do not advance/);
    assert.equal(peer?.count(), 2);
    await peer?.close();
    const loop = await api((_req, res) =>
      json(res, { repositories: ["a"] }, { link: `</v2/_catalog?n=${PAGE}>; rel="next"` }),
    );
    await fails(loop.repositories(), PeerError, /the pages loop/);
    await peer?.close();
    const away = await api((_req, res) =>
      json(res, { repositories: ["a"] }, { link: `<http://evil.example/v2/_catalog?n=1>; rel="next"` }),
    );
    await fails(away.repositories(), PeerError, /the next page points elsewhere/);
  });

  it("answers that are not what the spec says: clear errors naming the registry", async () => {
    const bodies: Record<string, string> = {
      "/v2/_catalog?n=1000": "<html>not json",
      "/v2/a/tags/list?n=1000": '{"tags": [1, 2]}',
      "/v2/b/tags/list?n=1000": '{"tags": ["ok", "../../etc"]}',
      "/v2/c/manifests/v1": '{"layers": [{"digest": "sha256:x", "size": 1}]}',
      "/v2/d/manifests/v1": `{"layers": [{"digest": "${sha256("l")}", "size": -5}]}`,
      "/v2/e/manifests/v1": '["a list"]',
    };
    const a = await api((req, res) => json(res, bodies[req.url ?? ""] ?? "{}"));
    await fails(
      a.repositories(),
      PeerError,
      /the registry at http:\/\/127\.0\.0\.1:\d+: GET \/v2\/_catalog\?n=1000: the answer is not JSON/,
    );
    await fails(a.tags("a"), PeerError, /'tags' holds something that is not a string/);
    await fails(a.tags("b"), PeerError, /lists the tag '\.\.\/\.\.\/etc', which is not a tag/);
    await fails(a.manifest("c", "v1"), PeerError, /digest is not a digest/);
    await fails(a.manifest("d", "v1"), PeerError, /size is not a number of bytes/);
    await fails(a.manifest("e", "v1"), PeerError, /not a JSON object/);
  });

  it("an index that lists its own digest is a cycle; nesting stops at the depth cap", async () => {
    const self = sha256("the index");
    const selfish = JSON.stringify({ manifests: [{ digest: self, size: 10 }] });
    const a = await api((_req, res) => json(res, selfish, { "docker-content-digest": self }));
    await fails(a.manifest("p/r", "v1"), PeerError, /lists itself \(a cycle\)/);
    assert.equal(peer?.count(), 1);
    await peer?.close();
    // Each index names a new child: only the depth cap ends it.
    const deep = await api(
      (req, res) => {
        const body = JSON.stringify({ manifests: [{ digest: sha256(req.url ?? ""), size: 1 }], n: req.url });
        json(res, body, { "docker-content-digest": sha256(body) });
      },
      { maxDepth: 3 },
    );
    await fails(deep.manifest("p/r", "v1"), PeerError, /nested deeper than 3/);
    assert.equal(peer?.count(), 4);
  });

  it("a manifest's sizes add up through an index; a digest that does not match the content is an error", async () => {
    const child = JSON.stringify({
      config: { digest: sha256("c"), size: 5 },
      layers: [{ digest: sha256("l"), size: 100 }],
    });
    const index = JSON.stringify({
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{ digest: sha256(child), size: child.length }],
    });
    const a = await api((req, res) => {
      if (req.url?.endsWith("/v1")) return json(res, index, { "docker-content-digest": sha256(index) });
      if (req.url?.endsWith("/bad")) return json(res, index, { "docker-content-digest": sha256("else") });
      json(res, child);
    });
    assert.deepEqual(await a.manifest("p/r", "v1"), {
      digest: sha256(index),
      mediaType: "application/vnd.oci.image.index.v1+json",
      size: 105,
    });
    await fails(a.manifest("p/r", "bad"), PeerError, /does not match the digest/);
  });

  it("a 401 body is quoted on one line, escaped: it cannot forge a line or move the cursor", async () => {
    const a = await api((_req, res) => {
      res.writeHead(401);
      res.end("denied\nerror: all good\u001b[2K\u202e");
    });
    const err = await a.repositories().catch((e: unknown) => e);
    assert.ok(err instanceof ConnectError);
    assert.equal(err.message, "GET /v2/_catalog?n=1000: HTTP 401 denied\\nerror: all good\\u001b[2K\\u202e");
    assert.match(err.hint ?? "", /refused root's password/);
  });

  it("the audit log arrives line by line", async () => {
    const a = await api((_req, res) => json(res, "one\ntwo\n"));
    const lines: string[] = [];
    for await (const l of await a.auditLines()) lines.push(l);
    assert.deepEqual(lines, ["one", "two"]);
  });
});
