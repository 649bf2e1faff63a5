// A generated inventory shaped like a large site: data centres > racks of 50 hosts, a second group
// (`web`) that mentions every third host again, group_vars for every data centre and host_vars for
// every tenth host. Written to a temp folder for the inventory-scale measurement.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const RACK = 50;
const DATA_CENTRES = 4;

const hostName = (i: number): string => `node-${String(i).padStart(6, "0")}`;
const address = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/**
 * Writes `hosts.yaml`, `group_vars/` and `host_vars/` for `hosts` hosts under `dir`; returns the
 * inventory file. Deterministic, so two runs of the bench load the same bytes.
 *
 * @example generateInventory("/tmp/inv-1000", 1000) // "/tmp/inv-1000/hosts.yaml"
 */
export function generateInventory(dir: string, hosts: number): string {
  mkdirSync(join(dir, "group_vars"), { recursive: true });
  mkdirSync(join(dir, "host_vars"), { recursive: true });
  const racks = Math.ceil(hosts / RACK);
  const lines = ["all:", "  vars:", "    ansible_user: ops", "    docker_version: '24.0.7'", "  children:"];
  for (let dc = 0; dc < DATA_CENTRES; dc++) {
    lines.push(`    dc${dc}:`, "      children:");
    for (let r = dc; r < racks; r += DATA_CENTRES) {
      lines.push(`        rack-${String(r).padStart(4, "0")}:`, "          vars:", `            rack: ${r}`);
      lines.push("          hosts:");
      for (let i = r * RACK; i < Math.min(hosts, (r + 1) * RACK); i++) {
        lines.push(`            ${hostName(i)}:`, `              ansible_host: ${address(i)}`);
        lines.push("              ansible_port: 22", `              docker_users: [ops, app${i % 7}]`);
      }
    }
    writeFileSync(
      join(dir, "group_vars", `dc${dc}.yml`),
      `registry_mirrors:\n  - https://mirror-${dc}.example\n`,
    );
  }
  lines.push("    web:", "      hosts:");
  for (let i = 0; i < hosts; i += 3) lines.push(`        ${hostName(i)}:`);
  for (let i = 0; i < hosts; i += 10) {
    writeFileSync(join(dir, "host_vars", `${hostName(i)}.yml`), `docker_remove_conflicts: false\n`);
  }
  writeFileSync(join(dir, "group_vars", "all.yml"), "docker_mirror: official\n");
  const file = join(dir, "hosts.yaml");
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}
