// Fresh hosts for the "fresh" runs: every host replaced by a new container (empty rpm database,
// no engine, new SSH host keys). The lab's recreateHost does one host and rewrites known_hosts each
// time, so calling it concurrently would lose keys; this does the same steps with bounded
// concurrency (2 cores: booting 20 systemd hosts at once only queues) and writes known_hosts once.
import { containerImage } from "../lab/docker.js";
import { authorizeKey, ensureHost, readHostKeys, waitBooted, waitSsh, type LabHost } from "../lab/hosts.js";
import { ensureClientKey, readKnownHosts, writeKnownHosts } from "../lab/keys.js";
import type { LabInfo } from "../lab/lab.js";

/** Runs fn over items, at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function replace(host: LabHost, publicKey: string): Promise<string[]> {
  const image = await containerImage(host.container);
  if (image === undefined) throw new Error(`${host.container} does not exist: the lab is not up`);
  await ensureHost(host, image, true);
  await waitBooted(host);
  await authorizeKey(host, publicKey);
  return readHostKeys(host);
}

/** Replaces every lab host with a fresh one; resolves when all answer SSH with their new keys. */
export async function freshHosts(lab: LabInfo, concurrency = 4): Promise<void> {
  const publicKey = await ensureClientKey();
  const keys = await mapLimit(lab.hosts, concurrency, (h) => replace(h, publicKey));
  const known = readKnownHosts();
  lab.hosts.forEach((h, i) => known.set(h.address, keys[i] ?? []));
  writeKnownHosts(known);
  await Promise.all(lab.hosts.map((h) => waitSsh(h)));
}
