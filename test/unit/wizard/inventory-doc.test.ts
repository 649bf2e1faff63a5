import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { renderInventory, type InventoryContent } from "../../../src/wizard/inventory-doc.js";
import { groupVarsFile, renderVars } from "../../../src/wizard/vars-doc.js";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const content: InventoryContent = {
  header: "Written by `ops init` on 2026-12-01.\nComments say where each value came from.",
  hosts: [
    { name: "el9-1", address: "10.0.0.10", port: 22, group: "el9", comment: "named by its hostname" },
    { name: "10.0.0.11", address: "10.0.0.11", port: 2222, group: "el9", comment: "named by its address" },
  ],
  connection: {
    ansible_user: { value: "root", comment: "the SSH user given to ops init" },
    ansible_ssh_private_key_file: { value: "~/.ssh/id_ed25519", comment: "the key ops init installed" },
  },
};

describe("wizard/inventory-doc and vars-doc", () => {
  it("writes a new inventory in Ansible's format with a comment beside each value", () => {
    const text = renderInventory(undefined, content);
    assert.equal(
      text,
      [
        "# Written by `ops init` on 2026-12-01.",
        "# Comments say where each value came from.",
        "",
        "all:",
        "  vars:",
        "    # the SSH user given to ops init",
        "    ansible_user: root",
        "    # the key ops init installed",
        "    ansible_ssh_private_key_file: ~/.ssh/id_ed25519",
        "  children:",
        "    el9:",
        "      hosts:",
        "        el9-1: # named by its hostname",
        "          ansible_host: 10.0.0.10",
        "        10.0.0.11: # named by its address",
        "          ansible_host: 10.0.0.11",
        "          ansible_port: 2222",
        "",
      ].join("\n"),
    );
  });

  it("extends an existing inventory in place: comments, hosts, unknown keys and all.vars stay", () => {
    const existing = [
      "# our fleet, do not reorder",
      "all:",
      "  vars:",
      "    ansible_user: root # everyone",
      "    team_owner: infra   # not an ops key",
      "  children:",
      "    el9:",
      "      vars:",
      "        rack: b2",
      "      hosts:",
      "        old-1:",
      "          ansible_host: 10.0.0.5",
      "    web:",
      "      hosts:",
      "        old-1:",
      "",
    ].join("\n");
    const text = renderInventory(existing, content);
    assert.match(text, /^# our fleet, do not reorder\n/);
    assert.match(text, /ansible_user: root # everyone/);
    assert.match(text, /team_owner: infra # not an ops key/);
    assert.match(text, /rack: b2/);
    const data = parse(text) as {
      all: {
        vars: Record<string, unknown>;
        children: Record<string, { hosts: Record<string, Record<string, unknown> | null> }>;
      };
    };
    assert.deepEqual(Object.keys(data.all.children["el9"]?.hosts ?? {}), ["old-1", "el9-1", "10.0.0.11"]);
    // ansible_user is already root in all.vars: not repeated. The key is new: it goes on the new hosts only.
    assert.deepEqual(data.all.children["el9"]?.hosts["el9-1"], {
      ansible_host: "10.0.0.10",
      ansible_ssh_private_key_file: "~/.ssh/id_ed25519",
    });
    assert.deepEqual(data.all.children["el9"]?.hosts["old-1"], { ansible_host: "10.0.0.5" });
    assert.equal(data.all.vars["ansible_ssh_private_key_file"], undefined);
    assert.ok("web" in data.all.children);
    // Editing again changes nothing: the same keys are set, comments are replaced, not piled up.
    assert.equal(renderInventory(text, content), text);
  });

  it("what a host said cannot break out of a comment or act on a terminal", () => {
    const hostile = {
      ...content,
      hosts: [{ ...content.hosts[0]!, comment: "CentOS\u001b[2K\nall:\n  vars: { ansible_password: x }" }],
    };
    const text = renderInventory(undefined, hostile);
    assert.match(text, /el9-1: # CentOS\\u001b\[2K\\nall:\\n {2}vars: \{ ansible_password: x \}\n/);
    const data = parse(text) as { all: { vars: Record<string, unknown> } };
    assert.equal(data.all.vars["ansible_password"], undefined);
  });

  it("the registry host joins a registry group, written tidy (no bare null under the comment)", () => {
    const text = renderInventory(undefined, { ...content, registryHosts: ["el9-1"] });
    const data = parse(text) as {
      all: { children: Record<string, unknown> };
    };
    assert.deepEqual(data.all.children["registry"], { hosts: { "el9-1": null } });
    assert.match(
      text,
      /\n {4}registry:\n {6}hosts:\n {8}el9-1: # the host deploy-registry runs the registry on\n$/,
    );
    assert.doesNotMatch(text, /null/);
  });

  it("group_vars: new with a header, or edited keeping other keys and comments", () => {
    const settings = [
      { name: "docker_mirror", value: "aliyun", comment: "the fastest of 5, timed from 3 hosts" },
      { name: "registry_mirrors", value: ["http://10.0.0.4:5000"], comment: "reachable from every host" },
    ];
    assert.equal(
      renderVars(undefined, "Variables of every host", settings),
      "# Variables of every host\n\n# the fastest of 5, timed from 3 hosts\ndocker_mirror: aliyun\n# reachable from every host\nregistry_mirrors:\n  - http://10.0.0.4:5000\n",
    );
    const edited = renderVars(
      "# mine\ndocker_users: [ops] # people\ndocker_mirror: official\n",
      "unused",
      settings,
    );
    assert.equal(
      edited,
      "# mine\ndocker_users: [ ops ] # people\n# the fastest of 5, timed from 3 hosts\ndocker_mirror: aliyun\n# reachable from every host\nregistry_mirrors:\n  - http://10.0.0.4:5000\n",
    );
  });

  it("finds the file that holds all's variables", () => {
    const dir = mkdtempSync(join(tmpdir(), "gv-"));
    assert.equal(groupVarsFile(dir), join(dir, "group_vars", "all.yaml"));
    mkdirSync(join(dir, "group_vars", "all"), { recursive: true });
    assert.equal(groupVarsFile(dir), join(dir, "group_vars", "all", "ops-init.yaml"));
    writeFileSync(join(dir, "group_vars", "all.yml"), "x: 1\n");
    assert.equal(groupVarsFile(dir), join(dir, "group_vars", "all.yml"));
  });
});
