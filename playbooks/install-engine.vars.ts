/**
 * The variables of install-engine: names, types, defaults and what each does. `ops playbooks`
 * prints this; ajv checks it; the README's table is written from it.
 */
import type { VariablesSchema } from "../src/playbook.js";
import { DOCKER_GPG_FINGERPRINT } from "../src/resources/gpg-key.js";

export interface InstallEngineVars {
  docker_mirror: string;
  docker_repo_url: string;
  docker_repo_gpgkey: string;
  docker_repo_gpg_fingerprint: string;
  docker_version: string;
  docker_packages: string[];
  docker_remove_conflicts: boolean;
  registry_mirrors: string[];
  insecure_registries: string[];
  docker_daemon_options: Record<string, unknown>;
  docker_users: string[];
}

/** Packages that stand in the engine's way on EL hosts (Docker's own install guide removes them). */
export const CONFLICTING_PACKAGES = [
  "docker",
  "docker-client",
  "docker-client-latest",
  "docker-common",
  "docker-latest",
  "docker-latest-logrotate",
  "docker-logrotate",
  "docker-engine",
  "podman",
  "buildah",
  "runc",
];

const strings = (pattern: string, expected: string) => ({ type: "string", pattern, "x-expected": expected });

export const installEngineVariables: VariablesSchema = {
  type: "object",
  "x-ops-prefixes": ["docker_", "registry_", "insecure_"],
  properties: {
    docker_mirror: {
      type: "string",
      description:
        "where the docker-ce repo comes from: official, aliyun, tuna, ustc, or any base URL of Docker's layout",
      pattern: "^(official|aliyun|tuna|ustc|(https?|file)://\\S+)$",
      "x-expected": "official, aliyun, tuna, ustc, or an http(s):// or file:// base URL",
      default: "official",
    },
    docker_repo_url: {
      type: "string",
      description:
        "base URL holding <releasever>/<basearch>/stable/ and the key file gpg; empty: from docker_mirror",
      pattern: "^($|(https?|file)://\\S+$)",
      "x-expected": "empty or an http(s):// or file:// URL",
      default: "",
    },
    docker_repo_gpgkey: {
      type: "string",
      description: "URL of the repo's armored signing key; empty: <docker_repo_url>/gpg",
      pattern: "^($|(https?|file)://\\S+$)",
      "x-expected": "empty or an http(s):// or file:// URL",
      default: "",
    },
    docker_repo_gpg_fingerprint: {
      type: "string",
      description: "fingerprint the signing key must have before it is imported (spaces allowed)",
      pattern: "^[0-9A-Fa-f ]{40,50}$",
      "x-expected": "a key fingerprint of 40 hex digits (spaces allowed)",
      default: DOCKER_GPG_FINGERPRINT,
    },
    docker_version: {
      type: "string",
      description:
        "pin docker-ce and docker-ce-cli to this version (e.g. 24.0.7 or 3:24.0.7-1.el9); empty: the newest",
      pattern: "^($|[0-9][0-9A-Za-z.:~_+-]*$)",
      "x-expected": "empty or a package version such as 24.0.7 or 3:24.0.7-1.el9",
      default: "",
    },
    docker_packages: {
      type: "array",
      description: "packages to install",
      items: strings("^[A-Za-z0-9][A-Za-z0-9._+-]*$", "a package name (letters, digits and . _ + -)"),
      default: [
        "docker-ce",
        "docker-ce-cli",
        "containerd.io",
        "docker-buildx-plugin",
        "docker-compose-plugin",
      ],
    },
    docker_remove_conflicts: {
      type: "boolean",
      description: `remove conflicting packages first (${CONFLICTING_PACKAGES.join(", ")})`,
      default: true,
    },
    registry_mirrors: {
      type: "array",
      description: "daemon.json registry-mirrors (the 'accelerator'), e.g. https://mirror.example.com",
      items: strings("^https?://\\S+$", "an http(s) URL such as https://mirror.example.com"),
      default: [],
    },
    insecure_registries: {
      type: "array",
      description:
        "daemon.json insecure-registries: host:port or CIDR of registries reached without TLS checks",
      items: strings("^[^\\s/]+(/[0-9]{1,2})?$", "host:port or a CIDR such as 10.0.0.0/8"),
      default: [],
    },
    docker_daemon_options: {
      type: "object",
      description: "any other daemon.json keys, merged into the file (keys set by hand survive)",
      default: {},
    },
    docker_users: {
      type: "array",
      description: "users added to the docker group",
      items: strings("^[a-z_][a-z0-9_.-]*[$]?$", "a user name (lowercase letters, digits and _ . -)"),
      default: [],
    },
  },
};
