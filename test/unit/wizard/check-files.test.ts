import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlaybook } from "../../../src/cli/load-playbook.js";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { checkFiles } from "../../../src/wizard/check-files.js";

const playbooks = [await loadPlaybook("install-engine")];
const hosts =
  "all:\n  children:\n    el9:\n      hosts:\n        el9-1:\n          ansible_host: 10.0.0.10\n";

describe("wizard/check-files", () => {
  it("reads the staged files the way ops inventory check does, beside the inventory's own group_vars", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cf-"));
    mkdirSync(join(dir, "group_vars"));
    writeFileSync(join(dir, "group_vars", "el9.yaml"), "docker_mirror: official # the team's choice\n");
    const inventoryFile = join(dir, "hosts.yaml");
    const result = await checkFiles({
      files: [
        { path: inventoryFile, content: hosts },
        {
          path: join(dir, "group_vars", "all.yaml"),
          content: "docker_mirror: aliyun\nregistry_mirrors: [http://10.0.0.4:5000]\n",
        },
      ],
      inventoryFile,
      playbooks,
      intended: { docker_mirror: "aliyun", registry_mirrors: ["http://10.0.0.4:5000"] },
      newHosts: ["el9-1"],
    });
    assert.deepEqual(
      result.targets.map((t) => [t.host.name, t.vars["registry_mirrors"]]),
      [["el9-1", ["http://10.0.0.4:5000"]]],
    );
    // group_vars/el9.yaml wins over all: the person is told, with the real file and line.
    assert.deepEqual(result.overridden, [
      `docker_mirror of el9-1 is set by ${join(dir, "group_vars", "el9.yaml")}:1 (docker_mirror)`,
    ]);
    assert.deepEqual(readdirSync(dir).sort(), ["group_vars"], "nothing was written beside the inventory");
  });

  it("a value the playbook refuses is the error ops inventory check gives, naming the real file and line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cf-"));
    const inventoryFile = join(dir, "hosts.yaml");
    await assert.rejects(
      checkFiles({
        files: [
          { path: inventoryFile, content: hosts },
          {
            path: join(dir, "group_vars", "all.yaml"),
            content: "docker_mirror: aliyun\nregistry_mirrors: [ftp://x]\n",
          },
        ],
        inventoryFile,
        playbooks,
        intended: {},
        newHosts: ["el9-1"],
      }),
      (e: unknown) => {
        const list = e instanceof ConfigErrors ? e.errors : e instanceof ConfigError ? [e] : [];
        assert.equal(list.length, 1);
        assert.equal(list[0]?.location.file, join(dir, "group_vars", "all.yaml"));
        assert.equal(list[0]?.location.line, 2);
        assert.match(list[0]?.message ?? "", /not valid: .*registry_mirrors/);
        return true;
      },
    );
  });

  it("refuses to write a password for a new host", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cf-"));
    const inventoryFile = join(dir, "hosts.yaml");
    await assert.rejects(
      checkFiles({
        files: [
          {
            path: inventoryFile,
            content: hosts.replace(
              "ansible_host: 10.0.0.10",
              "ansible_host: 10.0.0.10\n          ansible_password: pw",
            ),
          },
        ],
        inventoryFile,
        playbooks,
        intended: {},
        newHosts: ["el9-1"],
      }),
      /would write a password for el9-1/,
    );
  });
});
