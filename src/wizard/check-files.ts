/**
 * Proves the files the wizard is about to write before a byte of them is written: they are staged
 * in a scratch folder beside copies of the inventory's group_vars/ and host_vars/, then read by the
 * same code as `ops inventory check` (prepareRun: the playbooks' variables schemas and their rules).
 */
import { cp, mkdtemp, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { ConfigError, ConfigErrors, InternalError } from "../errors.js";
import { prepareRun, type LoadedPlaybook } from "../run/prepare.js";
import type { Target } from "../run/targets.js";
import type { FileToWrite } from "./write-files.js";
import type { VaultKeyring } from "../vault/keyring.js";

export interface CheckRequest {
  /** The inventory file, then its variables file, as they will be written. */
  files: readonly FileToWrite[];
  inventoryFile: string;
  /** The playbooks whose variables and rules the files must satisfy. */
  playbooks: readonly LoadedPlaybook[];
  /** Variable names of every playbook ops knows (not typos), as ops inventory check passes them. */
  known?: ReadonlySet<string>;
  /** Variables the wizard set: a host whose value differs was given another one elsewhere. */
  intended: Readonly<Record<string, unknown>>;
  /** Inventory names of the hosts the wizard added. */
  newHosts: readonly string[];
  /** The vault password, when the files hold vault-encrypted values. */
  vault?: VaultKeyring;
}

export interface CheckResult {
  targets: Target[];
  /** "docker_mirror of el9-1 is set by hosts.yaml:12 (all.children.el9.vars.docker_mirror)". */
  overridden: string[];
}

/** Puts the real folder back into a location the scratch folder produced. */
function unstage(error: unknown, stage: string, dir: string): unknown {
  const fix = (e: ConfigError): ConfigError => {
    const file = e.location.file?.startsWith(stage)
      ? join(dir, relative(stage, e.location.file))
      : e.location.file;
    return new ConfigError(
      `the inventory ops init would write is not valid: ${e.message}`,
      { ...e.location, ...(file !== undefined ? { file } : {}) },
      e.hint ?? "this is a bug in ops init: please report it with the answers given",
    );
  };
  if (error instanceof ConfigErrors) return new ConfigErrors(error.errors.map(fix));
  if (error instanceof ConfigError) return fix(error);
  return error;
}

/**
 * Validates the staged files with every schema; throws the ConfigError ops inventory check would.
 *
 * @example const { targets } = await checkFiles({ files, inventoryFile, playbooks: [await loadPlaybook("install-engine")], intended, newHosts });
 */
export async function checkFiles(req: CheckRequest): Promise<CheckResult> {
  const dir = dirname(req.inventoryFile);
  const stage = await mkdtemp(join(tmpdir(), "ops-init-"));
  try {
    for (const sub of ["group_vars", "host_vars"]) {
      const from = join(dir, sub);
      if ((await stat(from).catch(() => undefined))?.isDirectory())
        await cp(from, join(stage, sub), { recursive: true });
    }
    for (const file of req.files) {
      const to = join(stage, relative(dir, file.path));
      await mkdir(dirname(to), { recursive: true });
      // A file of clear passwords is staged as it will be written: readable by its owner only.
      await writeFile(to, file.content, { mode: file.mode ?? 0o644 });
    }
    const staged = join(stage, relative(dir, req.inventoryFile));
    const { targets } = await prepareRun({
      playbooks: req.playbooks,
      inventoryFile: staged,
      ...(req.known ? { known: req.known } : {}),
      vault: req.vault,
    });
    for (const t of targets) {
      // The wizard never writes a password: prove it on what the loader reads back.
      if (t.host.connection.password !== undefined || t.host.connection.becomePassword !== undefined) {
        if (req.newHosts.includes(t.host.name))
          throw new InternalError(`ops init would write a password for ${t.host.name}`);
      }
    }
    const overridden: string[] = [];
    for (const t of targets.filter((x) => req.newHosts.includes(x.host.name))) {
      for (const [name, value] of Object.entries(req.intended)) {
        if (isDeepStrictEqual(t.vars[name], value)) continue;
        const src = t.host.varSources[name];
        const where = src?.file
          ? `${join(dir, relative(stage, src.file))}${src.line ? `:${src.line}` : ""}`
          : "elsewhere";
        overridden.push(`${name} of ${t.host.name} is set by ${where}${src?.path ? ` (${src.path})` : ""}`);
      }
    }
    return { targets, overridden };
  } catch (error) {
    throw unstage(error, stage, dir);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
