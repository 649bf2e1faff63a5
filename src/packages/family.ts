/**
 * The contract of a package family: everything ops knows about one packaging system (rpm with dnf
 * or yum, deb with apt), behind one interface. The generic resources (`packages`, `repository`,
 * `signingKey`) hold the logic that is the same everywhere (what is missing, what to pin, a key
 * verified before it is trusted) and ask the family only for its facts and its commands, the way
 * pyinfra's `ensure_packages` drives `yum.py` and `apt.py`. A family is one folder,
 * `src/packages/<family>/`, whose index exports an object of this type, listed in `../index.ts`.
 */
import type { Fact } from "../facts/fact.js";
import type { OsFamily } from "../facts/os-release.js";
import type { Step } from "../resources/resource.js";
import type { HostFacts } from "./host-facts.js";

/** One installed package that satisfies an asked capability. */
export interface InstalledPackage {
  /** The upstream version a person reads: "24.0.7". */
  readonly version: string;
  /** Set when no package of the asked name is installed and this other package provides it. */
  readonly providedBy?: string;
}

/** Every asked capability is a key; null when nothing installed satisfies it. */
export type InstalledPackages = Readonly<Record<string, InstalledPackage | null>>;

/** One source of a repository: a `[section]` of a `.repo` file, a stanza of a deb822 `.sources` file. */
export interface RepositorySource {
  /** rpm: the section id (`docker-ce-stable`); deb: a comment naming the stanza. Unique in the file. */
  readonly id: string;
  /** What a person reads: "Docker CE Stable - $basearch". */
  readonly name: string;
  /** rpm: `baseurl` (dnf expands $basearch); deb: `URIs`. */
  readonly url: string;
  /** Default true. */
  readonly enabled?: boolean;
  /** deb: `Suites` (default the host's codename). */
  readonly suites?: readonly string[];
  /** deb: `Components`, e.g. ["stable"]. */
  readonly components?: readonly string[];
  /** deb: `Architectures` (default: apt's own). */
  readonly architectures?: readonly string[];
}

/** A repository as the generic `repository` resource declares it. */
export interface RepositorySpec {
  /** The file's base name: /etc/yum.repos.d/<name>.repo, /etc/apt/sources.list.d/<name>.sources. */
  readonly name: string;
  readonly sources: readonly RepositorySource[];
  /** The verified signing key the sources are checked against (rpm `gpgkey=`, deb `Signed-By:`). */
  readonly keyPath: string;
}

export interface PackageFamily {
  /** "rpm", "deb": the folder's name. */
  readonly name: string;
  /** Distribution families (os-release) whose hosts use this family. */
  readonly osFamilies: readonly OsFamily[];
  /** Package manager commands, preferred first: ["dnf", "yum"], ["apt-get"]. */
  readonly managers: readonly string[];
  /** Which asked capabilities are installed, by their own package or another's Provides: ONE probe. */
  installed(names: readonly string[]): Fact<InstalledPackages>;
  /** Why `pin` is no version of this family ("24.0.7 ; reboot"), or undefined when it is one. */
  pinError(pin: string): string | undefined;
  /** < 0: the installed package is older than the pin; 0: it satisfies it; > 0: newer. */
  comparePin(installed: InstalledPackage, pin: string): number;
  /** The argument that asks the manager for `name` at `pin`: `docker-ce-24.0.7`, `docker-ce=5:24.0.7-1~...`. */
  pinSpec(name: string, pin: string): string;
  /** The pin as a person reads it in a step's description. */
  pinText(pin: string): string;
  /** An installed package's whole version: "3:24.0.7-1.el9". */
  versionText(installed: InstalledPackage): string;
  /**
   * POSIX sh that installs (and upgrades to) these specs, non-interactively. With `only`, the manager
   * reads that repository alone and ignores every other the host configures: an air-gapped host
   * installing from a bundle has other repos pointing at URLs it cannot reach.
   */
  installScript(manager: string, specs: readonly string[], only?: RepositorySpec): string;
  /** POSIX sh that removes these packages. */
  removeScript(manager: string, names: readonly string[]): string;
  /** POSIX sh that downgrades to these specs (`only` as for installScript). */
  downgradeScript(manager: string, specs: readonly string[], only?: RepositorySpec): string;
  /** The repository's file on this family and its whole content. */
  repositoryFile(spec: RepositorySpec, host: HostFacts): { path: string; content: string };
  /** Where the verified key named `name` is written. */
  keyPath(name: string): string;
  /** POSIX sh that exits 0 when the key is already trusted (then it is not fetched at all). */
  keyTrustedTest(fingerprint: string, path: string): string;
  /** Steps after the verified key's bytes are written to `path` (rpm imports it). */
  trustKeySteps(path: string): Step[];
}
