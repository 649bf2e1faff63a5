/**
 * Makes a lab host a control machine: this machine's node binary and the built ops (bin, the bundle,
 * package.json, policies, templates and the node_modules the bundle leaves external, with what they
 * need) copied into it. A lab host is a Debian userland with this machine's glibc, so the binaries run.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Packages the bundle does not contain (package.json's build script), and theirs, recursively. */
export function runtimeModules(roots = ["node-ssh", "ssh2", "better-sqlite3", "pg"]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !existsSync(join(ROOT, "node_modules", name, "package.json"))) return;
    seen.add(name);
    const pkg = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
  };
  roots.forEach(visit);
  return [...seen].sort();
}

/** Copies node to /usr/local/bin/node and ops to `dest` in the container; returns the ops path. */
export function installOps(container: string, dest = "/opt/ops"): string {
  execFileSync("docker", ["cp", process.execPath, `${container}:/usr/local/bin/node`]);
  const paths = [
    "bin",
    "dist/bundle",
    "package.json",
    "policies",
    "templates",
    ...runtimeModules().map((m) => `node_modules/${m}`),
  ];
  execFileSync("docker", ["exec", container, "mkdir", "-p", dest]);
  const tar = execFileSync("tar", ["-C", ROOT, "-cf", "-", ...paths], { maxBuffer: 1024 * 1024 * 1024 });
  execFileSync("docker", ["exec", "-i", container, "tar", "-C", dest, "-xf", "-"], { input: tar });
  return join(dest, "bin", "ops.js");
}
