/**
 * What `ops verify -p deploy-registry` proves on each host: every engine host trusts the registry
 * (the CA in certs.d verifies the certificate the registry really serves, which is exactly what
 * dockerd will check), and the registry host runs every service healthy. Read-only checks: a
 * fact and a pure judge each.
 */
import { verdict, type Check } from "../checks/check.js";
import { commandFact } from "../facts/command.js";
import { quote } from "../transport/quote.js";
import { composeHealthCheck } from "../checks/compose-health.js";
import { COMPOSE_PROJECT } from "./stack.js";
import { certsDirs } from "./trust.js";

const FIX = "run `ops run deploy-registry`: it puts the registry's CA in certs.d on every host of the run";

/**
 * The CA dockerd would use for `endpoint` verifies the registry's certificate.
 *
 * @example trustCheck("10.0.0.5:443")
 */
export function trustCheck(endpoint: string): Check {
  const ca = `${certsDirs(endpoint)[0]}/ca.crt`;
  const url = `https://${endpoint}/v2/`;
  const fact = commandFact(
    `registry-trust:${endpoint}`,
    [
      `f=${quote(ca)}`,
      'if [ ! -f "$f" ]; then echo "no CA file"; exit 3; fi',
      `curl -sS --max-time 10 --cacert "$f" -o /dev/null -w 'HTTP %{http_code}\\n' ${quote(url)}`,
    ].join("\n"),
  );
  const command = `curl --cacert ${ca} ${url}`;
  return {
    id: `registry.trust.${endpoint}`,
    title: `engine trusts the registry at ${endpoint}`,
    facts: [fact],
    judge(facts) {
      const { code, output } = facts.get(fact);
      const evidence = { command, output, source: ca };
      if (code === 3) {
        return verdict(
          "fail",
          `no CA at ${ca}: docker refuses ${endpoint} (x509: certificate signed by unknown authority)`,
          evidence,
          { hint: FIX },
        );
      }
      if (code === 60 || /certificate|SSL/i.test(output)) {
        return verdict(
          "fail",
          `the CA in ${ca} does not verify the certificate ${endpoint} serves (a wrong or old CA)`,
          evidence,
          {
            hint: FIX,
          },
        );
      }
      const status = /HTTP (\d{3})/.exec(output)?.[1];
      if (code === 0 && (status === "401" || status === "200")) {
        return verdict("pass", `${endpoint} answers over TLS verified by ${ca}`, evidence);
      }
      return verdict("error", `${endpoint} did not answer as a registry (curl exit ${code})`, evidence, {
        hint: "is the registry up? `ops verify` on the registry host says",
      });
    },
  };
}

/**
 * Every service of the compose project runs and is healthy.
 *
 * @example stackHealthCheck(["registry", "nginx"], "/opt/ops-registry")
 */
export function stackHealthCheck(services: readonly string[], dir: string): Check {
  return composeHealthCheck({
    project: COMPOSE_PROJECT,
    what: "the registry",
    dir,
    services,
    id: "registry.healthy",
    title: "registry services run and are healthy",
  });
}
