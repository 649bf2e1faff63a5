// `lab:status`: what the lab runs, where, and whether each part answers right now.
import { existsSync } from "node:fs";
import { LAB_JSON_FILE } from "./inventory.js";
import { containerState } from "./docker.js";
import { sshArgs } from "./hosts.js";
import { readLab } from "./lab.js";
import { $ } from "./sh.js";

async function httpAnswers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

/** Prints one line per host and service; returns true when everything answers. */
export async function labStatus(): Promise<boolean> {
  if (!existsSync(LAB_JSON_FILE)) {
    process.stdout.write("lab is down (no .state/lab.json)\n");
    return false;
  }
  const lab = readLab();
  const rows: [string, string, string, boolean][] = [];
  for (const h of lab.hosts) {
    const state = (await containerState(h.container)) ?? "missing";
    const ssh =
      state === "running" && (await $`ssh ${sshArgs("root", h.address)} true`.nothrow()).exitCode === 0;
    rows.push([h.name, h.address, `${h.kind} host, container ${state}, ssh`, ssh]);
  }
  const hub = `http://${lab.hubRegistry}`;
  rows.push(["repo", lab.repoUrl, "yum repo (key at /gpg)", await httpAnswers(`${lab.repoUrl}/gpg`)]);
  if (lab.aptRepoUrl !== undefined) {
    const release = `${lab.aptRepoUrl}/dists/bookworm/InRelease`;
    rows.push(["apt repo", lab.aptRepoUrl, "apt repo (signed InRelease)", await httpAnswers(release)]);
  }
  rows.push(["hub", hub, "registry", await httpAnswers(`${hub}/v2/`)]);
  rows.push(["mirror", lab.mirrorUrl, "pull-through registry", await httpAnswers(`${lab.mirrorUrl}/v2/`)]);
  for (const [name, where, what, ok] of rows) {
    process.stdout.write(
      `${name.padEnd(12)} ${where.padEnd(40)} ${what.padEnd(42)} ${ok ? "answers" : "DOWN"}\n`,
    );
  }
  process.stdout.write(`inventory: ${lab.inventoryFile}\nrepo key fingerprint: ${lab.gpgFingerprint}\n`);
  return rows.every((r) => r[3]);
}
