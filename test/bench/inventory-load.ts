// Child of the inventory-scale measurement: loads one inventory the way `ops inventory check` does
// and prints {"ms", "cpuMs", "baseRss", "hosts"} as JSON (CPU time too: on a shared machine it
// varies less than wall time). Runs in its own process so its peak RSS (read by
// GNU time around it) is the loader's alone.
import { performance } from "node:perf_hooks";
import { installEngineVariables } from "../../playbooks/install-engine.vars.js";
import { loadInventory } from "../../src/inventory/load.js";
import { resolveTargets } from "../../src/run/targets.js";

const [mode, file] = process.argv.slice(2);
if ((mode !== "load" && mode !== "check") || file === undefined) {
  process.stderr.write("usage: inventory-load.ts load|check <hosts.yaml>\n");
  process.exit(2);
}
const baseRss = process.memoryUsage().rss;
const cpu = process.cpuUsage();
const start = performance.now();
const hosts =
  mode === "load"
    ? (await loadInventory(file)).hosts.length
    : (await resolveTargets({ inventoryFile: file, schema: installEngineVariables })).targets.length;
const ms = performance.now() - start;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000;
process.stdout.write(JSON.stringify({ ms, cpuMs, baseRss, hosts }) + "\n");
