/**
 * `ops registry ls|rm|users|audit`: operate the registry deploy-registry stood up, over its HTTP
 * API with the CA ops made, acting as an account of the inventory. Registered by main.ts with one
 * call; each subcommand's code is loaded only when it runs.
 */
import { type Command, Option } from "commander";
import { DEFAULT_REGISTRY_LIMITS as D } from "../registry/limits.js";
import { collect } from "./collect.js";
import { parsePositive, parseSeconds } from "./target-options.js";
import { withVaultOptions } from "./vault-options.js";
import type { AuditCliOptions } from "./registry-audit.js";
import type { RegistryCliOptions } from "./registry-context.js";

const write = (t: string) => process.stdout.write(t);

function common(command: Command): Command {
  return withVaultOptions(command)
    .requiredOption("-i, --inventory <file>", "the inventory deploy-registry ran with")
    .option("-l, --limit <pattern>", "hosts or groups (the registry host must be among them)")
    .option("-e, --extra-vars <vars>", "extra variables, as for ops run", collect, [])
    .option("--as <account>", "act as this registry account (default: the first system admin)")
    .option(
      "--timeout <seconds>",
      `most time for one request (default ${D.deadlineMs / 1000}; the audit log ${D.auditDeadlineMs / 1000})`,
      parseSeconds,
    )
    .option(
      "--idle-timeout <seconds>",
      `most silence from the registry (default ${D.idleMs / 1000})`,
      parseSeconds,
    )
    .option(
      "--max-bytes <bytes>",
      `largest answer (default ${D.maxBytes}; the audit log ${D.auditMaxBytes})`,
      parsePositive,
    )
    .option(
      "--max-pages <n>",
      `most pages of the catalog or a tag list (default ${D.maxPages})`,
      parsePositive,
    )
    .addOption(
      new Option("-o, --output <format>", "output format").choices(["pretty", "json"]).default("pretty"),
    );
}

/** @example addRegistryCommands(program, result) */
export function addRegistryCommands(program: Command, result: { code: number }): void {
  const registry = program
    .command("registry")
    .description("operate the private registry deploy-registry stood up: ls, rm, users, audit");
  common(registry.command("ls"))
    .description("projects, repositories, tags, digests and sizes")
    .argument("[path]", "a project or project/repository")
    .action(async (path: string | undefined, opts: RegistryCliOptions) => {
      const { registryLs } = await import("./registry-ls.js");
      result.code = await registryLs(opts, path, write);
    });
  common(registry.command("rm"))
    .description("delete a tag's manifest (and every tag on it) by digest; GC frees the disk")
    .argument("<image>", "PROJECT/REPO:TAG or PROJECT/REPO@sha256:DIGEST")
    .action(async (image: string, opts: RegistryCliOptions) => {
      const { registryRm } = await import("./registry-rm.js");
      result.code = await registryRm(opts, image, write);
    });
  common(registry.command("users"))
    .description("accounts and their roles in each project (from the inventory)")
    .action(async (opts: RegistryCliOptions) => {
      const { registryUsers } = await import("./registry-users.js");
      result.code = await registryUsers(opts, write);
    });
  common(registry.command("audit"))
    .description("pushes, pulls, deletes and refusals from the registry's JSON access log")
    .option("--user <account>", "only this account's events")
    .option("--project <name>", "only this project")
    .addOption(
      new Option("--action <action>", "only this action").choices(["push", "pull", "delete", "login"]),
    )
    .option("--since <when>", "a duration back from now (30m, 2h, 7d) or a date")
    .option("--until <when>", "a duration back from now or a date")
    .option(
      "--all",
      "every request (blobs, HEAD checks, tokens, the catalog, refusals), not only manifest events and refusals",
      false,
    )
    .option("--failed", "only refusals: failed and throttled logins, denied requests", false)
    .action(async (opts: AuditCliOptions) => {
      const { registryAudit } = await import("./registry-audit.js");
      result.code = await registryAudit(opts, write);
    });
}
