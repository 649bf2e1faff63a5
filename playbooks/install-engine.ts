/**
 * install-engine: a correct, running, enabled Docker engine from the docker-ce yum repo, configured
 * with the team's registry mirrors and insecure registries. The course's steps 3.2 and 4.2, made
 * idempotent: preflight, trusted key, repo, packages, daemon.json, service, users, the CAs of
 * private registries (certs.d), final check. Its
 * checks (the engine answers, the configuration is live, the course's chapters 7 and 8) are what
 * `ops verify` runs by default.
 */
import { definePlaybook } from "../src/playbook.js";
import { daemonJson } from "../src/resources/daemon-json.js";
import { DOCKER_RESTART, dockerHandlers } from "../src/resources/docker-handlers.js";
import { DAEMON_JSON } from "../src/resources/docker-rollback.js";
import { engineCheck } from "../src/resources/engine-check.js";
import { groupMembers } from "../src/resources/group-members.js";
import { packages } from "../src/resources/packages.js";
import { preflight } from "../src/resources/preflight.js";
import { repository } from "../src/resources/repository.js";
import { service } from "../src/resources/service.js";
import { signingKey } from "../src/resources/signing-key.js";
import { trustRegistry } from "../src/registry/trust.js";
import { dockerDistroOf } from "./docker-distro.js";
import { DOCKER_KEY_NAME, chooseRepo, rpmSources } from "./docker-repo.js";
import { engineChecksFor } from "./engine-checks/index.js";
import { daemonSettings } from "./install-engine.daemon.js";
import { installEngineRules, unsafeInUse } from "./install-engine.rules.js";
import { CONFLICTING_PACKAGES, installEngineVariables } from "./install-engine.vars.js";

export { daemonSettings };

export default definePlaybook({
  name: "install-engine",
  description:
    "install, configure and start the Docker engine on CentOS, RHEL, Rocky, Alma, Oracle Linux and Fedora hosts (dnf/yum, daemon.json)",
  variables: installEngineVariables,
  rules: installEngineRules,
  resources(vars, host, run) {
    const target = dockerDistroOf(host.facts.os);
    const repo = chooseRepo(vars, target.ok ? target.distro : "centos");
    const unsafe = unsafeInUse(vars);
    const key = signingKey({
      on: host,
      name: DOCKER_KEY_NAME,
      url: repo.gpgKeyUrl,
      fingerprint: vars.docker_repo_gpg_fingerprint,
      mismatchHint: "check docker_repo_gpgkey and docker_repo_gpg_fingerprint, or the mirror serving the key",
    });
    return [
      preflight({
        supported: dockerDistroOf,
        minKernel: "3.10",
        arches: ["x86_64", "aarch64"],
      }),
      key,
      repository({
        on: host,
        name: "docker-ce",
        sources: rpmSources(repo.baseUrl, target.ok ? target.releasever : host.facts.os.major),
        keyPath: key.path,
      }),
      packages({
        on: host,
        names: vars.docker_packages,
        ...(vars.docker_version ? { version: vars.docker_version } : {}),
        // The engine and its CLI move together; the rest follows dnf's dependencies.
        pinned: ["docker-ce", "docker-ce-cli"],
        conflicts: vars.docker_remove_conflicts ? CONFLICTING_PACKAGES : [],
        confirmRemoval: run.yes,
        conflictsHint:
          "run again with --yes to remove them, or set docker_remove_conflicts: false to leave them",
        notify: [DOCKER_RESTART],
      }),
      daemonJson({
        set: daemonSettings(vars),
        ...(unsafe.length > 0
          ? { warning: `UNSAFE, allowed by docker_allow_unsafe: ${unsafe.join("; ")}` }
          : {}),
      }),
      // Starting the engine proves the pending daemon.json, and rolls it back when docker info never answers.
      service({
        name: "docker",
        enabled: true,
        started: true,
        verify: "docker info",
        daemonJson: DAEMON_JSON,
      }),
      groupMembers({ group: "docker", users: vars.docker_users }),
      // Registries signed by a private CA: dockerd reads certs.d on each connection, so no restart.
      ...Object.entries(vars.registry_ca_certs).flatMap(([endpoint, caPem]) =>
        trustRegistry({ endpoint, caPem, tls: true }),
      ),
      engineCheck({ timeoutSeconds: 30, startedBy: "docker" }),
    ];
  },
  handlers: () => dockerHandlers(),
  checks: (vars, _host, run) => engineChecksFor(vars, run.runId),
});
