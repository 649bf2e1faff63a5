/** `ops bundle create|verify|key`: declared here, loaded only when used. */
import type { Command } from "commander";
import type { BundleCreateOptions } from "./bundle-command.js";
import { collect } from "./collect.js";
import { withTargetOptions } from "./target-options.js";

/** @example addBundleCommands(program, result) */
export function addBundleCommands(program: Command, result: { code: number }): void {
  const bundle = program
    .command("bundle")
    .description("offline bundles: packages and images for hosts without a network");
  const write = (t: string) => void process.stdout.write(t);
  withTargetOptions(bundle.command("create"), "hosts probed at once")
    .description(
      "fetch what the playbooks install on the inventory's hosts into one file, signed with this machine's bundle key",
    )
    .option(
      "-p, --playbook <name>",
      `install-engine, deploy-registry or images (repeatable; default all three)`,
      collect,
      [],
    )
    .requiredOption("-o, --output <file>", "the bundle to write (e.g. site.bundle.tar)")
    .option(
      "--platform <major/arch>",
      "OS major and architecture, e.g. 9/x86_64 (repeatable); default: ask each host",
      collect,
      [],
    )
    .option(
      "--image-source <url>",
      "fetch Docker Hub images from this registry (default: the hosts' first registry mirror)",
    )
    .action(async (opts: BundleCreateOptions) => {
      const { bundleCreate } = await import("./bundle-command.js");
      result.code = await bundleCreate(opts, write);
    });
  bundle
    .command("verify")
    .description("check a bundle's signature (a trusted key) and every file against its manifest")
    .argument("<file>", "the bundle")
    .action(async (file: string) => {
      const { bundleVerify } = await import("./bundle-command.js");
      result.code = await bundleVerify(file, write);
    });
  bundle
    .command("key")
    .description(
      "show this machine's bundle signing key (made when absent) and the keys it trusts; copy key.pub.pem to the bundle-trusted folder of the machine that runs --bundle",
    )
    .action(async () => {
      const { bundleKey } = await import("./bundle-command.js");
      result.code = await bundleKey(write);
    });
}
