/**
 * The variables of install-engine, declared once: this TypeBox schema is what ajv validates, what
 * `ops playbooks` prints, and (through `Static`) the TypeScript type the playbook reads.
 */
import Type from "typebox";
import { bundleVariable } from "../src/bundle/variable.js";
import { PEM_CERTIFICATE_BLOCK } from "../src/registry/pem.js";
import { REGISTRY_ENDPOINT } from "../src/registry/trust.js";
import { DOCKER_GPG_FINGERPRINT } from "./docker-repo.js";
import { APT_CONFLICTING_PACKAGES } from "./docker-apt.js";

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

/** Unsafe engine settings that are refused unless named in `docker_allow_unsafe`. */
export const UNSAFE_SETTINGS = ["tcp-without-tls", "insecure-registry-any"] as const;

const URL_OR_EMPTY = "^($|(https?|file)://\\S+$)";

/** One or more PEM certificates (a CA bundle), nothing else around them. */
const PEM_CERTIFICATE = `^\\s*(${PEM_CERTIFICATE_BLOCK}\\s*)+$`;

export const installEngineVariables = Type.Object(
  {
    docker_mirror: Type.String({
      description:
        "where Docker's packages come from, for every distribution alike: official, aliyun, tuna, ustc, or the root URL of a mirror of download.docker.com (holding linux/centos, linux/rhel, linux/fedora, linux/debian, linux/ubuntu; each host takes its own)",
      pattern: "^(official|aliyun|tuna|ustc|(https?|file)://\\S+)$",
      "x-expected": "official, aliyun, tuna, ustc, or an http(s):// or file:// base URL",
      default: "official",
    }),
    docker_repo_url: Type.String({
      description:
        "one distribution's tree, overriding docker_mirror (e.g. <root>/linux/centos holding <releasever>/<basearch>/stable, or <root>/linux/debian holding dists/<codename>/stable), with its key file gpg; empty: from docker_mirror",
      pattern: URL_OR_EMPTY,
      "x-expected": "empty or an http(s):// or file:// URL",
      default: "",
    }),
    docker_repo_gpgkey: Type.String({
      description: "URL of the repo's armored signing key; empty: <docker_repo_url>/gpg",
      pattern: URL_OR_EMPTY,
      "x-expected": "empty or an http(s):// or file:// URL",
      default: "",
    }),
    docker_repo_gpg_fingerprint: Type.String({
      description: "fingerprint the signing key must have before it is imported (spaces allowed)",
      pattern: "^[0-9A-Fa-f ]{40,50}$",
      "x-expected": "a key fingerprint of 40 hex digits (spaces allowed)",
      default: DOCKER_GPG_FINGERPRINT,
    }),
    docker_version: Type.String({
      description:
        "pin docker-ce and docker-ce-cli to this version (24.0.7 on every family, or a whole package version: 3:24.0.7-1.el9, 5:24.0.7-1~debian.12~bookworm); empty: the newest",
      pattern: "^($|[0-9][0-9A-Za-z.:~_+-]*$)",
      "x-expected":
        "empty or a package version such as 24.0.7, 3:24.0.7-1.el9 or 5:24.0.7-1~debian.12~bookworm",
      default: "",
    }),
    docker_packages: Type.Array(
      Type.String({
        pattern: "^[A-Za-z0-9][A-Za-z0-9._+-]*$",
        "x-expected": "a package name (letters, digits and . _ + -)",
      }),
      {
        description: "packages to install",
        minItems: 1,
        default: [
          "docker-ce",
          "docker-ce-cli",
          "containerd.io",
          "docker-buildx-plugin",
          "docker-compose-plugin",
        ],
      },
    ),
    docker_remove_conflicts: Type.Boolean({
      description: `remove conflicting packages first, only with --yes (rpm: ${CONFLICTING_PACKAGES.join(", ")}; deb: ${APT_CONFLICTING_PACKAGES.join(", ")})`,
      default: true,
    }),
    registry_mirrors: Type.Array(
      Type.String({
        pattern: "^https?://\\S+$",
        "x-expected": "an http(s) URL such as https://mirror.example.com",
      }),
      {
        description: "daemon.json registry-mirrors (the 'accelerator'), e.g. https://mirror.example.com",
        default: [],
      },
    ),
    insecure_registries: Type.Array(
      Type.String({
        pattern: "^[^\\s/]+(/[0-9]{1,3})?$",
        "x-expected": "host:port or a CIDR such as 10.0.0.0/8",
      }),
      {
        description:
          "daemon.json insecure-registries: host:port or CIDR of registries reached without TLS checks",
        default: [],
      },
    ),
    registry_ca_certs: Type.Record(
      Type.String({ pattern: REGISTRY_ENDPOINT }),
      Type.String({
        pattern: PEM_CERTIFICATE,
        "x-expected": "a PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)",
      }),
      {
        description:
          "CA certificates (PEM) by registry host:port, put in /etc/docker/certs.d/<host:port>/ca.crt so engines trust those registries over TLS: no restart, no insecure-registries",
        default: {},
        // Keys become folder names under certs.d: only host[:port], never `..` or a slash.
        additionalProperties: false,
        "x-expected-key": "a registry address, host or host:port (a folder name under certs.d)",
      },
    ),
    docker_cis_profile: Type.Enum(["none", "level1"], {
      description:
        "daemon.json preset for the CIS Docker Benchmark: level1 sets icc false, log-level info, no-new-privileges, live-restore, userland-proxy false, json-file logs with max-size and max-file, default nofile ulimits (docker_daemon_options overrides any key)",
      "x-expected": "none or level1",
      default: "none",
    }),
    docker_daemon_options: Type.Record(Type.String(), Type.Unknown(), {
      description: "any other daemon.json keys, merged into the file (keys set by hand survive)",
      default: {},
    }),
    docker_users: Type.Array(
      Type.String({
        pattern: "^[a-z_][a-z0-9_.-]*[$]?$",
        "x-expected": "a user name (lowercase letters, digits and _ . -)",
      }),
      { description: "users added to the docker group", default: [] },
    ),
    docker_allow_unsafe: Type.Array(Type.Enum([...UNSAFE_SETTINGS]), {
      description:
        "unsafe engine settings allowed on purpose: tcp-without-tls (a TCP API socket without tlsverify), insecure-registry-any (an insecure-registries CIDR wider than /8)",
      default: [],
    }),
    verify_image: Type.String({
      description:
        "image `ops verify` pulls and runs its test containers from (needs sh, httpd, ip, cat: busybox has them)",
      pattern: "^[a-z0-9][a-z0-9._/:@-]*$",
      "x-expected": "an image reference such as busybox or registry.lan:5000/tools/busybox:1.36",
      default: "busybox",
    }),
    ...bundleVariable,
  },
  { "x-ops-prefixes": ["docker_", "registry_", "insecure_", "verify_"] },
);

export type InstallEngineVars = Type.Static<typeof installEngineVariables>;
