/**
 * The answers file of `ops init --answers answers.yaml`: every question of the wizard, by the id
 * the steps ask it with (its dot-path here). A question left out takes the wizard's default.
 */

import { REGISTRY_ENDPOINT } from "../registry/trust.js";

const url = { type: "string", pattern: "^https?://\\S+$", "x-expected": "an http(s) URL" };
const secret = (what: string) => ({ type: "string", minLength: 1, description: `${what} (a secret)` });
const envName = (what: string) => ({
  type: "string",
  pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
  "x-expected": "an environment variable name",
  description: `environment variable holding ${what}`,
});

/** Where docker-ce comes from: mirror candidates to time, the choice, and the key of a repo of your own. */
const DOCKER_REPO_ANSWERS = {
  type: "object",
  additionalProperties: false,
  properties: {
    candidates: {
      type: "array",
      items: url,
      description:
        "more docker-ce repo URLs to time: a mirror root (like https://mirrors.example.com/docker-ce) or one distribution's base",
    },
    choice: {
      type: "string",
      description: "fastest (default), official, aliyun, tuna, ustc, or one of the candidates",
    },
    key_fingerprint: {
      type: "string",
      pattern: "^[0-9A-Fa-f ]{40,50}$",
      "x-expected": "40 hex digits",
      description: "the fingerprint the chosen repo's signing key must have (checked, then trusted)",
    },
  },
};

/** JSON Schema of the answers file. */
export const answersSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    inventory: {
      type: "string",
      minLength: 1,
      description: "inventory file to write, or to extend when it exists (default hosts.yaml)",
    },
    hosts: {
      type: "object",
      additionalProperties: false,
      properties: {
        addresses: {
          type: "array",
          minItems: 1,
          items: { type: "string", minLength: 1 },
          description: "addresses as typed: one per entry, host:port, ranges such as 10.0.0.[10:19]",
        },
      },
    },
    ssh: {
      type: "object",
      additionalProperties: false,
      properties: {
        user: { type: "string", pattern: "^[A-Za-z0-9_][A-Za-z0-9_.-]*$", "x-expected": "a user name" },
        auth: { type: "string", enum: ["agent", "key", "password"] },
        key_file: { type: "string", minLength: 1, description: "private key to log in with or to install" },
        password: secret("the SSH password"),
        password_env: envName("the SSH password"),
        become: { type: "boolean", description: "run as root through sudo" },
        sudo_password: secret("the sudo password, when sudo asks for one"),
        sudo_password_env: envName("the sudo password"),
      },
    },
    host_keys: {
      description:
        "host keys to trust: accept-new (every key not yet known), or a list of SHA256 fingerprints",
      anyOf: [
        { type: "string", enum: ["accept-new"] },
        { type: "array", items: { type: "string", pattern: "^SHA256:[A-Za-z0-9+/]{43}$" } },
      ],
    },
    failed_hosts: {
      type: "string",
      enum: ["drop", "stop"],
      description: "hosts the probe could not use: leave them out (drop) or stop (default)",
    },
    install_key: { type: "boolean", description: "install the public key when a password was used" },
    docker_repo: DOCKER_REPO_ANSWERS,
    // The name before apt hosts were supported: the same answers, accepted with a warning.
    yum_repo: { ...DOCKER_REPO_ANSWERS, description: "old name of docker_repo (accepted with a warning)" },
    registry_mirrors: {
      type: "object",
      additionalProperties: false,
      properties: {
        candidates: { type: "array", items: url, description: "registry mirror URLs to time" },
        choice: {
          anyOf: [
            { type: "string", enum: ["fastest", "none", "all"] },
            { type: "array", items: url },
          ],
          description: "fastest (default: every candidate every host reaches), none, or a list",
        },
      },
    },
    registry: {
      type: "object",
      additionalProperties: false,
      properties: {
        kind: { type: "string", enum: ["none", "existing", "deploy"] },
        address: {
          type: "string",
          pattern: REGISTRY_ENDPOINT,
          "x-expected": "host:port",
        },
        trust: { type: "string", enum: ["insecure", "ca"] },
        ca: {
          type: "string",
          minLength: 1,
          description: "with trust: ca, the path of the registry's CA certificate (PEM) on this machine",
        },
        host: { type: "string", minLength: 1, description: "the host to deploy the registry on" },
        hostname: {
          type: "string",
          description: "deploy: the registry's name (registry_hostname); empty: the host's address",
        },
        admin: {
          type: "object",
          additionalProperties: false,
          properties: {
            name: { type: "string", minLength: 1, description: "deploy: the admin account (default admin)" },
            password: secret("deploy: the admin's password, at least 8 characters"),
            password_env: envName("the admin's password"),
          },
        },
        project: {
          type: "object",
          additionalProperties: false,
          properties: {
            name: { type: "string", minLength: 1, description: "deploy: the first project (default team)" },
            pusher: {
              type: "string",
              description: "deploy: the account that may push to it (empty: only the admin)",
            },
            password: secret("deploy: the pusher's password, at least 8 characters"),
            password_env: envName("the pusher's password"),
          },
        },
        vault: { type: "boolean", description: "deploy: keep the passwords vault-encrypted (default true)" },
        vault_password_file: {
          type: "string",
          minLength: 1,
          description: "deploy: the vault password file, made 0600 with a random password when missing",
        },
        vault_password_file_in_inventory: {
          type: "boolean",
          description: "deploy: accept a vault password file inside the inventory folder",
        },
      },
    },
    compliance: {
      type: "object",
      additionalProperties: false,
      properties: {
        cis_profile: {
          type: "string",
          enum: ["none", "level1"],
          description:
            "install-engine's docker_cis_profile: none (default) or level1 (the CIS level-1 daemon preset)",
        },
        schedule: {
          type: "string",
          minLength: 1,
          description: "none, daily, weekly, or a systemd OnCalendar",
        },
      },
    },
    run: {
      type: "object",
      additionalProperties: false,
      properties: {
        "install-engine": { type: "boolean", description: "run install-engine at the end" },
        verify: { type: "boolean", description: "run ops verify at the end" },
        yes: { type: "boolean", description: "allow install-engine to remove conflicting packages" },
      },
    },
  },
} as const;

/** Every question id the schema knows (dot-paths of its leaves). */
export function answerIds(node: unknown = answersSchema, prefix = ""): string[] {
  const props = (node as { properties?: Record<string, unknown> }).properties;
  if (!props) return prefix === "" ? [] : [prefix];
  return Object.entries(props).flatMap(([key, child]) => answerIds(child, prefix ? `${prefix}.${key}` : key));
}
