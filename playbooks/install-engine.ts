/**
 * install-engine: a correct, running, enabled Docker engine from Docker's repo for the host's distribution, configured
 * with the team's registry mirrors and insecure registries. The course's steps 3.2 and 4.2, made
 * idempotent: preflight, trusted key, repo, packages, daemon.json, service, users, the CAs of
 * private registries (certs.d), final check. Its
 * checks (the engine answers, the configuration is live, the course's chapters 7 and 8) are what
 * `ops verify` runs by default.
 */
import { bundleCopy, bundleDir } from "../src/bundle/host-copy.js";
import { bundleImages } from "../src/bundle/image-load.js";
import { bundleOutput, bundleStep } from "../src/bundle/run-step.js";
import type { RepositorySpec } from "../src/packages/family.js";
import { definePlaybook } from "../src/playbook.js";
import {
  DOCKER_RESTART,
  daemonJson,
  dockerHandlers,
  dockerService,
  engineCheck,
  preflight,
} from "../src/engine/index.js";
import type { FactSet } from "../src/facts/fact.js";
import { nrOpen } from "../src/facts/nr-open.js";
import { groupMembers } from "../src/resources/group-members.js";
import { packages } from "../src/resources/packages.js";
import { repository } from "../src/resources/repository.js";
import { signingKey } from "../src/resources/signing-key.js";
import { trustRegistries } from "../src/registry/trust.js";
import { APT_CONFLICTING_PACKAGES, aptSources } from "./docker-apt.js";
import { dockerDistroOf } from "./docker-distro.js";
import { DOCKER_KEY_NAME, chooseRepo, rpmSources, type RepoChoice } from "./docker-repo.js";
import { DEFAULT_IMAGE } from "./engine-checks/context.js";
import { engineChecksFor } from "./engine-checks/index.js";
import { daemonSettings } from "./install-engine.daemon.js";
import { installEngineRules, unsafeInUse } from "./install-engine.rules.js";
import { CONFLICTING_PACKAGES, installEngineVariables } from "./install-engine.vars.js";

export { daemonSettings };

export default definePlaybook({
  name: "install-engine",
  description:
    "install, configure and start the Docker engine on CentOS, RHEL, Rocky, Alma, Oracle Linux, Fedora (dnf/yum), Debian and Ubuntu (apt) hosts, daemon.json",
  variables: installEngineVariables,
  rules: installEngineRules,
  runSteps: [bundleStep()],
  resources(vars, host, run) {
    const os = host.facts.os;
    const apt = host.facts.packages?.family === "deb";
    // With --bundle, the repo is the bundle's tree unpacked on the host (file://, gpgcheck on) and
    // the key is the bundle's, checked here against the pinned fingerprint: the host reaches nothing.
    const bundle = bundleOutput(run.outputs);
    // The host's tree in the bundle: its family's (and for apt, its distribution's); a bundle without
    // one fails in bundleCopy's plan, before anything is sent.
    const tree = bundle?.manifest.repos.find(
      (r) => r.family === (apt ? "deb" : "rpm") && (r.family === "rpm" || r.os === os.id),
    );
    const repo: RepoChoice = bundle
      ? {
          baseUrl: `file://${bundleDir(bundle.sha256)}/${tree?.base ?? "rpm/centos"}`,
          gpgKeyUrl: `file://${bundleDir(bundle.sha256)}/${bundle.manifest.key?.path ?? "rpm/centos/gpg"}`,
        }
      : chooseRepo(vars, os);
    const unsafe = unsafeInUse(vars);
    const key = signingKey({
      on: host,
      name: DOCKER_KEY_NAME,
      url: repo.gpgKeyUrl,
      fingerprint: vars.docker_repo_gpg_fingerprint,
      mismatchHint: "check docker_repo_gpgkey and docker_repo_gpg_fingerprint, or the mirror serving the key",
      ...(bundle?.key ? { content: bundle.key } : {}),
    });
    const docker: RepositorySpec = {
      name: "docker-ce",
      sources: apt ? aptSources(repo.baseUrl) : rpmSources(repo.baseUrl, os.major),
      keyPath: key.path,
    };
    const packs = packages({
      on: host,
      names: vars.docker_packages,
      ...(vars.docker_version ? { version: vars.docker_version } : {}),
      // The engine and its CLI move together; the rest follows dnf's or apt's dependencies.
      pinned: ["docker-ce", "docker-ce-cli"],
      conflicts: vars.docker_remove_conflicts ? (apt ? APT_CONFLICTING_PACKAGES : CONFLICTING_PACKAGES) : [],
      confirmRemoval: run.yes,
      conflictsHint:
        "run again with --yes to remove them, or set docker_remove_conflicts: false to leave them",
      notify: [DOCKER_RESTART],
      // The bundle's repo is the only one an air-gapped host can read: its other repos are never asked.
      ...(bundle ? { onlyFrom: docker } : {}),
    });
    const daemon = daemonJson({
      // The level-1 preset's nofile stays within the host's hard limit, read in the same batch.
      ...(vars.docker_cis_profile === "level1"
        ? { set: (facts: FactSet) => daemonSettings(vars, { nrOpen: facts.get(nrOpen) }), facts: [nrOpen] }
        : { set: daemonSettings(vars) }),
      ...(unsafe.length > 0
        ? { warning: `UNSAFE, allowed by docker_allow_unsafe: ${unsafe.join("; ")}` }
        : {}),
    });
    return [
      ...(bundle ? [bundleCopy({ bundle, needsRepo: true })] : []),
      // The distribution is judged by the same routing that chose the repository above, and an
      // admitted host's plan names that repository.
      preflight({
        supported: (seen) => {
          const target = dockerDistroOf(seen);
          return target.ok ? { ok: true, serves: `Docker's repository ${repo.baseUrl}` } : target;
        },
        minKernel: "3.10",
        arches: ["x86_64", "aarch64"],
      }),
      key,
      repository({ on: host, ...docker }),
      // Debian's docker-ce starts the engine from its postinst: on apt hosts daemon.json is written
      // first, so that first start already has it (as the service resource's start does on rpm hosts).
      ...(apt ? [daemon, packs] : [packs, daemon]),
      // Starting the engine proves the pending daemon.json, and rolls it back when docker info never answers.
      dockerService(),
      groupMembers({ group: "docker", users: vars.docker_users, listedIn: "docker_users" }),
      // Registries signed by a private CA: dockerd reads certs.d on each connection, so no restart.
      ...trustRegistries(
        Object.entries(vars.registry_ca_certs).map(([endpoint, caPem]) => ({ endpoint, caPem, tls: true })),
      ),
      engineCheck({ timeoutSeconds: 30, startedBy: "docker" }),
      // `ops verify` runs its test containers from verify_image: on a host without a registry, the bundle's.
      ...(bundle ? [bundleImages({ bundle, refs: [vars.verify_image || DEFAULT_IMAGE] })] : []),
    ];
  },
  handlers: () => dockerHandlers(),
  checks: (vars, _host, run) => engineChecksFor(vars, run.runId, bundleOutput(run.outputs)?.manifest),
});
