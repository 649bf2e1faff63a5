/**
 * deploy-registry: a Harbor-equivalent private registry from compose files on the hosts of
 * `registry_group`, and every other host of the run trusting it. The course's chapter 6 (a
 * registry, then Harbor) without hand steps, idempotent: a second run is one round trip per host.
 *
 * Order on the registry host: preflight (Docker, compose, free ports: a failure here changes
 * nothing), folders, rendered files, accounts, the GC timer, then `docker compose up`; handlers
 * reload nginx when only accounts, rules or certificates changed.
 */
import { bundleCopy } from "../src/bundle/host-copy.js";
import { bundleImages } from "../src/bundle/image-load.js";
import { bundleOutput, bundleStep } from "../src/bundle/run-step.js";
import { directory } from "../src/resources/directory.js";
import { dockerHandlers } from "../src/engine/index.js";
import type { Handler, Resource } from "../src/resources/resource.js";
import { service } from "../src/resources/service.js";
import { definePlaybook, type PlaybookHost, type RunContext } from "../src/playbook.js";
import { htpasswdFile, stackFileResource } from "../src/registry/host-files.js";
import { registryModel } from "../src/registry/model.js";
import { stackHealthCheck, trustCheck } from "../src/registry/checks.js";
import { REGISTRY_RULES } from "../src/registry/rules.js";
import {
  GC_TIMER,
  GC_TIMER_RESTART,
  SYSTEMD_DIR,
  gcTimerFiles,
  renderStack,
  type StackSpec,
} from "../src/registry/stack.js";
import {
  registryAbsent,
  registryHandlers,
  registryPreflight,
  registryStack,
} from "../src/registry/stack-resource.js";
import { unitsAbsent } from "../src/resources/units-absent.js";
import { registryName, registryTlsStep, tlsOutput, type RegistryEndpoint } from "../src/registry/tls-step.js";
import { trustRegistries, untrustRegistries } from "../src/registry/trust.js";
import { proxyClientsOutput, proxyClientsStep } from "../src/registry/proxy-clients.js";
import { hostLocalClients } from "../src/registry/host-local.js";
import { policyConfig, policyNeeded } from "../src/registry/policy-config.js";
import { policyServerSource } from "../src/registry/policy-bundle.js";
import {
  ROUND_TRIP_STEP,
  roundTripCleanupStep,
  roundTripPushStep,
  type RoundTripOutput,
} from "../src/registry/round-trip.js";
import { roundTripCheck } from "../src/registry/round-trip-check.js";
import { verifyRobotsExpired } from "../src/registry/verify-robots-expired.js";
import {
  AUDIT_TIMER,
  AUDIT_TIMER_RESTART,
  AUDIT_UNITS,
  auditRotationFiles,
} from "../src/registry/audit-rotation.js";
import {
  IMAGES,
  PROXY_CACHE,
  deployRegistryVariables,
  type DeployRegistryVars,
} from "./deploy-registry.vars.js";

const GC_UNITS = [`${SYSTEMD_DIR}/${GC_TIMER}`, `${SYSTEMD_DIR}/ops-registry-gc.service`];
const ALL_UNITS = [...GC_UNITS, ...AUDIT_UNITS];

/** The stack's settings from one registry host's variables (nested defaults filled in). */
export function stackSpec(
  vars: DeployRegistryVars,
  host: PlaybookHost,
  proxyAllow: readonly string[] = [],
): StackSpec {
  const pc = vars.registry_proxy_cache;
  return {
    dir: vars.registry_dir,
    dataDir: vars.registry_data_dir,
    tls: vars.registry_tls,
    port: vars.registry_port,
    serverName: registryName(vars, host),
    images: {
      registry: vars.registry_images.registry ?? IMAGES.registry,
      nginx: vars.registry_images.nginx ?? IMAGES.nginx,
      policy: vars.registry_images.policy ?? IMAGES.policy,
    },
    policy: policyNeeded(vars)
      ? {
          server: policyServerSource(),
          config: `${JSON.stringify(policyConfig(vars), null, 2)}\n`,
          secret: vars.registry_webhooks.length > 0,
          metrics: {
            port: vars.registry_metrics.port ?? 0,
            allow: vars.registry_metrics.allow ?? [],
          },
        }
      : null,
    proxyCache:
      pc.enabled === true
        ? {
            port: pc.port ?? PROXY_CACHE.port,
            remoteUrl: pc.remote_url ?? PROXY_CACHE.remote_url,
            username: pc.username ?? "",
            password: pc.password ?? "",
            public: pc.public ?? PROXY_CACHE.public,
            members: pc.members ?? [],
            allow: proxyAllow,
          }
        : null,
    gcSchedule: vars.registry_gc_schedule,
    portal: vars.registry_portal,
  };
}

/** What every host does to trust (or, when absent, stop trusting) each registry of the run. */
function trust(registries: readonly RegistryEndpoint[], absent: boolean): Resource[] {
  const all = registries.flatMap((r) =>
    [r.endpoint, ...(r.proxyEndpoint !== null ? [r.proxyEndpoint] : [])].map((endpoint) => ({
      endpoint,
      caPem: r.caPem,
      tls: r.tls,
    })),
  );
  return absent ? untrustRegistries(all) : trustRegistries(all);
}

/** The registry host's own resources, in the order they converge. */
function registryHost(
  vars: DeployRegistryVars,
  host: PlaybookHost,
  mine: RegistryEndpoint,
  run: RunContext,
): Resource[] {
  const spec = stackSpec(vars, host, proxyClientsOutput(run.outputs).allow);
  if (vars.registry_state === "absent") {
    return [registryAbsent({ dir: spec.dir, dataDir: spec.dataDir, removeData: run.yes, units: ALL_UNITS })];
  }
  const model = registryModel(vars);
  const stack = renderStack(spec, model, mine.server);
  const data = ["registry", "audit", ...(spec.proxyCache !== null ? ["proxy"] : [])];
  const timer = gcTimerFiles(spec);
  const rotation = auditRotationFiles(spec, {
    maxMb: vars.registry_audit_rotate_mb,
    keep: vars.registry_audit_keep,
  });
  return [
    registryPreflight({ ports: stack.ports }),
    ...stack.dirs.map((d) => directory(d)),
    // The data folders are made once and never changed by a run.
    directory({ path: spec.dataDir, mode: "0700", createOnly: true }),
    ...data.map((d) => directory({ path: `${spec.dataDir}/${d}`, mode: "0755", createOnly: true })),
    ...stack.files.map(stackFileResource),
    htpasswdFile(`${spec.dir}/nginx/htpasswd`, model.accounts),
    hostLocalClients(spec.dir),
    verifyRobotsExpired(spec.dir),
    ...(timer.length > 0
      ? [...timer.map(stackFileResource), service({ name: GC_TIMER, enabled: true, started: true })]
      : [unitsAbsent(GC_UNITS)]),
    ...rotation.map(stackFileResource),
    service({ name: AUDIT_TIMER, enabled: true, started: true }),
    // With --bundle the stack's images come from it: compose then finds them and pulls nothing.
    ...bundleImagesFor(run, [spec.images.registry, spec.images.nginx]),
    registryStack({ dir: spec.dir, services: stack.services }),
  ];
}

function bundleImagesFor(run: RunContext, refs: string[]): Resource[] {
  const bundle = bundleOutput(run.outputs);
  return bundle ? [bundleCopy({ bundle, needsRepo: false }), bundleImages({ bundle, refs })] : [];
}

export default definePlaybook({
  name: "deploy-registry",
  description:
    "a Harbor-equivalent private registry (Distribution + nginx, compose) on the registry group's host; every other host trusts it",
  variables: deployRegistryVariables,
  rules: REGISTRY_RULES,
  runSteps: [bundleStep(), registryTlsStep, proxyClientsStep, roundTripPushStep, roundTripCleanupStep],
  resources(vars, host, run) {
    const { registries } = tlsOutput(run.outputs);
    const mine = registries.find((r) => r.host === host.name);
    const absent = vars.registry_state === "absent";
    return [...(mine !== undefined ? registryHost(vars, host, mine, run) : []), ...trust(registries, absent)];
  },
  checks(vars, host, run) {
    const { registries } = tlsOutput(run.outputs);
    if (vars.registry_state === "absent") return [];
    const mine = registries.find((r) => r.host === host.name);
    const services =
      mine === undefined
        ? []
        : Object.keys(
            renderStack(
              stackSpec(vars, host, proxyClientsOutput(run.outputs).allow),
              registryModel(vars),
              mine.server,
            ).services,
          );
    // `ops verify` only: the push step's output (see round-trip.ts).
    const roundTrip = run.outputs[ROUND_TRIP_STEP] as RoundTripOutput | null | undefined;
    return [
      ...(mine !== undefined ? [stackHealthCheck(services, vars.registry_dir)] : []),
      ...registries
        .filter((r) => r.tls && r.caPem !== null)
        .flatMap((r) => [r.endpoint, ...(r.proxyEndpoint !== null ? [r.proxyEndpoint] : [])].map(trustCheck)),
      ...(roundTrip ? [roundTripCheck(roundTrip, registries[0]?.tls ?? true)] : []),
    ];
  },
  handlers(vars): Handler[] {
    return [
      ...registryHandlers(vars.registry_dir),
      {
        name: AUDIT_TIMER_RESTART,
        step: {
          description: `reload systemd and restart ${AUDIT_TIMER}`,
          script: `systemctl daemon-reload\nsystemctl restart ${AUDIT_TIMER}`,
        },
      },
      {
        name: GC_TIMER_RESTART,
        step: {
          description: `reload systemd and restart ${GC_TIMER}`,
          script: `systemctl daemon-reload\nsystemctl restart ${GC_TIMER}`,
        },
      },
      ...dockerHandlers(),
    ];
  },
});
