// `npm run bench -- --inventory-scale`: how loading grows with the inventory. For each size, a
// generated inventory is loaded (`load`: parse, validate, group_vars/host_vars, merge) and checked
// (`check`: load plus every host's variables against install-engine's schema, as `ops inventory
// check` and every run do before connecting), each in a fresh process under GNU time. No lab needed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateInventory } from "./inventory-gen.js";
import { tail, timed } from "./proc.js";
import { formatBytes, formatMs } from "./results.js";
import { REPO_ROOT } from "./runners.js";
import type { Row } from "./table.js";

export const DEFAULT_SIZES = [1000, 5000, 20000];
const CHILD = join(REPO_ROOT, "test", "bench", "inventory-load.ts");
const TIMEOUT_MS = 10 * 60_000;

export interface ScalePoint {
  readonly hosts: number;
  readonly mode: "load" | "check";
  readonly ms: number;
  /** CPU time (user + system) of the loading alone. */
  readonly cpuMs: number;
  /** Peak RSS of the whole process (Node, tsx and the loader). */
  readonly peakRss: number;
  /** RSS once the modules were imported, before the inventory was read. */
  readonly baseRss: number;
}

async function measureOne(file: string, hosts: number, mode: "load" | "check"): Promise<ScalePoint> {
  const r = await timed(process.execPath, ["--import", "tsx", CHILD, mode, file], {
    measureMemory: true,
    timeoutMs: TIMEOUT_MS,
    cwd: REPO_ROOT,
  });
  if (r.code !== 0 || r.maxRss === undefined) {
    throw new Error(`inventory ${mode} of ${hosts} hosts exited ${r.code}:\n${tail(r.stderr || r.stdout)}`);
  }
  const out = JSON.parse(r.stdout) as { ms: number; cpuMs: number; baseRss: number; hosts: number };
  if (out.hosts !== hosts) throw new Error(`inventory of ${hosts} hosts loaded ${out.hosts}`);
  return { hosts, mode, ms: out.ms, cpuMs: out.cpuMs, peakRss: r.maxRss, baseRss: out.baseRss };
}

/** Generates and measures each size, smallest first; temp folders are removed. */
export async function measureInventoryScale(sizes: readonly number[]): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  for (const hosts of sizes) {
    const dir = mkdtempSync(join(tmpdir(), "ops-inv-scale-"));
    try {
      const file = generateInventory(dir, hosts);
      for (const mode of ["load", "check"] as const) {
        points.push(await measureOne(file, hosts, mode));
        process.stderr.write(`[bench] inventory ${mode} ${hosts} hosts done\n`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return points;
}

export const SCALE_HEADERS: Row = [
  "hosts",
  "phase",
  "wall time",
  "CPU time",
  "peak RSS",
  "RSS growth",
  "CPU per host",
  "growth vs previous size",
];

/**
 * One row per measurement. The growth column is (CPU time ratio) / (size ratio) against the
 * previous size of the same phase: about 1 is linear, about the size ratio is quadratic. CPU time,
 * not wall time, because the machine may be shared while the bench runs.
 */
export function scaleRows(points: readonly ScalePoint[]): Row[] {
  return points.map((p) => {
    const prev = points.filter((q) => q.mode === p.mode && q.hosts < p.hosts).at(-1);
    const sizeRatio = prev === undefined ? 1 : p.hosts / prev.hosts;
    const cpuRatio = prev === undefined ? 1 : p.cpuMs / prev.cpuMs;
    const growth =
      prev === undefined
        ? ""
        : `${(cpuRatio / sizeRatio).toFixed(2)} (x${sizeRatio.toFixed(0)} hosts, x${cpuRatio.toFixed(1)} CPU)`;
    return [
      String(p.hosts),
      p.mode,
      formatMs(p.ms),
      formatMs(p.cpuMs),
      formatBytes(p.peakRss),
      formatBytes(Math.max(0, p.peakRss - p.baseRss)),
      `${((p.cpuMs * 1000) / p.hosts).toFixed(0)} µs`,
      growth,
    ];
  });
}
