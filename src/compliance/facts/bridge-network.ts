/**
 * The options of Docker's default bridge network as the daemon applied them: the effective
 * `enable_icc`, whatever daemon.json or the command line say. A daemon started without a default
 * bridge (`"bridge": "none"`) answers "no such network": that, and only that, is `absent`; any other
 * failure of `docker network inspect` makes the probe fail, so the check is an error.
 * The engine's API is asked over its socket when it can be (engine-api.ts: `api` then the whole
 * network object, or a 404 for no such network), the docker CLI otherwise.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";
import { API_FUNCTIONS, API_USABLE, readResponses } from "./engine-api.js";

export type BridgeNetwork =
  | { readonly status: "absent"; readonly message: string }
  | { readonly status: "found"; readonly options: Readonly<Record<string, string>> };

const NAME = "docker-bridge";

/** The network object the engine's API answered: its `Options`. */
function apiOptions(rows: readonly string[]): unknown {
  const { responses, next } = readResponses(rows, 0, NAME);
  if (responses.length !== 1 || next !== rows.length)
    throw new FactError(NAME, "the engine's answer for the bridge network is not one object");
  const network = responses[0]?.body;
  return typeof network === "object" && network !== null && "Options" in network
    ? network.Options
    : undefined;
}

export function parseBridgeNetwork(stdout: string): BridgeNetwork {
  const [head = "", ...rest] = lines(stdout);
  if (head.startsWith("absent ")) return { status: "absent", message: head.slice(7).trim() };
  let parsed: unknown;
  if (head === "api") parsed = apiOptions(rest);
  else if (head !== "options") throw new FactError(NAME, `unexpected output "${head.slice(0, 80)}"`);
  else
    try {
      parsed = JSON.parse(rest.join("\n"));
    } catch {
      throw new FactError(NAME, "docker network inspect printed invalid JSON");
    }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new FactError(NAME, "docker network inspect printed JSON that is not an object");
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") options[k] = v;
  return { status: "found", options };
}

/** @example facts.get(bridgeNetwork) // { status: "found", options: { "com.docker.network.bridge.enable_icc": "false", … } } */
export const bridgeNetwork: Fact<BridgeNetwork> = {
  name: NAME,
  command: "docker network inspect bridge --format '{{json .Options}}'",
  stderr: "fold",
  probe: [
    "if ! command -v docker >/dev/null 2>&1; then echo 'docker: command not found'; exit 127; fi",
    `if ${API_USABLE}; then`,
    API_FUNCTIONS,
    '  out=$(api http://localhost/networks/bridge 2>&1) || { s=$?; printf "%s\\n" "$out"; exit $s; }',
    '  case "$out" in',
    "    *'@@status 200') echo api; printf '%s\\n' \"$out\"; exit 0 ;;",
    // The engine's own words for it: {"message":"network bridge not found"}.
    "    *'@@status 404') printf 'absent %s\\n' \"$(printf '%s' \"$out\" | head -n 1 | cut -c1-300)\"; exit 0 ;;",
    "  esac",
    '  printf "%s\\n" "$out"; exit 1',
    "fi",
    "if out=$(t docker network inspect bridge --format '{{json .Options}}' 2>&1); then",
    '  echo options; printf "%s\\n" "$out"; exit 0',
    "fi",
    "s=$?",
    // dockerd's own words for a network that does not exist, in every version since 1.12.
    'case "$out" in *"No such network"* | *"network bridge not found"*)',
    '  printf "absent %s\\n" "$(printf "%s" "$out" | tail -n 1 | cut -c1-300)"; exit 0 ;;',
    "esac",
    'printf "%s\\n" "$out"; exit "$s"',
  ].join("\n"),
  parse: parseBridgeNetwork,
};
