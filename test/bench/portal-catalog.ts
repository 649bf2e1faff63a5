/**
 * The portal's server-side lists at 1,000 repositories: a project of `count` repositories in a
 * Distribution storage tree (each with a tagged image whose layer they share, every tenth with an
 * image of its own), served by the policy service's portal routes in this process. Prints the median
 * and worst of `runs` requests for: the first page of 100 rows (tags, last push, size), the last page,
 * a search over every repository, and the project's figures (count and unique blob bytes).
 *
 *   npx tsx test/bench/portal-catalog.ts [count=1000] [runs=10]
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Storage } from "../../src/registry/policy/storage.js";
import { portalRoutes } from "../../src/registry/portal/service.js";
import { Sessions } from "../../src/registry/portal/session.js";
import { storageStore } from "../../src/registry/portal/store.js";
import { StorageTree } from "../unit/registry/policy/storage-tree.js";

const count = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 10);
const tree = new StorageTree();
const shared = tree.image("big/repo-0000", [64 * 1024], "v1", "shared");
for (let i = 1; i < count; i++) {
  const repo = `big/repo-${String(i).padStart(4, "0")}`;
  tree.link(repo, shared.digest);
  tree.tag(repo, "v1", shared.digest);
  if (i % 10 === 0) tree.image(repo, [4096], "v2", `own-${i}`);
}
const routes = portalRoutes(new Sessions(), storageStore(new Storage(tree.root)), () => new Map());
const server = createServer((req, res) => void routes(req, res));
server.listen(0, "127.0.0.1");
await once(server, "listening");
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/portal/catalog/big`;

async function time(what: string, path: string): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await fetch(`${base}${path}`);
    if (r.status !== 200) throw new Error(`${what}: ${r.status}`);
    await r.json();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)] ?? 0;
  console.log(`${what}: median ${median.toFixed(1)} ms, worst ${(ms.at(-1) ?? 0).toFixed(1)} ms`);
}

try {
  console.log(`a project of ${count} repositories, ${runs} requests each`);
  await time("first page of 100 rows", "?n=100");
  await time("last page", `?n=100&last=big%2Frepo-${String(count - 101).padStart(4, "0")}`);
  await time("search over every repository (q=repo-09)", "?n=100&q=repo-09");
  await time("project figures (count, unique blob bytes)", "?n=1&project=1");
} finally {
  server.close();
  tree.remove();
}
