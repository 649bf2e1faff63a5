/**
 * `ops verify -p deploy-registry`'s round trip, as the course does it by hand: a tiny image built
 * from scratch is pushed, every engine host of the run pulls it by digest through its own trust
 * path (certs.d, or insecure-registries for plain HTTP), then it is deleted and its storage
 * collected. Two run-wide steps frame the hosts' checks: `before` writes a verify robot on the
 * registry host (verify-robot.ts: its own file, expiring minutes later) and pushes with it from
 * the control machine into the verify project (model.ts: anyone may pull from it), so the hosts
 * pull anonymously and no credential ever reaches them; the `always` step removes the robot, then
 * the image's repository and blobs from the registry host's storage, after a failure or a signal
 * too. Everything is named from the run id, so the cleanup needs no output of the push: a push
 * cut short by Ctrl-C is removed like a whole one.
 *
 * Why a robot written over SSH, not one made through an API with an admin's password: ops already
 * reaches the registry host as root to deploy it, so the robot needs no other secret at all; no
 * admin password is read, sent or held by a verify, and the robot's own password lives in this
 * process and in the push's requests only.
 *
 * Only `ops verify` makes the round trip: `ops run --verify` judges trust and health (its
 * `before` steps run before the registry is deployed).
 */
import type { DeployRegistryVars } from "../../playbooks/deploy-registry.vars.js";
import type { RunStep, RunStepContext } from "../playbook.js";
import { printable } from "../report/printable.js";
import { quote } from "../transport/quote.js";
import type { Credentials, Endpoint } from "./http.js";
import { VERIFY_PROJECT } from "./model.js";
import { scratchIndex, type ImageIndex } from "./oci-image.js";
import { pushImage } from "./push.js";
import { tlsOutput } from "./tls-step.js";
import {
  NO_ROBOT_FOLDER,
  newVerifyRobot,
  removeRobotsScript,
  robotLine,
  writeRobotScript,
  type VerifyRobot,
} from "./verify-robot.js";

export const ROUND_TRIP_STEP = "registry-round-trip";

/** The tag the test image is pushed under (its repository is the run's own). */
export const ROUND_TRIP_TAG = "verify";

/** What the hosts' pull checks read. */
export type RoundTripOutput =
  | {
      readonly status: "pushed";
      /** The registry as docker names it: `host:port`. */
      readonly endpoint: string;
      readonly repository: string;
      /** The index's digest: what every host pulls. */
      readonly digest: string;
      /** An empty docker config folder each host's pull makes and uses: no credential in it. */
      readonly configDir: string;
      /** The verify robot that pushed (its name: the audit log shows it on the push). */
      readonly robot: string;
    }
  /** The image could not be pushed: every host's pull check is an error saying so. */
  | { readonly status: "not-run"; readonly message: string; readonly hint?: string }
  /** Nothing to prove in this run (the registry host is not among its hosts): not applicable. */
  | { readonly status: "skipped"; readonly message: string };

/** Everything the round trip names, derived from the run id and the registry host's variables. */
export interface RoundTripPlan {
  readonly registryHost: string;
  readonly endpoint: string;
  readonly api: Endpoint;
  readonly registryDir: string;
  readonly runId: string;
  /** Seconds the verify robot lives (registry_verify_robot_ttl). */
  readonly robotTtl: number;
  readonly repository: string;
  readonly image: ImageIndex;
  readonly configDir: string;
  /** Distribution's storage root on the registry host. */
  readonly storage: string;
}

type Planned =
  { readonly plan: RoundTripPlan } | Extract<RoundTripOutput, { status: "not-run" | "skipped" }> | null;

/** The per-run names: `ops-verify/<runid>` is the repository, `/run/ops-verify-<runid>` the hosts' folder. */
export const roundTripName = (runId: string): string => `${VERIFY_PROJECT}-${runId}`;

/**
 * What this run's round trip is: null when there is none (not `ops verify`, or the registry is
 * being removed), else the plan or why it cannot be made. Pure.
 */
export function roundTripPlan(ctx: RunStepContext<DeployRegistryVars>): Planned {
  if (ctx.command !== "verify" || ctx.runId === undefined) return null;
  const registry = tlsOutput(ctx.outputs).registries.find((r) => r.host !== null);
  const target = ctx.targets.find((t) => t.host.name === registry?.host);
  if (registry === undefined || target === undefined)
    return {
      status: "skipped",
      message:
        "the round trip needs the registry host among this run's hosts (its verify robot is written there, its storage is cleaned up)",
    };
  if (target.vars.registry_state === "absent") return null;
  const v = target.vars;
  return {
    plan: {
      registryHost: target.host.name,
      endpoint: registry.endpoint,
      // Reached at the address ops uses for the host; the certificate names it too (serverNames).
      api: {
        url: `${v.registry_tls ? "https" : "http"}://${target.host.address}:${v.registry_port}`,
        ...(registry.caPem !== null ? { ca: registry.caPem } : {}),
      },
      registryDir: v.registry_dir,
      runId: ctx.runId,
      robotTtl: v.registry_verify_robot_ttl,
      repository: `${VERIFY_PROJECT}/${ctx.runId}`,
      image: scratchIndex(`ops verify ${ctx.runId}`),
      configDir: `/run/${roundTripName(ctx.runId)}`,
      storage: `${v.registry_data_dir}/registry/docker/registry/v2`,
    },
  };
}

/**
 * The registry host's part of the cleanup: the run's repository folder, then each blob of the test
 * image that no other repository links (a blob is shared by content: never removed from under one).
 */
export function purgeScript(plan: RoundTripPlan): string {
  const repos = `${plan.storage}/repositories`;
  const blobs = [
    ...plan.image.platforms.flatMap((p) => p.blobs),
    ...plan.image.platforms.map((p) => p.manifest),
    plan.image.index,
  ];
  const hexes = [...new Set(blobs.map((b) => b.digest.slice("sha256:".length)))];
  return [
    `rm -rf ${quote(`${repos}/${plan.repository}`)}`,
    // The verify project's folder, when it is empty (another run's image may be in it).
    `rmdir ${quote(`${repos}/${VERIFY_PROJECT}`)} 2>/dev/null`,
    `for h in ${hexes.join(" ")}; do`,
    `  if [ -z "$(find ${quote(repos)} -path "*/sha256/$h/link" 2>/dev/null | head -n 1)" ]; then`,
    `    d=${quote(`${plan.storage}/blobs/sha256`)}/$(printf %.2s "$h")/$h; if [ -d "$d" ]; then rm -rf "$d"; rmdir "\${d%/*}" 2>/dev/null; echo "collected sha256:$h"; fi`,
    "  fi",
    "done",
  ].join("\n");
}

async function push(plan: RoundTripPlan, account: Credentials, signal: AbortSignal): Promise<string | null> {
  const steps = [
    ...plan.image.platforms.map((p) => ({ image: p, reference: undefined })),
    { image: { blobs: [], manifest: plan.image.index }, reference: ROUND_TRIP_TAG },
  ];
  for (const s of steps) {
    if (signal.aborted) return "interrupted";
    const { answer, what } = await pushImage(plan.api, account, plan.repository, s.image, s.reference);
    if (answer.status !== 201) {
      const body = printable(answer.body.subarray(0, 200).toString("utf8").trim());
      return `${what} of ${plan.repository}: HTTP ${answer.status}${body ? ` ${body}` : ""}`;
    }
  }
  return null;
}

/** @example outputs[ROUND_TRIP_STEP] // { status: "pushed", digest: "sha256:…", … } */
export const roundTripPushStep: RunStep<DeployRegistryVars> = {
  name: ROUND_TRIP_STEP,
  when: "before",
  readOnly: true,
  async run(ctx): Promise<RoundTripOutput | null> {
    const planned = roundTripPlan(ctx);
    if (planned === null || !("plan" in planned)) return planned;
    const { plan } = planned;
    const robot = newVerifyRobot(plan.registryDir, plan.runId, Date.now(), plan.robotTtl);
    ctx.secret(robot.password);
    const made = await writeRobot(ctx, plan, robot);
    if (made !== null) return made;
    let problem: string | null;
    try {
      problem = await push(plan, { user: robot.name, password: robot.password }, ctx.signal);
    } catch (err) {
      problem = `${plan.api.url} did not take the push: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (problem !== null)
      return {
        status: "not-run",
        message: `the test image was not pushed by ${robot.name}: ${problem}`,
        hint: / HTTP 40[13]\b/.test(problem)
          ? `a registry deployed before ops verify's robots existed refuses them: run \`ops run deploy-registry\``
          : "`ops verify -p deploy-registry --limit <registry host>` shows whether the registry is healthy",
      };
    return {
      status: "pushed",
      endpoint: plan.endpoint,
      repository: plan.repository,
      digest: plan.image.index.digest,
      configDir: plan.configDir,
      robot: robot.name,
    };
  },
};

/** Writes the robot's file on the registry host; null when written, else why the push cannot be made. */
async function writeRobot(
  ctx: RunStepContext<DeployRegistryVars>,
  plan: RoundTripPlan,
  robot: VerifyRobot,
): Promise<Extract<RoundTripOutput, { status: "not-run" }> | null> {
  const why = (message: string, hint: string) => ({ status: "not-run" as const, message, hint });
  try {
    const r = await ctx.exec(plan.registryHost, writeRobotScript(robot), { stdin: robotLine(robot) });
    if (r.code === 0) return null;
    if (r.code === NO_ROBOT_FOLDER)
      return why(
        `${plan.registryHost} has no folder for ops verify's robots (${robot.file.slice(0, robot.file.lastIndexOf("/"))}): the registry was deployed before them`,
        "run `ops run deploy-registry`: it adds the folder and the rules that let a verify robot push",
      );
    return why(
      `the verify robot could not be written on ${plan.registryHost}: ${`${r.stderr}${r.stdout}`.trim() || `exit ${r.code}`}`,
      "is the registry host's disk full or read-only?",
    );
  } catch (err) {
    return why(
      `the verify robot could not be written on ${plan.registryHost}: ${err instanceof Error ? err.message : String(err)}`,
      "`ops verify -p deploy-registry --limit <registry host>` shows whether the host answers",
    );
  }
}

/** What the cleanup did, for the run-step event and tests. */
export interface RoundTripCleanup {
  readonly repository: string;
  readonly collected: readonly string[];
}

/**
 * Removes the run's verify robot first (no push can follow), then the test image's repository and
 * blobs from the registry host's storage and the pull's empty config folder from every host. Runs
 * after a failure or a signal too; what is already gone is no error.
 *
 * @throws Error naming what could not be removed
 */
export const roundTripCleanupStep: RunStep<DeployRegistryVars> = {
  name: `${ROUND_TRIP_STEP}-cleanup`,
  when: "after",
  readOnly: true,
  always: true,
  async run(ctx): Promise<RoundTripCleanup | null> {
    const planned = roundTripPlan(ctx);
    if (planned === null || !("plan" in planned)) return null;
    const { plan } = planned;
    const problems: string[] = [];
    const collected: string[] = [];
    await Promise.all(
      ctx.targets.map(async (t) => {
        const mine = t.host.name === plan.registryHost;
        const script = [
          ...(mine ? [removeRobotsScript(plan.registryDir, plan.runId)] : []),
          `rm -rf ${quote(plan.configDir)}`,
          ...(mine ? [purgeScript(plan)] : []),
        ].join("\n");
        try {
          const r = await ctx.exec(t.host.name, script);
          if (r.code !== 0)
            problems.push(`${t.host.name}: ${`${r.stderr}${r.stdout}`.trim() || `exit ${r.code}`}`);
          if (mine) collected.push(...(r.stdout.match(/sha256:[0-9a-f]{64}/g) ?? []));
        } catch (err) {
          // A host that cannot be reached holds at most its empty config folder, in memory (/run).
          if (mine) problems.push(`${t.host.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
    if (problems.length > 0)
      throw new Error(
        `the round trip's verify robot and test image ${plan.repository} were not wholly removed: ${problems.join("; ")}`,
      );
    return { repository: plan.repository, collected };
  },
};
