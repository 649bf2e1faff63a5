/**
 * The options of Docker's default bridge network as the daemon applied them: the effective
 * `enable_icc`, whatever daemon.json or the command line say.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { bounded } from "../../facts/docker-info.js";
import { lines } from "../../facts/text.js";

export type BridgeNetwork =
  | { readonly status: "absent" }
  | { readonly status: "missing"; readonly message: string }
  | { readonly status: "found"; readonly options: Readonly<Record<string, string>> };

const NAME = "docker-bridge";

export function parseBridgeNetwork(stdout: string): BridgeNetwork {
  const [head = "", ...rest] = lines(stdout);
  if (head === "absent") return { status: "absent" };
  if (head.startsWith("missing")) return { status: "missing", message: head.slice(8).trim() };
  if (head !== "options") throw new FactError(NAME, `unexpected output "${head.slice(0, 80)}"`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest.join("\n"));
  } catch {
    throw new FactError(NAME, "docker network inspect printed invalid JSON");
  }
  const options: Record<string, string> = {};
  if (typeof parsed === "object" && parsed !== null)
    for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") options[k] = v;
  return { status: "found", options };
}

/** @example facts.get(bridgeNetwork) // { status: "found", options: { "com.docker.network.bridge.enable_icc": "false", … } } */
export const bridgeNetwork: Fact<BridgeNetwork> = {
  name: NAME,
  probe: [
    "if ! command -v docker >/dev/null 2>&1; then echo absent; exit 0; fi",
    `if out=$(${bounded("docker network inspect bridge --format '{{json .Options}}'")} 2>&1); then`,
    '  echo options; printf "%s\\n" "$out"',
    'else printf "missing %s\\n" "$(printf "%s" "$out" | tail -n 1 | cut -c1-300)"; fi',
  ].join("\n"),
  parse: parseBridgeNetwork,
};
