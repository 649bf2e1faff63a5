import { fileURLToPath } from "node:url";
/** Maps a fixture folder name to the resource constructor it exercises, with the case's args. */
import type { Resource } from "../../../src/resources/resource.js";
import { daemonJson, type DaemonJsonOptions } from "../../../src/engine/daemon-json.js";
import { engineCheck, type EngineCheckOptions } from "../../../src/engine/engine-check.js";
import { file, type FileOptions } from "../../../src/resources/file.js";
import { signingKey, type SigningKeyOptions } from "../../../src/resources/signing-key.js";
import { repository, type RepositoryOptions } from "../../../src/resources/repository.js";
import { SAMPLE_HOST_FACTS, type HostFacts } from "../../../src/packages/host-facts.js";
import { groupMembers, type GroupMembersOptions } from "../../../src/resources/group-members.js";
import { packages, type PackagesOptions } from "../../../src/resources/packages.js";
import { preflight, type PreflightOptions } from "../../../src/engine/preflight.js";
import { service, type ServiceOptions } from "../../../src/resources/service.js";
import { template, type TemplateOptions } from "../../../src/resources/template.js";
import { directory, type DirectoryOptions } from "../../../src/resources/directory.js";
import {
  composePreflight,
  composeProject,
  type ComposePreflightOptions,
  type ComposeProjectOptions,
} from "../../../src/resources/compose.js";
import { composeAbsent, type ComposeAbsentOptions } from "../../../src/resources/compose-absent.js";
import { unitsAbsent } from "../../../src/resources/units-absent.js";
import { registryGc } from "../../../src/registry/gc-resource.js";
import {
  registryAbsent,
  registryPreflight,
  registryStack,
  type AbsentOptions,
  type RegistryPreflightOptions,
  type StackOptions,
} from "../../../src/registry/stack-resource.js";
import { trustRegistries, untrustRegistries, type TrustedRegistry } from "../../../src/registry/trust.js";
import { hostLocalClients } from "../../../src/registry/host-local.js";

export const TEST_TEMPLATES = fileURLToPath(new URL("../../fixtures/templates/", import.meta.url));

/** Args come from JSON: the shapes are the options types, checked by the resources themselves. */
type Args = Record<string, unknown>;

/**
 * The host a case's resource is listed for: el9 with dnf unless `manager` says otherwise (null: none),
 * or `host: "debian12"`.
 */
function onHost(a: Args): { facts: HostFacts } {
  const base = a.host === "debian12" ? SAMPLE_HOST_FACTS.debian12 : SAMPLE_HOST_FACTS.el9;
  if (!("manager" in a)) return { facts: base };
  const manager = a.manager;
  const packages = typeof manager === "string" ? { family: base.packages?.family ?? "rpm", manager } : null;
  return { facts: { ...base, packages } };
}

const registriesOf = (a: Args): TrustedRegistry[] =>
  Array.isArray(a.registries) ? (a.registries as TrustedRegistry[]) : [a as unknown as TrustedRegistry];
function oneOf(resources: Resource[], a: Args): Resource {
  const r = resources[Number(a.resource ?? 0)];
  if (r === undefined) throw new Error(`no resource ${String(a.resource ?? 0)} of ${resources.length}`);
  return r;
}

export const RESOURCES: Record<string, (args: Args) => Resource> = {
  file: (a) => file(a as unknown as FileOptions),
  // The templates of these cases are test fixtures (an old repo file), not ones ops ships.
  template: (a) => template({ templatesDir: TEST_TEMPLATES, ...(a as unknown as TemplateOptions) }),
  "signing-key": (a) => signingKey({ ...(a as unknown as SigningKeyOptions), on: onHost(a) }),
  repository: (a) => repository({ ...(a as unknown as RepositoryOptions), on: onHost(a) }),
  packages: (a) => packages({ ...(a as unknown as PackagesOptions), on: onHost(a) }),
  "daemon-json": (a) => daemonJson(a as unknown as DaemonJsonOptions),
  service: (a) => service(a as unknown as ServiceOptions),
  "group-members": (a) => groupMembers(a as unknown as GroupMembersOptions),
  preflight: (a) => preflight(a as PreflightOptions),
  "engine-check": (a) => engineCheck(a as EngineCheckOptions),
  directory: (a) => directory(a as unknown as DirectoryOptions),
  compose: (a) => composeProject(a as unknown as ComposeProjectOptions),
  "compose-preflight": (a) => composePreflight(a as unknown as ComposePreflightOptions),
  "compose-absent": (a) => composeAbsent(a as unknown as ComposeAbsentOptions),
  "registry-preflight": (a) => registryPreflight(a as unknown as RegistryPreflightOptions),
  "registry-stack": (a) => registryStack(a as unknown as StackOptions),
  "registry-absent": (a) => registryAbsent(a as unknown as AbsentOptions),
  "registry-host-local": (a) => hostLocalClients(String(a.dir)),
  "registry-gc": (a) =>
    registryGc({ dir: String(a.dir), keepFor: () => Number(a.keep ?? 0), dryRun: a.dryRun === true }),
  "units-absent": (a) => unitsAbsent(a.units as string[]),
  // One resource per case: `registries` (or the args as one registry), and which of the resources
  // they make the case plans (`resource`, default the first).
  "trust-registry": (a) => oneOf(trustRegistries(registriesOf(a)), a),
  "untrust-registry": (a) => oneOf(untrustRegistries(registriesOf(a)), a),
};
