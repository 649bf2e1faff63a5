import assert from "node:assert/strict";
import { validateInventory, validateVarsFile } from "../../../src/inventory/validate.js";
import { parseYaml } from "../../../src/text/yaml-source.js";

/** [message, path, line] of each problem of an inline inventory. */
function problems(yaml: string) {
  return validateInventory(parseYaml(yaml, "hosts.yaml")).map((e) => [
    e.message,
    e.location.path,
    e.location.line,
  ]);
}

describe("validateInventory (pure)", () => {
  it("accepts empty hosts, null groups, top-level groups and every become spelling", () => {
    const yaml = [
      "all:",
      "  hosts:",
      "    a:",
      "    b: { become: yes, ansible_become: 'True' }",
      "    c: { become: 'no', ansible_port: 22 }",
      "  children:",
      "    empty:",
      "web:",
      "  hosts:",
      "    w1: { ansible_python_interpreter: /usr/bin/python3, ansible_ssh_common_args: -C }",
      "",
    ].join("\n");
    assert.deepEqual(problems(yaml), []);
  });

  it("rejects ports out of range and non-integer", () => {
    assert.deepEqual(problems("all:\n  vars:\n    port: 0\n    ansible_port: 22.5\n"), [
      ["port must be an integer from 1 to 65535, got 0", "all.vars.port", 3],
      ["ansible_port must be an integer from 1 to 65535, got number", "all.vars.ansible_port", 4],
    ]);
  });

  it("rejects an unknown key in a group with a did-you-mean", () => {
    const [error] = validateInventory(parseYaml("all:\n  child:\n    x:\n", "hosts.yaml"));
    assert.equal(error?.message, "child is not allowed here (expected hosts, children, vars)");
    assert.equal(error?.hint, "did you mean 'children'?");
  });

  it("rejects `all` as a child group", () => {
    assert.deepEqual(problems("all:\n  children:\n    web:\n      children:\n        all:\n"), [
      ["group 'all' cannot be the child of another group", "all.children.web.children.all", 5],
    ]);
  });

  it("checks group_vars files: connection key types, and a mapping at the top", () => {
    const bad = validateVarsFile(parseYaml("docker_users: [a]\nbecome: 2\n", "group_vars/all.yml"));
    assert.deepEqual(
      bad.map((e) => [e.message, e.location]),
      [
        [
          "become must be a boolean (true/false, or Ansible's yes/no), got integer",
          { file: "group_vars/all.yml", path: "become", line: 2 },
        ],
      ],
    );
    const list = validateVarsFile(parseYaml("- a\n", "host_vars/x.yml"));
    assert.equal(list[0]?.message, "the file must be a mapping of variables (or empty), got array");
  });

  it("parseYaml alone (answers files, policies) refuses ansible-vault files with a clear message", () => {
    assert.throws(() => parseYaml("$ANSIBLE_VAULT;1.1;AES256\n6162\n", "group_vars/all.yml"), {
      message: "file is encrypted with ansible-vault, and vaults are not read here",
    });
  });
});
