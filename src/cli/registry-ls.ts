/** `ops registry ls [PROJECT[/REPO]]`: projects, repositories, tags, digests and sizes. */
import { table } from "../registry/audit.js";
import { humanBytes } from "../text/bytes.js";
import { registryContext, type RegistryCliOptions } from "./registry-context.js";
import { printable, printableJson } from "../report/printable.js";

export interface ImageRow {
  project: string;
  repository: string;
  tag: string;
  digest: string;
  bytes: number;
}

/** @example await registryLs({ inventory: "hosts.yaml", extraVars: [], output: "pretty" }, "team", write) */
export async function registryLs(
  opts: RegistryCliOptions,
  filter: string | undefined,
  write: (t: string) => void,
): Promise<number> {
  const ctx = await registryContext(opts);
  const api = ctx.api();
  const repos = (await api.repositories()).filter(
    (r) => filter === undefined || r === filter || r.startsWith(`${filter}/`),
  );
  const rows: ImageRow[] = [];
  for (const repo of repos) {
    for (const tag of await api.tags(repo)) {
      const m = await api.manifest(repo, tag);
      if (m === null) continue;
      rows.push({
        project: repo.split("/")[0] ?? "",
        repository: repo,
        tag,
        digest: m.digest,
        bytes: m.size,
      });
    }
  }
  if (opts.output === "json") {
    write(`${printableJson(rows, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    write(`${printable(`${ctx.name}: no tagged images${filter ? ` under ${filter}` : ""}`)}\n`);
    return 0;
  }
  const head = ["PROJECT", "REPOSITORY", "TAG", "DIGEST", "SIZE"];
  write(
    table([
      head,
      ...rows.map((r) => [r.project, r.repository, r.tag, r.digest.slice(0, 19), humanBytes(r.bytes)]),
    ]),
  );
  return 0;
}
