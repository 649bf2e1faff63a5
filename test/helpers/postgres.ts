/**
 * A throwaway PostgreSQL server for tests: initdb in a temporary folder, started on a free port on
 * loopback with trust authentication, stopped and removed afterwards. Uses Debian's postgresql
 * package (test/lab/prereqs.sh installs it). As root, the server runs as the postgres user.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPostgres {
  url: string;
  stop(): void;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, "bin")).find((d) => existsSync(join(d, "initdb")));
  if (!found)
    throw new Error("PostgreSQL is not installed (apt-get install postgresql; see test/lab/prereqs.sh)");
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** @example const pg = await startPostgres(); ...; pg.stop(); */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "ops-pg-"));
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? Number(execFileSync("id", ["-u", "postgres"]).toString().trim()) : undefined;
  if (uid !== undefined) chownSync(dir, uid, uid);
  const as = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" })
      : execFileSync(cmd, args, { stdio: "pipe" });
  const data = join(dir, "data");
  as(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "ops", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  as(join(bin, "pg_ctl"), ["-D", data, "-w", "-o", options, "-l", join(dir, "log"), "start"]);
  return {
    url: `postgres://ops@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        as(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
