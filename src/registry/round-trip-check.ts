/**
 * Each engine host's half of the round trip (round-trip.ts): it pulls the test image by digest
 * through its own trust path, in the host's one batch, anonymously: docker reads its config from a
 * new empty folder, so no credential (not even one root keeps in ~/.docker) goes with the pull. The
 * batch's cleanup removes the image and the folder, also after a failure or a signal. A fact and a
 * pure judge, like every check.
 */
import { verdict, type Check } from "../checks/check.js";
import { commandFact } from "../facts/command.js";
import { quote } from "../transport/quote.js";
import type { RoundTripOutput } from "./round-trip.js";
import { certsDirs } from "./trust.js";

export const ROUND_TRIP_CHECK = "registry.round-trip";
const TITLE = "the registry's test image pulls by digest";

/** The pull's own verdict, from what `docker pull` printed. */
function failure(output: string, endpoint: string, tls: boolean): { message: string; hint: string } {
  if (/x509|certificate/i.test(output))
    return {
      message: `the engine does not trust ${endpoint}: ${tls ? `no CA it accepts in ${certsDirs(endpoint)[0]}` : "TLS"}`,
      hint: "run `ops run deploy-registry`: it puts the registry's CA in certs.d on every host of the run",
    };
  if (/http response to https client|server gave HTTP response/i.test(output))
    return {
      message: `the engine speaks HTTPS to ${endpoint}, which serves plain HTTP (insecure-registries is missing)`,
      hint: "run `ops run deploy-registry`: it adds a plain-HTTP registry to insecure-registries",
    };
  if (/unauthorized|authentication required|denied/i.test(output))
    return {
      message: `${endpoint} refused the anonymous pull`,
      hint: "`ops registry audit --failed` shows the refusal",
    };
  return {
    message: `the pull from ${endpoint} failed`,
    hint: "is the registry reachable from this host? `curl -v https://<registry>/v2/`",
  };
}

/**
 * @example roundTripCheck(out, true) // pulls 10.0.0.5:443/ops-verify/1a2b@sha256:… anonymously
 */
export function roundTripCheck(out: RoundTripOutput, tls: boolean): Check {
  if (out.status !== "pushed") {
    const status = out.status === "skipped" ? "not-applicable" : "error";
    return {
      id: ROUND_TRIP_CHECK,
      title: TITLE,
      facts: [],
      judge: () =>
        verdict(
          status,
          out.message,
          { command: "ops verify -p deploy-registry", output: "" },
          {
            ...(out.status === "not-run" && out.hint !== undefined ? { hint: out.hint } : {}),
          },
        ),
    };
  }
  const ref = `${out.endpoint}/${out.repository}@${out.digest}`;
  const dir = quote(out.configDir);
  const fact = commandFact(
    `registry-round-trip:${ref}`,
    [
      // mkdir refuses a folder that is there already: whatever might be in it is never read.
      `mkdir -m 700 ${dir} || exit $?`,
      `t env DOCKER_CONFIG=${dir} docker pull ${quote(ref)} || exit $?`,
      `docker image inspect --format '{{join .RepoDigests " "}}' ${quote(ref)}`,
    ].join("\n"),
  );
  return {
    id: ROUND_TRIP_CHECK,
    title: TITLE,
    facts: [fact],
    command: `docker pull ${ref}`,
    cleanup: `docker rmi ${quote(ref)} >/dev/null 2>&1; rm -rf ${dir}`,
    judge(facts) {
      const { code, output } = facts.get(fact);
      const evidence = { command: `docker pull ${ref}`, output, source: "docker pull" };
      if (code === 0 && output.includes(`${out.repository}@${out.digest}`))
        return verdict("pass", `pulled ${ref}`, evidence);
      if (code === 0)
        return verdict("fail", `the engine holds no image of digest ${out.digest} after the pull`, evidence, {
          expected: out.digest,
        });
      const why = failure(output, out.endpoint, tls);
      return verdict("fail", why.message, evidence, { hint: why.hint });
    },
  };
}
