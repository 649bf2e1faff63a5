/**
 * Installs an empty RPM of a given name on a lab host, so a test can give a host a "conflicting"
 * package (podman, runc, ...) for real: rpm's database then says it is installed.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostExec } from "../../lab/lab.js";

export async function installDummyRpm(
  host: string,
  container: string,
  name: string,
  version = "4.9.4",
): Promise<void> {
  const top = mkdtempSync(join(tmpdir(), "ops-rpm-"));
  for (const d of ["SPECS", "RPMS", "BUILD", "SOURCES", "SRPMS", "BUILDROOT"]) mkdirSync(join(top, d));
  const spec = join(top, "SPECS", `${name}.spec`);
  writeFileSync(
    spec,
    [
      `Name: ${name}`,
      `Version: ${version}`,
      "Release: 1.el9",
      "Summary: empty stand-in package for an ops test",
      "License: MIT",
      "BuildArch: noarch",
      "%description",
      "Empty.",
      "%files",
      "",
    ].join("\n"),
  );
  execFileSync("rpmbuild", ["-bb", "--quiet", "--define", `_topdir ${top}`, spec], { stdio: "pipe" });
  const dir = join(top, "RPMS", "noarch");
  const file = readdirSync(dir)[0] ?? "";
  execFileSync("docker", ["cp", join(dir, file), `${container}:/tmp/${file}`]);
  await hostExec(host, `rpm -i --nodeps /tmp/${file} && rm -f /tmp/${file}`);
}
