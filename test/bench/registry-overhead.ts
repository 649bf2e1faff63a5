/**
 * What nginx costs a 100 MB image: `docker push` and `docker pull` on the registry host, through nginx
 * (TLS, token flow, roles, audit log, policy service) against Distribution alone, ROUNDS times with
 * fresh random layers each round; medians and their ratios are printed. Targets: push <= 1.1x,
 * pull <= 1.3x.
 *
 * Two baselines, because "Distribution alone" can mean either:
 * - `tls`: Distribution serving TLS itself (the stack's own certificate and key, its own config),
 *   published on a port of the host as nginx is, trusted through certs.d as nginx is. This is what
 *   a registry without nginx would be: docker talks plain HTTP only to insecure-registries. The
 *   ratio against it is what nginx adds (a second hop, the token flow, the roles, the audit log).
 * - `plain`: Distribution's own port inside the compose network (which the stack does not publish),
 *   plain HTTP through insecure-registries. The ratio against it also counts TLS itself.
 *
 * Each side has its own repository (one tag for all would let a later pull find the image local),
 * the base layer is pushed to each beforehand, the order of the sides rotates each round so none
 * always goes first, and the local image is removed before each pull. Each timed command is timed on
 * the host (SSH and docker exec do not count), and the CPU the host's processes spent meanwhile is
 * summed per process name (nginx, registry, dockerd, node for the policy service...), which says
 * where the time goes. The load average is printed with each round.
 *
 *   npm run build && flock /tmp/ops-lab.lock npx tsx test/bench/registry-overhead.ts [rounds]
 *
 * Needs the lab up; deploys the registry on el9-1 (as the e2e test does) and leaves it deployed; the
 * TLS baseline's container, storage and certs.d entry are removed afterwards, and so are the bench's
 * repositories in the stack (collected by `ops run registry-gc`). Run 9 rounds on a quiet machine for
 * a figure: a single round's push varies by up to 40% with dockerd's own CPU.
 */
import { readFileSync } from "node:fs";
import { hostExec, hostExecResult, readLab } from "../lab/lab.js";
import { ops, type OpsResult } from "../e2e/helpers/ops-cli.js";
import { PASSWORDS, dockerLogin, installEngineOn, registryLab } from "../e2e/helpers/registry.js";

const ROUNDS = Number(process.argv[2] ?? 3);
const MB = 100;
const TLS_PORT = 5002;
const TLS_NAME = "ops-bench-registry-tls";
const TLS_DATA = "/var/lib/ops-bench-registry-tls";
const SIDES = ["nginx", "tls", "plain"] as const;
type Side = (typeof SIDES)[number];
/** The repositories (under the `team` project) the sides push into, each its own. */
const BENCH_REPOSITORIES: Record<Side, string> = {
  nginx: "bench-nginx",
  tls: "bench-tls",
  plain: "bench-plain",
};
type Op = "push" | "pull";

function ok(what: string, r: OpsResult): void {
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}\n${r.stderr}\n${r.stdout.slice(-2000)}`);
}

/**
 * CPU ticks (user + system, 1/100 s) of every process on the host, summed per process name. The
 * nested containers' processes are in the host's process table, so nginx and Distribution count.
 */
const CPU_SNAPSHOT = String.raw`cat /proc/[0-9]*/stat 2>/dev/null | sed -E 's/^[0-9]+ \((.*)\) [A-Za-z] /\1\t/' | awk -F'\t' '{ split($2, f, " "); t[$1] += f[11] + f[12] } END { for (c in t) if (t[c] > 0) printf "%s\t%d\n", c, t[c] }'`;

interface Timed {
  ms: number;
  /** CPU milliseconds per process name spent while the command ran. */
  cpu: Map<string, number>;
}

function parseCpu(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [name, ticks] = line.split("\t");
    if (name && ticks) m.set(name, Number(ticks) * 10);
  }
  return m;
}

/** Milliseconds a command takes on the host and the CPU spent meanwhile (timed there). */
async function timed(host: string, script: string): Promise<Timed> {
  const r = await hostExecResult(
    host,
    `${CPU_SNAPSHOT} > /tmp/ops-bench.cpu0; s=$(date +%s%N); ( ${script} ) >/tmp/ops-bench.out 2>&1 || { cat /tmp/ops-bench.out; exit 1; }; e=$(date +%s%N); ${CPU_SNAPSHOT} > /tmp/ops-bench.cpu1; echo $(( (e - s) / 1000000 )); echo ---; cat /tmp/ops-bench.cpu0; echo ---; cat /tmp/ops-bench.cpu1`,
  );
  if (r.exitCode !== 0) throw new Error(`${script}: ${r.stdout}${r.stderr}`);
  const [ms = "", before = "", after = ""] = r.stdout.split("---\n");
  const b = parseCpu(before);
  const cpu = new Map<string, number>();
  for (const [name, v] of parseCpu(after)) {
    const d = v - (b.get(name) ?? 0);
    if (d > 0) cpu.set(name, d);
  }
  return { ms: Number(ms.trim()), cpu };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const load = (): string => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/**
 * The CPU names worth a column: the stack's (node is the policy service) and the engine's. The
 * docker CLI has exited before the second snapshot, so its own CPU is not counted (it only prints
 * progress; dockerd does the work).
 */
const WATCHED = ["nginx", "registry", "dockerd", "containerd", "node"];
function cpuLine(cpu: Map<string, number>): string {
  const rest = [...cpu].filter(([n]) => !WATCHED.includes(n)).reduce((s, [, v]) => s + v, 0);
  return [...WATCHED.map((n) => `${n} ${cpu.get(n) ?? 0}`), `other ${rest}`].join(", ");
}

/** Distribution serving TLS itself: the stack's registry config, certificate and key, its own storage. */
async function startTlsRegistry(host: string, address: string): Promise<string> {
  const image = await hostExec(host, "docker inspect -f '{{.Config.Image}}' ops-registry-registry-1");
  await hostExec(
    host,
    [
      `docker rm -f ${TLS_NAME} >/dev/null 2>&1; rm -rf ${TLS_DATA}`,
      `docker run -d --name ${TLS_NAME} -p ${TLS_PORT}:5000 -v /opt/ops-registry/registry:/etc/ops-registry:ro -v /opt/ops-registry/nginx/tls:/etc/ops-bench-tls:ro -v ${TLS_DATA}:/var/lib/registry -e REGISTRY_HTTP_TLS_CERTIFICATE=/etc/ops-bench-tls/server.crt -e REGISTRY_HTTP_TLS_KEY=/etc/ops-bench-tls/server.key --entrypoint registry ${image.trim()} serve /etc/ops-registry/config.yml >/dev/null`,
      `test -f /etc/docker/certs.d/${address}/ca.crt || { echo "no /etc/docker/certs.d/${address}/ca.crt: the engine does not trust the registry through certs.d"; exit 1; }`,
      `mkdir -p /etc/docker/certs.d/${address}:${TLS_PORT} && cp /etc/docker/certs.d/${address}/ca.crt /etc/docker/certs.d/${address}:${TLS_PORT}/`,
      `for i in $(seq 50); do curl -fsS --cacert /etc/docker/certs.d/${address}/ca.crt https://${address}:${TLS_PORT}/v2/ >/dev/null 2>&1 && exit 0; sleep 0.2; done; docker logs ${TLS_NAME}; exit 1`,
    ].join("\n"),
  );
  return `${address}:${TLS_PORT}`;
}

async function stopTlsRegistry(host: string, address: string): Promise<void> {
  await hostExec(
    host,
    `docker rm -f ${TLS_NAME} >/dev/null; rm -rf ${TLS_DATA} /etc/docker/certs.d/${address}:${TLS_PORT}`,
  );
}

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
  ok("insecure-registries for the plain path", await installEngineOn(r.inventory, host, insecure));
  const login = await dockerLogin(host, r.address, "dev", PASSWORDS.dev);
  if (!login.startsWith("0 ")) throw new Error(login);
  const tlsAddress = await startTlsRegistry(host, r.address);
  try {
    const repo: Record<Side, string> = {
      nginx: `${r.address}/team/${BENCH_REPOSITORIES.nginx}`,
      tls: `${tlsAddress}/team/${BENCH_REPOSITORIES.tls}`,
      plain: `${ip}:5000/team/${BENCH_REPOSITORIES.plain}`,
    };
    // The base layer (busybox, from the lab's mirror if the host lacks it), in every repository
    // before any timed push.
    await hostExec(host, "docker image inspect busybox >/dev/null 2>&1 || docker pull -q busybox >/dev/null");
    for (const side of SIDES)
      await hostExec(
        host,
        `docker tag busybox ${repo[side]}:base && docker push ${repo[side]}:base >/dev/null`,
      );
    const rows: Record<Op, Record<Side, Timed>>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order = SIDES.map((_, k) => SIDES[(k + i) % SIDES.length] as Side);
      const row = { push: {}, pull: {} } as Record<Op, Record<Side, Timed>>;
      const loadBefore = load();
      for (const side of order) {
        const dir = `/tmp/bench-${i}-${side}`;
        const ref = `${repo[side]}:${i}`;
        await hostExec(
          host,
          `mkdir -p ${dir} && printf 'FROM busybox\\nRUN head -c ${MB * 1024 * 1024} /dev/urandom > /blob-${i}-${side}-${Date.now()}\\n' > ${dir}/Dockerfile && docker build -q -t ${ref} ${dir} >/dev/null && rm -rf ${dir}`,
        );
        row.push[side] = await timed(host, `docker push ${ref}`);
      }
      for (const side of order) {
        const ref = `${repo[side]}:${i}`;
        const gone = await hostExecResult(
          host,
          `docker rmi ${ref} >/dev/null && ! docker image inspect ${ref} >/dev/null 2>&1`,
        );
        if (gone.exitCode !== 0)
          throw new Error(`${ref} is still on the host: the pull would not transfer it`);
        row.pull[side] = await timed(host, `docker pull ${ref}`);
        await hostExec(host, `docker rmi ${ref} >/dev/null`);
      }
      rows.push(row);
      process.stdout.write(`round ${i + 1} (order ${order.join(", ")}; load ${loadBefore} -> ${load()}):\n`);
      for (const op of ["push", "pull"] as const)
        for (const side of SIDES)
          process.stdout.write(
            `  ${op} ${side.padEnd(5)} ${String(row[op][side].ms).padStart(6)} ms; CPU ms: ${cpuLine(row[op][side].cpu)}\n`,
          );
    }
    for (const op of ["push", "pull"] as const) {
      const med = (side: Side) => median(rows.map((x) => x[op][side].ms));
      const [v, t, p] = [med("nginx"), med("tls"), med("plain")];
      const target = op === "push" ? 1.1 : 1.3;
      // The same round's two sides ran a few seconds apart, under the same load: their ratio is less
      // noisy than the ratio of medians taken from different rounds (a push is bound by dockerd's
      // gzip, whose CPU alone varies by a second between identical rounds).
      const paired = rows.map((x) => x[op].nginx.ms / x[op].tls.ms).sort((a, b) => a - b);
      process.stdout.write(
        `${MB} MB ${op} (median of ${ROUNDS}): nginx ${v} ms / Distribution with TLS ${t} ms = ${(v / t).toFixed(2)}x (target <= ${target}x); / Distribution plain HTTP ${p} ms = ${(v / p).toFixed(2)}x\n`,
      );
      process.stdout.write(
        `  per round, nginx / Distribution with TLS: median ${median(paired).toFixed(2)}x, range ${paired[0]?.toFixed(2)}-${paired.at(-1)?.toFixed(2)}x\n`,
      );
      for (const side of SIDES) {
        const names = [...new Set(rows.flatMap((x) => [...x[op][side].cpu.keys()]))];
        const cpu = new Map(names.map((n) => [n, median(rows.map((x) => x[op][side].cpu.get(n) ?? 0))]));
        process.stdout.write(`  ${side.padEnd(5)} median CPU ms: ${cpuLine(cpu)}\n`);
      }
    }
  } finally {
    await stopTlsRegistry(host, r.address);
    // The nginx and plain sides' layers are in the stack's storage (the TLS side's went with its
    // own): their repositories go, and the playbook's own GC frees their blobs, so the lab registry
    // holds no bench data afterwards.
    const inStack = [BENCH_REPOSITORIES.nginx, BENCH_REPOSITORIES.plain];
    await hostExec(
      host,
      `rm -rf ${inStack.map((x) => `/var/lib/ops-registry/registry/docker/registry/v2/repositories/team/${x}`).join(" ")}`,
    );
    ok(
      "registry-gc of the bench's layers",
      await ops(["run", "registry-gc", "-i", r.inventory, "--output", "json"]),
    );
    ok("back to the inventory's engine settings", await installEngineOn(r.inventory, host));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
