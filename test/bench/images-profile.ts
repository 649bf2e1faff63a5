// Where the time of distributing an image goes, one stage at a time (images.ts --profile): the save
// on the control machine, the save gzipped by ops's own stream, the save carried by OpenSSH with each
// cipher (what the hand loop pays; ops's ssh2 client negotiates aes128-gcm first on AES-NI), and
// `docker load` on one host from a file already there, plain and gzipped (the host's part alone).
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import { commandStream } from "../../src/transport/stream.js";
import { hostExec, type LabHost, type LabInfo } from "../lab/lab.js";
import { $ } from "../lab/sh.js";

export interface ProfileInput {
  readonly lab: LabInfo;
  readonly ref: string;
  readonly host: LabHost;
  readonly say: (key: string, value: string) => void;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function clock<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await work();
  return { ms: performance.now() - t, value };
}

/** Bytes of a stream read to its end (and dropped). */
async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += (chunk as Buffer).length;
  return n;
}

/** The seconds `docker load` takes inside `host` for an archive written there first (gzipped or not). */
async function loadOnHost(host: LabHost, ref: string, gzipLevel: number): Promise<number> {
  const file = gzipLevel > 0 ? "/tmp/ops-bench.tar.gz" : "/tmp/ops-bench.tar";
  const child = spawn("docker", ["exec", "-i", host.container, "sh", "-c", `cat > ${file}`], {
    stdio: ["pipe", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await pipeline(commandStream(["docker", "save", ref], { gzipLevel }), child.stdin);
  if ((await exited) !== 0) throw new Error(`writing ${file} in ${host.name} failed`);
  await hostExec(host.name, `docker rmi -f ${ref} >/dev/null 2>&1; sync; true`);
  const out = await hostExec(
    host.name,
    `s=$(date +%s%N); docker load -q -i ${file} >/dev/null; e=$(date +%s%N); rm -f ${file}; docker rmi -f ${ref} >/dev/null; echo $(( (e - s) / 1000000 ))`,
  );
  return Number(out.trim());
}

export async function profileStages({ lab, ref, host, say }: ProfileInput): Promise<void> {
  const save = await clock(() => drain(commandStream(["docker", "save", ref])));
  say("profile: docker save to nothing (control)", `${secs(save.ms)}, ${(save.value / 1e6).toFixed(1)} MB`);
  const gz = await clock(() => drain(commandStream(["docker", "save", ref], { gzipLevel: 1 })));
  say(
    "profile: docker save gzipped by ops (level 1, parallel), to nothing",
    `${secs(gz.ms)}, ${(gz.value / 1e6).toFixed(1)} MB`,
  );
  for (const cipher of ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com"]) {
    const ssh = `ssh -c ${cipher} -i ${lab.privateKeyFile} -o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes root@${host.address}`;
    const sent = await clock(() => $`sh -c ${`docker save ${ref} | ${ssh} 'cat > /dev/null'`}`);
    say(`profile: docker save | ssh -c ${cipher} cat (to ${host.name})`, secs(sent.ms));
  }
  for (const level of [0, 1])
    say(
      `profile: docker load on ${host.name} from a file there${level > 0 ? ", gzipped" : ""}`,
      secs(await loadOnHost(host, ref, level)),
    );
}
