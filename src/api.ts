/**
 * The API a user's own playbook is written against (`ops run ./site/my-playbook.ts`). A playbook
 * module may `export default definePlaybook({...})`, or export a function that receives this
 * object and returns the playbook, so it needs no import path to ops at all.
 */
export { default as Type } from "typebox";
export {
  definePlaybook,
  type Playbook,
  type VariablesSchema,
  type PlaybookHost,
  type TargetHost,
  type RunContext,
  type RunStep,
  type RunStepContext,
  type VarRule,
  type RuleProblem,
  type RuleInventory,
} from "./playbook.js";
export {
  change,
  fail,
  noop,
  type Resource,
  type Step,
  type Handler,
  type Outcome,
} from "./resources/resource.js";
export { verdict, type Check, type CheckResult, type CheckStatus } from "./checks/check.js";
export type { Fact } from "./facts/fact.js";
export { commandFact, type CommandOutput } from "./facts/command.js";
export { quote, sh } from "./transport/quote.js";
export { file } from "./resources/file.js";
export { template } from "./resources/template.js";
export { directory, type DirectoryOptions } from "./resources/directory.js";
export {
  composePreflight,
  composeProject,
  configHash,
  type ComposeNaming,
  type ComposePreflightOptions,
  type ComposeProjectOptions,
} from "./resources/compose.js";
export { composeAbsent, type ComposeAbsentOptions } from "./resources/compose-absent.js";
export { unitsAbsent } from "./resources/units-absent.js";
export { composeHealthCheck, type ComposeHealthOptions } from "./checks/compose-health.js";
export {
  composeState,
  CONFIG_HASH_LABEL,
  type ComposeContainer,
  type ComposeState,
} from "./facts/compose-state.js";
export { packages } from "./resources/packages.js";
export { service, type ServiceOptions } from "./resources/service.js";
export { rollbackFunctions, markPendingLines, type RollbackOptions } from "./resources/rollback.js";
export { signingKey, type SigningKeyOptions } from "./resources/signing-key.js";
export { repository, type RepositoryOptions } from "./resources/repository.js";
export type { HostFacts, PackageSystem } from "./packages/host-facts.js";
export type { PackageFamily, RepositorySource, RepositorySpec } from "./packages/family.js";
export { groupMembers } from "./resources/group-members.js";
export { osRelease } from "./facts/os-release.js";
export { kernel } from "./facts/kernel.js";
export { file as fileFact } from "./facts/file.js";
export { systemdUnit } from "./facts/systemd-unit.js";
// The Docker engine module: daemon.json, its handlers and rollback, the engine's service and checks.
export {
  DAEMON_JSON,
  DOCKER_RELOAD,
  DOCKER_RESTART,
  daemonJson,
  dockerHandlers,
  dockerService,
  engineCheck,
  preflight,
  type DaemonJsonOptions,
  type DockerHandlerOptions,
} from "./engine/index.js";
