// Debian packages the lab repackages: engine binaries for the RPMs and the registry images, fetched with
// `apt-get download` into .cache (only the named packages, no dependencies) and extracted with dpkg-deb.
// bookworm packages come from the machine's own apt sources; trixie ones (compose v2 plugin, buildx) from a
// private apt state under .cache so the machine's sources are never touched.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR, DEBIAN_MIRROR } from "./config.js";
import { $, log } from "./sh.js";

export const BOOKWORM_DEBS = [
  "docker.io",
  "containerd",
  "runc",
  "tini",
  "docker-registry",
  "nginx",
  "busybox-static",
] as const;
export const TRIXIE_DEBS = ["docker-compose", "docker-buildx"] as const;
export type DebName = (typeof BOOKWORM_DEBS)[number] | (typeof TRIXIE_DEBS)[number];

const DEB_DIR = join(CACHE_DIR, "debs");
const TRIXIE_APT = join(CACHE_DIR, "apt-trixie");

function trixieAptOptions(): string[] {
  const sources = join(TRIXIE_APT, "sources.list");
  if (!existsSync(sources)) {
    for (const d of ["lists/partial", "cache/archives/partial"])
      mkdirSync(join(TRIXIE_APT, d), { recursive: true });
    writeFileSync(
      sources,
      `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${DEBIAN_MIRROR} trixie main\n`,
    );
  }
  return [
    `-o=Dir::Etc::SourceList=${sources}`,
    "-o=Dir::Etc::SourceParts=/dev/null",
    `-o=Dir::State::Lists=${join(TRIXIE_APT, "lists")}`,
    `-o=Dir::Cache=${join(TRIXIE_APT, "cache")}`,
  ];
}

/** The cached .deb of a package, if it was downloaded already. */
function cachedDeb(suite: string, name: string): string | undefined {
  const dir = join(DEB_DIR, suite);
  if (!existsSync(dir)) return undefined;
  const file = readdirSync(dir).find((f) => f.startsWith(`${name}_`) && f.endsWith(".deb"));
  return file === undefined ? undefined : join(dir, file);
}

async function download(suite: "bookworm" | "trixie", names: readonly string[]): Promise<void> {
  const missing = names.filter((n) => cachedDeb(suite, n) === undefined);
  if (missing.length === 0) return;
  const dir = join(DEB_DIR, suite);
  mkdirSync(dir, { recursive: true });
  log(`apt-get download (${suite}): ${missing.join(" ")}`);
  const opts = suite === "trixie" ? trixieAptOptions() : [];
  if (suite === "trixie") await $`apt-get ${opts} update`;
  const first = await $({ cwd: dir })`apt-get ${opts} download ${missing}`.nothrow();
  if (first.exitCode !== 0) {
    // A fresh machine may have stale or empty lists for its own sources.
    await $`apt-get ${opts} update`;
    await $({ cwd: dir })`apt-get ${opts} download ${missing}`;
  }
}

/** Downloads what is missing and returns, per package, its .deb file and an extracted tree. */
export async function ensureDebs(): Promise<Record<DebName, { deb: string; root: string }>> {
  await download("bookworm", BOOKWORM_DEBS);
  await download("trixie", TRIXIE_DEBS);
  const result: Partial<Record<DebName, { deb: string; root: string }>> = {};
  const all: [string, readonly DebName[]][] = [
    ["bookworm", BOOKWORM_DEBS],
    ["trixie", TRIXIE_DEBS],
  ];
  for (const [suite, names] of all) {
    for (const name of names) {
      const deb = cachedDeb(suite, name);
      if (deb === undefined) throw new Error(`apt-get download did not produce ${name}`);
      const root = deb.replace(/\.deb$/, ".x");
      if (!existsSync(root)) {
        await $`dpkg-deb -x ${deb} ${root + ".part"}`;
        await $`mv ${root + ".part"} ${root}`;
      }
      result[name] = { deb, root };
    }
  }
  return result as Record<DebName, { deb: string; root: string }>;
}
