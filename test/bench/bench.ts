// `npm run bench`: ops install-engine against Ansible and the SSH floor on the same lab hosts.
//   flock /tmp/ops-lab.lock npm run bench                      # 20 hosts, 5 no-op runs, 2 fresh runs
//   flock /tmp/ops-lab.lock npm run bench -- --smoke           # CI: 2 hosts, 1 run each, writes no docs
//   flock /tmp/ops-lab.lock npm run bench -- --hosts 5 --runs 3 --fresh-runs 1 --skip ansible
//   flock /tmp/ops-lab.lock npm run bench -- --hosts 20 --debian12 10 --skip ansible   # mixed el9 + debian12
//   npm run bench -- --inventory-scale [1000,5000,20000]      # inventory loading only, no lab
// Run it under the lab lock: it resizes the shared lab for the measurement and puts back the host counts
// it found afterwards (so a lab's debian12-1 comes back after an el9-only bench). Exits non-zero when
// any measured run fails.
import { parseArgs } from "node:util";
import { join } from "node:path";
import { withLabHosts } from "./lab-size.js";
import { describeMachine } from "./machine.js";
import { writeReport, renderSection } from "./report.js";
import { REPO_ROOT } from "./runners.js";
import { measureAll, type Plan } from "./measure.js";
import { DEFAULT_SIZES, measureInventoryScale, SCALE_HEADERS, scaleRows } from "./inventory-scale.js";
import {
  BREAKDOWN_HEADERS,
  PROBE_HEADERS,
  TARGET_HEADERS,
  TIME_HEADERS,
  breakdownRows,
  STEP_HEADERS,
  stepRows,
  extraLines,
  probeRows,
  renderText,
  targetRows,
  timeRows,
} from "./table.js";

const USAGE = `usage: npm run bench -- [--hosts N] [--runs R] [--fresh-runs F] [--smoke] [--skip ops,ansible,fresh] [--out FILE]
  --hosts N       lab hosts (default 20)
  --debian12 M    of which M are debian12 hosts (apt), the rest el9: a mixed inventory (default 0)
  --runs R        runs of the floor and of each no-op (default 5)
  --fresh-runs F  fresh runs of each tool, every one on newly created hosts (default 2)
  --smoke         2 hosts, 1 run of each, no docs written: what CI runs so the bench keeps working
  --skip LIST     leave out measurements: ops, ansible, fresh (comma-separated)
  --out FILE      where to write the report (default docs/BENCHMARKS.md; none with --smoke); "none" writes none
  --simulate LIST sizes (comma-separated, e.g. 100,1000) of a no-op run with the fake transport: control-side
                  CPU per host and peak memory, no lab needed (--unreachable: hosts that refuse instead)
  --inventory-scale [SIZES]
                  only time and peak RSS of loading generated inventories (default 1000,5000,20000
                  hosts); needs no lab and writes no docs`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

type Simulation = { sizes: number[]; unreachable: boolean };

function parsePlan(argv: string[]): (Plan & { out: string | undefined; simulate?: Simulation }) | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      hosts: { type: "string" },
      debian12: { type: "string" },
      runs: { type: "string" },
      "fresh-runs": { type: "string" },
      smoke: { type: "boolean", default: false },
      skip: { type: "string", default: "" },
      out: { type: "string" },
      simulate: { type: "string" },
      unreachable: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return undefined;
  const skip = new Set(
    values.skip
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  for (const s of skip)
    if (!["ops", "ansible", "fresh"].includes(s)) throw new Error(`--skip: unknown "${s}"`);
  const smoke = values.smoke;
  const simulate =
    values.simulate === undefined
      ? undefined
      : {
          sizes: values.simulate.split(",").map((n) => positive("simulate", n.trim(), 1)),
          unreachable: values.unreachable,
        };
  return {
    ...(simulate ? { simulate } : {}),
    hosts: smoke ? 2 : positive("hosts", values.hosts, 20),
    debian12: values.debian12 === undefined || smoke ? 0 : positive("debian12", values.debian12, 0),
    runs: smoke ? 1 : positive("runs", values.runs, 5),
    freshRuns: smoke ? 1 : positive("fresh-runs", values["fresh-runs"], 2),
    ops: !skip.has("ops"),
    ansible: !skip.has("ansible"),
    fresh: !skip.has("fresh"),
    out: smoke ? values.out : (values.out ?? join(REPO_ROOT, "docs", "BENCHMARKS.md")),
  };
}

/** `--inventory-scale` alone, or followed by comma-separated sizes; undefined when not asked for. */
function scaleSizes(argv: string[]): number[] | undefined {
  const at = argv.indexOf("--inventory-scale");
  if (at < 0) return undefined;
  const next = argv[at + 1];
  if (next === undefined || next.startsWith("--")) return DEFAULT_SIZES;
  return next.split(",").map((s) => positive("inventory-scale", s, 0));
}

async function main(argv: string[]): Promise<number> {
  const sizes = scaleSizes(argv);
  if (sizes !== undefined) {
    const points = await measureInventoryScale(sizes);
    process.stdout.write(renderText(SCALE_HEADERS, scaleRows(points)) + "\n");
    return 0;
  }
  const plan = parsePlan(argv);
  if (plan === undefined) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (plan.simulate) {
    const { runSimulations, simulationTable } = await import("./simulate.js");
    const results = await runSimulations(plan.simulate.sizes, plan.simulate.unreachable);
    process.stdout.write(simulationTable(results) + "\n");
    return 0;
  }
  if (plan.debian12 >= plan.hosts)
    throw new Error("--debian12 must be fewer than --hosts (the rest are el9)");
  const results = await withLabHosts({ el9: plan.hosts - plan.debian12, debian12: plan.debian12 }, (lab) =>
    measureAll(lab, plan),
  );
  const text = [
    renderText(TIME_HEADERS, timeRows(results)),
    "",
    renderText(TARGET_HEADERS, targetRows(results)),
    ...(results.breakdown ? ["", renderText(BREAKDOWN_HEADERS, breakdownRows(results))] : []),
    ...(results.probe ? ["", renderText(PROBE_HEADERS, probeRows(results))] : []),
    ...(stepRows(results).length > 0 ? ["", renderText(STEP_HEADERS, stepRows(results))] : []),
    "",
    ...extraLines(results),
  ].join("\n");
  process.stdout.write(text + "\n");
  if (plan.out !== undefined && plan.out !== "none") {
    const command = argv.length === 0 ? "npm run bench" : `npm run bench -- ${argv.join(" ")}`;
    writeReport(plan.out, renderSection(results, describeMachine(), command));
    process.stderr.write(`[bench] wrote ${plan.out}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`[bench] FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
