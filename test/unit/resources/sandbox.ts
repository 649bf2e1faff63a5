/**
 * A temp directory with stub commands on PATH (systemctl, docker, dockerd, journalctl, sleep) whose
 * behaviour each test steers through files in $STUB, and helpers that gather facts for real with
 * sh, plan, and run steps: probe -> plan -> apply -> probe, with no host touched.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fact } from "../../../src/facts/fact.js";
import { buildProbe, makeNonce, parseProbeOutput } from "../../../src/facts/gather.js";
import type { Outcome, Resource, Step } from "../../../src/resources/resource.js";

export const box = { dir: "", bin: "" };

const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  PATH: `${box.bin}:${process.env.PATH ?? ""}`,
  STUB: box.dir,
  // The docker stub answers through the CLI only: with DOCKER_HOST set, the docker-info probe asks
  // the CLI instead of this machine's own daemon on /var/run/docker.sock.
  DOCKER_HOST: `unix://${box.dir}/docker.sock`,
});

export function run(step: Step): { code: number; stderr: string } {
  const r = spawnSync("sh", ["-c", step.script], { input: step.stdin ?? "", env: env(), encoding: "utf8" });
  return { code: r.status ?? -1, stderr: r.stderr };
}

export function plan(resource: Resource): Outcome {
  const facts: readonly Fact<unknown>[] = resource.facts;
  const nonce = makeNonce();
  const out = spawnSync("sh", ["-c", buildProbe(facts, nonce)], { env: env(), encoding: "utf8" }).stdout;
  return resource.plan(parseProbeOutput(facts, out, nonce));
}

export function steps(o: Outcome): readonly Step[] {
  assert.equal(o.kind, "change", JSON.stringify(o));
  return o.kind === "change" ? o.steps : [];
}

/** A stub command: its behaviour is read from files in $STUB so each test can steer it. */
export function stub(name: string, body: string): void {
  writeFileSync(join(box.bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(box.bin, name), 0o755);
}

/** Registers the hooks that make a fresh sandbox per test. */
export function useSandbox(): void {
  beforeEach(() => {
    box.dir = mkdtempSync(join(tmpdir(), "ops-steps-"));
    box.bin = join(box.dir, "bin");
    mkdirSync(box.bin);
    stub("sleep", "exit 0");
    stub(
      "journalctl",
      'echo "dockerd: unable to configure the Docker daemon with file daemon.json: bad key"',
    );
    stub(
      "systemctl",
      'echo "$*" >>"$STUB/systemctl.log"; case "$1" in is-active) [ -e "$STUB/active" ];; *) exit 0;; esac',
    );
    stub("docker", '[ "$1" = info ] && [ -e "$STUB/answers" ] && exit 0; [ "$1" = info ] && exit 1; exit 0');
    stub(
      "dockerd",
      'if grep -q bad "$3"; then echo "unknown key: bad" >&2; exit 1; fi; echo "configuration OK"',
    );
  });
  afterEach(() => rmSync(box.dir, { recursive: true, force: true }));
}
