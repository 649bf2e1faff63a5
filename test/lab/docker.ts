// Thin helpers over the docker CLI that the lab needs in several places.
import { $ } from "./sh.js";

/** True when an image with this exact reference exists locally. */
export async function imageExists(ref: string): Promise<boolean> {
  return (await $`docker image inspect ${ref}`.nothrow()).exitCode === 0;
}

/** The state of a container ("running", "exited", ...) or undefined when it does not exist. */
export async function containerState(name: string): Promise<string | undefined> {
  const out = await $`docker inspect -f {{.State.Status}} ${name}`.nothrow();
  return out.exitCode === 0 ? out.stdout.trim() : undefined;
}

/** The image reference a container was created from, or undefined when it does not exist. */
export async function containerImage(name: string): Promise<string | undefined> {
  const out = await $`docker inspect -f {{.Config.Image}} ${name}`.nothrow();
  return out.exitCode === 0 ? out.stdout.trim() : undefined;
}

/** Removes a container (and its anonymous volumes) if it exists. */
export async function removeContainer(name: string): Promise<void> {
  await $`docker rm -f -v ${name}`.nothrow();
}

/** Runs a shell script inside a container as root; throws with stderr when it fails. */
export async function execIn(container: string, script: string): Promise<string> {
  const out = await $`docker exec ${container} sh -c ${script}`.nothrow();
  if (out.exitCode !== 0) {
    throw new Error(`docker exec ${container} failed (${out.exitCode}): ${out.stderr.trim() || out.stdout}`);
  }
  return out.stdout;
}

/** Names of lab containers (by label), optionally only those whose name starts with prefix. */
export async function labContainers(label: string, prefix = ""): Promise<string[]> {
  const out = await $`docker ps -a --filter label=${label} --format {{.Names}}`;
  return out.stdout
    .split("\n")
    .map((s) => s.trim())
    .filter((s) => s !== "" && s.startsWith(prefix))
    .sort();
}
