import assert from "node:assert/strict";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { loadInventory } from "../../../src/inventory/load.js";
import type { Inventory, InventoryHost } from "../../../src/inventory/types.js";

const FIX = "test/fixtures/inventory";
const LAB = `${FIX}/lab/hosts.yaml`;

function host(inv: Inventory, name: string): InventoryHost {
  const h = inv.hosts.find((x) => x.name === name);
  assert.ok(h, `host ${name} missing`);
  return h;
}

/** Loads a file expected to fail; returns its errors as a flat list of [message, location, hint]. */
async function failures(file: string): Promise<[string, object, string | undefined][]> {
  try {
    await loadInventory(file);
  } catch (e) {
    const list = e instanceof ConfigErrors ? e.errors : [e];
    return list.map((x) => {
      assert.ok(x instanceof ConfigError, String(x));
      return [x.message, x.location, x.hint];
    });
  }
  assert.fail(`${file} loaded without errors`);
}

describe("loadInventory: the lab inventory", () => {
  let inv: Inventory;
  before(async () => {
    inv = await loadInventory(LAB);
  });

  it("keeps inventory order and lists each host once, with its groups outermost first", () => {
    assert.deepEqual(
      inv.hosts.map((h) => [h.name, h.groups]),
      [
        ["bastion", ["all", "ungrouped"]],
        ["el8-1", ["all", "centos", "el8"]],
        ["el9-1", ["all", "centos", "el9"]],
        ["el9-2", ["all", "centos", "registry", "el9"]],
      ],
    );
  });

  it("maps groups to their hosts, through children", () => {
    assert.deepEqual(inv.groups, {
      all: ["bastion", "el8-1", "el9-1", "el9-2"],
      ungrouped: ["bastion"],
      centos: ["el8-1", "el9-1", "el9-2"],
      el8: ["el8-1"],
      el9: ["el9-1", "el9-2"],
      registry: ["el9-2"],
    });
  });

  it("lifts connection keys, resolving the key beside the inventory and ~ to home", () => {
    assert.deepEqual(host(inv, "el9-2").connection, {
      address: "192.0.2.92",
      port: 2202, // host_vars beats the inline 2201
      user: "ops",
      privateKeyFile: resolve(FIX, "lab/keys/lab.pem"),
      become: false, // el9's inline `ansible_become: no` beats group_vars/all.yml
      becomePassword: "s3cret",
      knownHostsFile: resolve(homedir(), ".ssh/lab_known_hosts"),
    });
    assert.deepEqual(host(inv, "el9-1").connection.address, "el9-1");
    assert.equal(host(inv, "el8-1").connection.become, true); // the string "yes"
  });

  it("removes every connection and ansible_* key from vars", () => {
    assert.deepEqual(host(inv, "bastion").vars, {
      docker_version: "24.0.0",
      ntp_server: "ntp.example.internal",
      docker_remove_conflicts: true,
    });
  });

  it("applies Ansible precedence: group_vars file > inline group vars > parent group", () => {
    assert.equal(host(inv, "el9-1").vars.docker_mirror, "ustc");
    assert.deepEqual(host(inv, "el9-1").varSources.docker_mirror, {
      file: `${FIX}/lab/group_vars/el9.yaml`,
      path: "docker_mirror",
      line: 2,
    });
    assert.equal(host(inv, "el8-1").vars.docker_mirror, "tuna");
    assert.deepEqual(host(inv, "el8-1").varSources.docker_mirror, {
      file: LAB,
      path: "all.children.centos.vars.docker_mirror",
      line: 15,
    });
  });

  it("orders sibling groups by name at the same depth (registry beats centos)", () => {
    assert.deepEqual(host(inv, "el9-2").vars.docker_users, ["registry-admin"]);
    assert.deepEqual(host(inv, "el9-1").vars.docker_users, ["ops"]);
    assert.equal(
      host(inv, "el9-1").varSources.docker_users?.file,
      `${FIX}/lab/group_vars/centos/20-users.yaml`,
    );
  });

  it("lets host_vars beat inline host vars, and records the file and line", () => {
    assert.deepEqual(host(inv, "el9-2").vars.registry_mirrors, ["https://hostvars.example"]);
    assert.deepEqual(host(inv, "el9-2").varSources.registry_mirrors, {
      file: `${FIX}/lab/host_vars/el9-2.yml`,
      path: "registry_mirrors",
      line: 1,
    });
  });

  it("loads the example inventory shipped in inventory/", async () => {
    const example = await loadInventory("inventory/example.yaml");
    assert.deepEqual(
      example.hosts.map((h) => h.name),
      ["centos7-1", "el9-1", "el9-2"],
    );
    assert.equal(host(example, "el9-2").connection.port, 2222);
    assert.deepEqual(example.groups.registry, ["el9-2"]);
  });
});

describe("loadInventory: errors name the file, the dot-path and the line", () => {
  it("reports every bad type in one pass", async () => {
    const file = `${FIX}/broken/bad-types.yaml`;
    assert.deepEqual(await failures(file), [
      [
        "ansible_port must be an integer from 1 to 65535, got string",
        { file, path: "all.children.el9.hosts.el9-1.ansible_port", line: 6 },
        undefined,
      ],
      [
        "port must be an integer from 1 to 65535, got 70000",
        { file, path: "all.children.el9.hosts.el9-2.port", line: 8 },
        undefined,
      ],
      [
        "host 'el9-3' must be a mapping of variables (or empty), got string",
        { file, path: "all.children.el9.hosts.el9-3", line: 9 },
        undefined,
      ],
      [
        "become must be a boolean (true/false, or Ansible's yes/no), got string",
        { file, path: "all.children.el9.hosts.el9-4.become", line: 11 },
        undefined,
      ],
      [
        "hostz is not allowed here (expected hosts, children, vars)",
        { file, path: "all.children.el9.hostz", line: 12 },
        "did you mean 'hosts'?",
      ],
      [
        "hosts must be a mapping of host names (a list is not valid YAML inventory: write `el9-1:` per host), got array",
        { file, path: "all.children.el8.hosts", line: 15 },
        undefined,
      ],
    ]);
  });

  it("reports malformed YAML at yaml's own line", async () => {
    const file = `${FIX}/broken/malformed-hosts`;
    assert.deepEqual(await failures(file), [
      ["malformed YAML: All mapping items must start at the same column", { file, line: 5 }, undefined],
    ]);
  });

  it("rejects duplicate keys at the repeated key's line, naming the first", async () => {
    const file = `${FIX}/broken/duplicate.yaml`;
    assert.deepEqual(await failures(file), [
      ["malformed YAML: Map keys must be unique ('el9-1' is also on line 3)", { file, line: 4 }, undefined],
    ]);
  });

  it("rejects a name that is both a host and a group", async () => {
    const file = `${FIX}/broken/clash.yaml`;
    assert.deepEqual(await failures(file), [
      ["'db' is both a host and a group", { file, path: "all.hosts.db", line: 3 }, "rename one of them"],
    ]);
  });

  it("rejects group cycles, once per group", async () => {
    const file = `${FIX}/broken/cycle.yaml`;
    assert.deepEqual(
      (await failures(file)).map(([m, loc]) => [m, loc]),
      [
        ["group 'a' is its own ancestor", { file, path: "all.children.a", line: 3 }],
        ["group 'b' is its own ancestor", { file, path: "all.children.a.children.b", line: 5 }],
      ],
    );
  });

  it("rejects a document that is not a mapping", async () => {
    const file = `${FIX}/broken/list.yaml`;
    assert.deepEqual(await failures(file), [
      [
        "inventory must be a mapping of group names (usually just `all:`), got array",
        { file, line: 1 },
        undefined,
      ],
    ]);
  });

  it("names the group_vars or host_vars file an error came from", async () => {
    const dir = `${FIX}/broken-vars`;
    assert.deepEqual(await failures(`${dir}/hosts.yaml`), [
      [
        "ansible_port must be an integer from 1 to 65535, got string",
        { file: `${dir}/group_vars/el9.yml`, path: "ansible_port", line: 2 },
        undefined,
      ],
      [
        "malformed YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
        { file: `${dir}/host_vars/el9-1`, line: 2 },
        undefined,
      ],
    ]);
  });

  it("reports a missing inventory file", async () => {
    const file = `${FIX}/nope.yaml`;
    assert.deepEqual(await failures(file), [
      ["inventory file not found", { file }, "pass --inventory with a YAML inventory file"],
    ]);
  });
});
