/**
 * The Docker engine's API asked over its socket, for the compliance probes that list and inspect
 * (containers, images, the default bridge): one `curl` process for all the objects a probe reads,
 * where the docker CLI costs a Go binary's start-up (about 100 ms on a lab host) per call.
 *
 * Used only when the socket is the engine the CLI would reach (no DOCKER_HOST), it exists and curl is
 * installed, as the docker-info fact already does; otherwise the probes fall back to the docker CLI.
 * Each response is printed as its body (the engine's JSON, one line), then `@@status CODE`: the
 * parser reads every status, so a 404 (an object removed meanwhile) or a 500 is an error, never an
 * object silently left out.
 */
import { FactError } from "../../errors.js";

/** Shell condition: the engine's socket can be asked directly. */
export const API_USABLE =
  '[ -z "${DOCKER_HOST:-}" ] && [ -S /var/run/docker.sock ] && command -v curl >/dev/null 2>&1';

const STATUS = "@@status ";

/**
 * Shell: `api URL...` GETs every URL over the socket in one curl; `apiList PATH` GETs a list
 * (`/containers/json`) and prints its body, or prints the engine's answer and fails unless it is a
 * 200 with a JSON array. Bounded by the probe's `t` (timeout) and curl's own --max-time.
 */
export const API_FUNCTIONS = [
  `api() { t curl -sS --max-time 20 --unix-socket /var/run/docker.sock -w '\\n${STATUS}%{http_code}\\n' "$@"; }`,
  "apiList() {",
  '  r=$(api "http://localhost$1" 2>&1) || { printf \'%s\\n\' "$r"; return 1; }',
  `  case "$r" in '['*'${STATUS}200') printf '%s\\n' "$r" | sed '$d' ;; *) printf '%s\\n' "$r"; return 1 ;; esac`,
  "}",
].join("\n");

/** One answer of the engine: the HTTP status and the parsed JSON body. */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Reads the responses `api` printed, from `rows` starting at `from`, until a row that is neither a
 * body nor a status (returned as `next`). A non-200 answer throws, with the engine's message.
 *
 * @example readResponses(['{"Id":"…"}', "", "@@status 200"], 0, "containers") // { responses: [{ status: 200, body: {…} }], next: 3 }
 */
export function readResponses(
  rows: readonly string[],
  from: number,
  fact: string,
  isBody: (row: string) => boolean = (row) => row.startsWith("{") || row === "",
): { responses: ApiResponse[]; next: number } {
  const responses: ApiResponse[] = [];
  let body: string[] = [];
  let i = from;
  for (; i < rows.length; i++) {
    const row = rows[i] ?? "";
    if (row.startsWith(STATUS)) {
      const status = Number(row.slice(STATUS.length));
      const text = body.join("");
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new FactError(
          fact,
          `the engine answered ${status} with a body that is not JSON: "${text.slice(0, 80)}"`,
        );
      }
      if (status !== 200) {
        const message =
          typeof parsed === "object" && parsed !== null && "message" in parsed
            ? String(parsed.message)
            : text;
        throw new FactError(fact, `the engine answered ${status}: ${message.slice(0, 200)}`);
      }
      responses.push({ status, body: parsed });
      body = [];
    } else if (isBody(row)) body.push(row);
    else break;
  }
  if (body.some((b) => b !== ""))
    throw new FactError(fact, "the engine's last answer was cut off (no status)");
  return { responses, next: i };
}
