/**
 * deploy-registry's sweep of the verify robots a killed `ops verify` left behind (verify-robot.ts):
 * nginx already refuses each from its expiry; a run removes its file. Expired by the registry
 * host's clock, the one nginx judges with, so a robot of a verify still running is never taken
 * from under it. A fact lists them, the plan is pure.
 */
import { commandFact } from "../facts/command.js";
import { change, noop, type Resource } from "../resources/resource.js";
import { quote } from "../transport/quote.js";
import { VERIFY_ROBOT_DIR } from "./verify-robot.js";

/**
 * @example verifyRobotsExpired("/opt/ops-registry") // removes nginx/verify/<run>-<expiry>.htpasswd once expired
 */
export function verifyRobotsExpired(registryDir: string): Resource {
  const dir = `${registryDir}/${VERIFY_ROBOT_DIR}`;
  // Each file is <run id>-<expiry>.htpasswd (or its .tmp, of a write cut short): the expiry is read
  // from the name; anything else in the folder is left alone.
  const fact = commandFact(
    `verify-robots-expired:${dir}`,
    [
      "now=$(date +%s)",
      `for f in ${quote(dir)}/*-[0-9]*.htpasswd ${quote(dir)}/*-[0-9]*.htpasswd.tmp; do`,
      '  [ -f "$f" ] || continue',
      "  e=${f##*-}; e=${e%%.*}",
      '  case "$e" in *[!0-9]*|"") continue;; esac',
      '  [ "$e" -le "$now" ] && printf "%s\\n" "$f"',
      "done",
      "true",
    ].join("\n"),
  );
  return {
    id: `verify-robots-expired:${dir}`,
    facts: [fact],
    plan(facts) {
      const found = facts.get(fact);
      if (found.code !== 0) return noop(`the verify robots could not be listed: ${found.output.trim()}`);
      const files = found.output.split("\n").filter((l) => l.startsWith(`${dir}/`));
      if (files.length === 0) return noop("no expired verify robot");
      return change({
        description: `remove ${files.length} expired verify robot${files.length === 1 ? "" : "s"}: ${files.map((f) => f.slice(dir.length + 1)).join(", ")}`,
        script: `rm -f -- ${files.map(quote).join(" ")}`,
      });
    },
  };
}
