/**
 * nginx's start script (templates/registry/nginx-start.sh.ejs) as rendered, run by sh with a routing
 * table of our own and a stand-in `nginx`: the gateway it names is the default route's, for any
 * address; without a default route it refuses to start nginx.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { renderStack } from "../../../src/registry/stack.js";
import { sampleModel, sampleSpec } from "./support/sample.js";

const HEAD = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";

/** /proc/net/route's gateway field: the address's bytes, least significant first, in hex. */
const hexOf = (ip: readonly number[]): string =>
  [...ip]
    .reverse()
    .map((b) => b.toString(16).padStart(2, "0").toUpperCase())
    .join("");

describe("nginx's start script", () => {
  let dir: string;
  let script: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-nginx-start-"));
    const file = renderStack(sampleSpec(), sampleModel(), null).files.find((f) =>
      f.path.endsWith("/nginx/start.sh"),
    );
    assert.ok(file, "the stack renders nginx/start.sh");
    script = join(dir, "start.sh");
    writeFileSync(script, file.content);
    // Stands in for nginx: prints the arguments it was exec'd with.
    mkdirSync(join(dir, "bin"));
    writeFileSync(join(dir, "bin/nginx"), '#!/bin/sh\nprintf "%s|" "$@"\n');
    chmodSync(join(dir, "bin/nginx"), 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (routes: string) => {
    const table = join(dir, "route");
    const out = join(dir, "gateway.conf");
    rmSync(out, { force: true });
    writeFileSync(table, routes);
    const r = spawnSync("sh", [script], {
      env: { PATH: `${join(dir, "bin")}:/usr/bin:/bin`, OPS_ROUTES: table, OPS_GATEWAY_CONF: out },
      encoding: "utf8",
    });
    let conf = "";
    try {
      conf = readFileSync(out, "utf8");
    } catch {
      // Not written: the script refused.
    }
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, conf };
  };

  it("names the default route's gateway (as Docker's compose network gives it) and execs nginx with the stack's config", () => {
    const r = run(
      [
        HEAD,
        "eth0\t000012AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0",
        "eth0\t00000000\t010012AC\t0003\t0\t0\t0\t00000000\t0\t0\t0",
        "",
      ].join("\n"),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.conf, /^172\.18\.0\.1 1;$/m);
    assert.equal(r.stdout, "-c|/etc/ops-registry/nginx.conf|-g|daemon off;|");
  });

  it("any gateway address round-trips through the kernel's little-endian hex", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        (ip, lower) => {
          fc.pre(ip.some((b) => b !== 0));
          const hex = lower ? hexOf(ip).toLowerCase() : hexOf(ip);
          const r = run(`${HEAD}\neth0\t00000000\t${hex}\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`);
          assert.equal(r.code, 0, r.stderr);
          assert.equal(r.conf.split("\n")[1], `${ip.join(".")} 1;`);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("without a default route (or a malformed one) nginx does not start and says why", () => {
    for (const routes of [
      `${HEAD}\neth0\t000012AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n`,
      `${HEAD}\neth0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n`,
      `${HEAD}\neth0\t00000000\t0100ZZAC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`,
      "",
    ]) {
      const r = run(routes);
      assert.equal(r.code, 1, routes);
      assert.equal(r.stdout, "", "nginx never ran");
      assert.equal(r.conf, "");
      assert.match(r.stderr, /no default route/);
    }
  });
});
