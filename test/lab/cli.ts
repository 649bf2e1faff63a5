// `npm run lab:up|lab:down|lab:status` (package.json maps them to `tsx test/lab/cli.ts <command>`).
//   npm run lab:up -- --hosts 5 --debian12 1
import { parseArgs } from "node:util";
import { labDown, labUp } from "./lab.js";
import { labStatus } from "./status.js";

const USAGE = "usage: tsx test/lab/cli.ts up [--hosts N] [--debian12 M] | down | status";

function count(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a host count: ${value}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { hosts: { type: "string" }, debian12: { type: "string" }, help: { type: "boolean" } },
  });
  switch (values.help === true ? "help" : positionals[0]) {
    case "up":
      await labUp({ el9: count(values.hosts, 3), debian12: count(values.debian12, 1) });
      return 0;
    case "down":
      await labDown();
      return 0;
    case "status":
      return (await labStatus()) ? 0 : 1;
    default:
      process.stderr.write(USAGE + "\n");
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[lab] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
