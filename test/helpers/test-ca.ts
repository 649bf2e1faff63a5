// A throwaway CA and a server certificate it signed (for reg.lan), made in memory by the registry's
// own CA code: real certificates for tests of whatever reads or places them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { opsCaMaterial } from "../../src/registry/ca-store.js";

/** @example const { caPem, certPem } = await testCa(); */
export async function testCa(): Promise<{ caPem: string; certPem: string }> {
  const dir = mkdtempSync(join(tmpdir(), "ops-test-ca-"));
  try {
    const m = await opsCaMaterial({
      dir,
      host: "reg",
      names: { dns: ["reg.lan"], ips: [] },
      days: 30,
      renewDays: 5,
      check: true,
      now: new Date(),
    });
    if (m.caPem === null) throw new Error("opsCaMaterial made no CA");
    return { caPem: m.caPem, certPem: m.certPem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
