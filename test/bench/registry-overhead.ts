/**
 * What nginx costs a 100 MB image: `docker push` and `docker pull` on the registry host, through nginx
 * (TLS, token flow, roles, audit log) and straight to Distribution's own port inside the compose
 * network (which the stack does not publish; reached through insecure-registries), alternating,
 * ROUNDS times with fresh random layers each round; medians and their ratios are printed.
 * Targets: push <= 1.1x, pull <= 1.3x.
 *
 * Both paths reach one storage, so each side has its own repository: with one `team/bench:N` for both,
 * the second push moved the tag, both pulls fetched the same image and the second pull found it local
 * (100 MB "in 87 ms"). The base layer is pushed once beforehand and the order alternates per round,
 * so neither side pays for what the other uploaded, and the local image is removed before each pull.
 *
 *   npm run build && flock /tmp/ops-lab.lock npx tsx test/bench/registry-overhead.ts [rounds]
 *
 * Needs the lab up; deploys the registry on el9-1 (as the e2e test does) and leaves it deployed.
 */
import { hostExec, hostExecResult, readLab } from "../lab/lab.js";
import { ops, type OpsResult } from "../e2e/helpers/ops-cli.js";
import { PASSWORDS, dockerLogin, installEngineOn, registryLab } from "../e2e/helpers/registry.js";

const ROUNDS = Number(process.argv[2] ?? 3);
const MB = 100;

function ok(what: string, r: OpsResult): void {
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}\n${r.stderr}\n${r.stdout.slice(-2000)}`);
}

/** Milliseconds a command takes on the host (timed there, so SSH and docker exec do not count). */
async function timed(host: string, script: string): Promise<number> {
  const r = await hostExecResult(
    host,
    `s=$(date +%s%N); ( ${script} ) >/tmp/ops-bench.out 2>&1 || { cat /tmp/ops-bench.out; exit 1; }; echo $(( ($(date +%s%N) - s) / 1000000 ))`,
  );
  if (r.exitCode !== 0) throw new Error(`${script}: ${r.stdout}${r.stderr}`);
  return Number(r.stdout.trim());
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const lab = readLab();
  const r = registryLab(lab);
  const host = r.registry;
  ok("install-engine", await ops(["run", "install-engine", "-i", r.inventory, "--output", "json"]));
  ok("deploy-registry", await ops(["run", "deploy-registry", "-i", r.inventory, "--output", "json"]));
  const inspect = (f: string, what: string) =>
    hostExec(host, `docker ${what} -f '${f}'`).then((s) => s.trim());
  const ip = await inspect(
    "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
    "inspect ops-registry-registry-1",
  );
  const subnet = await inspect("{{(index .IPAM.Config 0).Subnet}}", "network inspect ops-registry_backend");
  const insecure = JSON.stringify({ insecure_registries: [subnet] });
  ok("insecure-registries for the direct path", await installEngineOn(r.inventory, host, insecure));
  const login = await dockerLogin(host, r.address, "dev", PASSWORDS.dev);
  if (!login.startsWith("0 ")) throw new Error(login);
  const repo = { via: `${r.address}/team/bench-via`, direct: `${ip}:5000/team/bench-direct` };
  // The base layer (busybox, from the lab's mirror if the host lacks it), in both repositories
  // before any timed push.
  await hostExec(host, "docker image inspect busybox >/dev/null 2>&1 || docker pull -q busybox >/dev/null");
  for (const side of ["via", "direct"] as const)
    await hostExec(
      host,
      `docker tag busybox ${repo[side]}:base && docker push ${repo[side]}:base >/dev/null`,
    );
  const rows: { push: [number, number]; pull: [number, number] }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 === 0 ? (["via", "direct"] as const) : (["direct", "via"] as const);
    const ms = { push: { via: 0, direct: 0 }, pull: { via: 0, direct: 0 } };
    for (const side of order) {
      const dir = `/tmp/bench-${i}-${side}`;
      const ref = `${repo[side]}:${i}`;
      await hostExec(
        host,
        `mkdir -p ${dir} && printf 'FROM busybox\\nRUN head -c ${MB * 1024 * 1024} /dev/urandom > /blob-${i}-${side}-${Date.now()}\\n' > ${dir}/Dockerfile && docker build -q -t ${ref} ${dir}`,
      );
      ms.push[side] = await timed(host, `docker push ${ref}`);
    }
    for (const side of order) {
      const ref = `${repo[side]}:${i}`;
      const gone = await hostExecResult(
        host,
        `docker rmi ${ref} >/dev/null && ! docker image inspect ${ref} >/dev/null 2>&1`,
      );
      if (gone.exitCode !== 0) throw new Error(`${ref} is still on the host: the pull would not transfer it`);
      ms.pull[side] = await timed(host, `docker pull ${ref}`);
      await hostExec(host, `docker rmi ${ref} >/dev/null`);
    }
    const pushVia = ms.push.via;
    const pushDirect = ms.push.direct;
    const pullVia = ms.pull.via;
    const pullDirect = ms.pull.direct;
    rows.push({ push: [pushVia, pushDirect], pull: [pullVia, pullDirect] });
    process.stdout.write(
      `round ${i + 1}: push ${pushVia}/${pushDirect} ms, pull ${pullVia}/${pullDirect} ms (nginx/direct)\n`,
    );
  }
  ok("back to the inventory's engine settings", await installEngineOn(r.inventory, host));
  for (const what of ["push", "pull"] as const) {
    const v = median(rows.map((x) => x[what][0]));
    const d = median(rows.map((x) => x[what][1]));
    const target = what === "push" ? 1.1 : 1.3;
    process.stdout.write(
      `${MB} MB ${what}: nginx ${v} ms / direct ${d} ms = ${(v / d).toFixed(2)}x (target <= ${target}x, median of ${ROUNDS})\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
