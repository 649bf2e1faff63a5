/**
 * CIS 4.5: Docker Content Trust on for whoever runs `docker` on the host, so pulls, runs and builds
 * refuse unsigned images: DOCKER_CONTENT_TRUST=1 where every login gets it.
 */
import { verdict, type Check } from "../../checks/check.js";
import { contentTrust } from "../facts/content-trust.js";
import { field } from "./containers.js";
import { complianceCheck } from "./support.js";

export const contentTrustCheck = (): Check =>
  complianceCheck(
    {
      cis: "4.5",
      severity: "medium",
      reads:
        "`DOCKER_CONTENT_TRUST` as a login sets it: /etc/environment, then /etc/profile.d/*.sh (the last assignment wins)",
      differs:
        "docker-bench-security reads its own shell's environment; ops reads what every login on the host gets",
    },
    [contentTrust],
    (facts) => {
      const { settings } = facts.get(contentTrust);
      const last = settings[settings.length - 1];
      const evidence = {
        command: "grep -n DOCKER_CONTENT_TRUST= /etc/environment /etc/profile.d/*.sh",
        output:
          settings.map((s) => `${s.where}: DOCKER_CONTENT_TRUST=${field(s.value)}`).join("\n") || "not set",
        source: last?.where ?? "/etc/environment, /etc/profile.d",
      };
      if (last?.value === "1")
        return verdict("pass", `content trust is on for every login (${last.where})`, evidence);
      return verdict(
        "fail",
        last === undefined
          ? "content trust is not set: docker pulls and runs unsigned images"
          : `content trust is ${field(last.value) || "empty"} (${last.where}): docker pulls and runs unsigned images`,
        evidence,
        {
          expected: "DOCKER_CONTENT_TRUST=1 for every login",
          actual: last === undefined ? "not set" : `DOCKER_CONTENT_TRUST=${last.value} (${last.where})`,
          hint: "echo 'export DOCKER_CONTENT_TRUST=1' > /etc/profile.d/docker-content-trust.sh (and sign the images you push)",
        },
      );
    },
  );
