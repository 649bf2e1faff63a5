import assert from "node:assert/strict";
import { installEngineVariables } from "../../../playbooks/install-engine.vars.js";
import type { SchemaNode } from "../../../src/schema/describe.js";
import { validateVars, type VarsSchema } from "../../../src/vars/validate.js";

const schema = installEngineVariables as unknown as VarsSchema;

/** Every schema node with its dot-path, items included. */
function nodes(node: SchemaNode, path: string): [string, SchemaNode][] {
  const inner = Object.entries(node.properties ?? {}).flatMap(([k, v]) =>
    nodes(v, path ? `${path}.${k}` : k),
  );
  return [[path, node], ...inner, ...(node.items ? nodes(node.items, `${path}[]`) : [])];
}

const messages = (vars: Record<string, unknown>) =>
  validateVars(schema, vars, {}).errors.map((e) => e.message);

describe("install-engine variables: every pattern failure says what form is expected", () => {
  it("each node with a pattern has an x-expected wording", () => {
    const withPattern = nodes(schema, "").filter(([, n]) => typeof n.pattern === "string");
    assert.ok(withPattern.length >= 9);
    for (const [path, node] of withPattern) assert.equal(typeof node["x-expected"], "string", path);
  });

  const CASES: [Record<string, unknown>, string][] = [
    [
      { registry_mirrors: ["ftp://x"] },
      'registry_mirrors[0] must be an http(s) URL such as https://mirror.example.com, got "ftp://x"',
    ],
    [
      { docker_mirror: "gopher://m" },
      'docker_mirror must be official, aliyun, tuna, ustc, or an http(s):// or file:// base URL, got "gopher://m"',
    ],
    [
      { docker_repo_url: "m.example" },
      'docker_repo_url must be empty or an http(s):// or file:// URL, got "m.example"',
    ],
    [
      { docker_repo_gpgkey: "gpg" },
      'docker_repo_gpgkey must be empty or an http(s):// or file:// URL, got "gpg"',
    ],
    [
      { docker_repo_gpg_fingerprint: "ABCD" },
      'docker_repo_gpg_fingerprint must be a key fingerprint of 40 hex digits (spaces allowed), got "ABCD"',
    ],
    [
      { docker_version: "latest" },
      'docker_version must be empty or a package version such as 24.0.7, 3:24.0.7-1.el9 or 5:24.0.7-1~debian.12~bookworm, got "latest"',
    ],
    [
      { docker_packages: ["docker-ce", "--nogpgcheck"] },
      'docker_packages[1] must be a package name (letters, digits and . _ + -), got "--nogpgcheck"',
    ],
    [
      { insecure_registries: ["a b"] },
      'insecure_registries[0] must be host:port or a CIDR such as 10.0.0.0/8, got "a b"',
    ],
    [
      { docker_users: ["Root"] },
      'docker_users[0] must be a user name (lowercase letters, digits and _ . -), got "Root"',
    ],
  ];
  for (const [vars, message] of CASES) {
    it(message.split(" must ")[0] ?? message, () => assert.deepEqual(messages(vars), [message]));
  }
});
