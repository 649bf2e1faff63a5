/**
 * The engine's images and the HEALTHCHECK each declares (CIS 4.6): one `docker image ls` and one
 * `docker image inspect` of every image, a line per image. The probe fails (exits non-zero, with
 * docker's own message) when either fails or times out: "could not list" is never "no images". It
 * prints `images N` first, and the parser wants exactly N lines, so cut-off output is an error too.
 * Where the engine's socket can be asked (engine-api.ts), the same two questions go to its API in
 * two curl runs: `api-images N`, then each image's inspect object and its status.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";
import { quote } from "../../transport/quote.js";
import { API_FUNCTIONS, API_USABLE, readResponses } from "./engine-api.js";

export interface ImageInfo {
  /** `sha256:…` */
  readonly id: string;
  /** `repo:tag` names; empty for a dangling image. */
  readonly tags: readonly string[];
  /** The HEALTHCHECK's test, e.g. ["CMD-SHELL", "curl -f http://localhost/"]; null without one. */
  readonly healthcheck: readonly string[] | null;
}

export interface Images {
  readonly images: readonly ImageInfo[];
}

const NAME = "images";
/**
 * The whole Config: docker 20.10 formats an image as a map, where `.Config.Healthcheck` of an image
 * without one fails the template ("map has no entry for key").
 */
const TEMPLATE = "{{json .Id}} {{json .RepoTags}} {{json .Config}}";

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

function parseImageLine(line: string): ImageInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(`[${line.replace(/^(\S+) (\S+) /, "$1,$2,")}]`);
  } catch {
    throw new FactError(NAME, `unexpected line "${line.slice(0, 120)}"`);
  }
  return imageOf(Array.isArray(parsed) ? (parsed as unknown[]) : [], line);
}

/** An image inspect object of the engine's API: the same three fields the CLI's template prints. */
function parseImageObject(body: unknown): ImageInfo {
  const o = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  return imageOf([o.Id, o.RepoTags ?? null, o.Config ?? null], JSON.stringify(body));
}

function imageOf([id, tags, config]: unknown[], line: string): ImageInfo {
  if (typeof id !== "string" || !(tags === null || isStrings(tags)))
    throw new FactError(NAME, `unexpected line "${line.slice(0, 120)}"`);
  const hc: unknown =
    typeof config === "object" && config !== null ? (config as { Healthcheck?: unknown }).Healthcheck : null;
  const test = typeof hc === "object" && hc !== null ? (hc as { Test?: unknown }).Test : undefined;
  if (!(test === undefined || test === null || isStrings(test)))
    throw new FactError(NAME, `unexpected healthcheck in "${line.slice(0, 120)}"`);
  return { id, tags: tags ?? [], healthcheck: isStrings(test) && test.length > 0 ? test : null };
}

export function parseImages(stdout: string): Images {
  const rows = lines(stdout).filter((l) => l !== "");
  const [, api, count] = /^(api-)?images (\d+)$/.exec(rows[0] ?? "") ?? [];
  if (count === undefined) throw new FactError(NAME, `unexpected output "${(rows[0] ?? "").slice(0, 80)}"`);
  let images: ImageInfo[];
  if (api === undefined) images = rows.slice(1).map(parseImageLine);
  else {
    const { responses, next } = readResponses(rows, 1, NAME);
    if (next !== rows.length)
      throw new FactError(NAME, `unexpected line "${(rows[next] ?? "").slice(0, 120)}"`);
    images = responses.map((r) => parseImageObject(r.body));
  }
  if (images.length !== Number(count))
    throw new FactError(
      NAME,
      `docker image ls listed ${count} images, docker image inspect described ${images.length}`,
    );
  return { images };
}

/** @example facts.get(images).images[0] // { id: "sha256:…", tags: ["busybox:latest"], healthcheck: null } */
export const images: Fact<Images> = {
  name: NAME,
  command: "docker image ls -q --no-trunc | xargs docker image inspect",
  stderr: "fold",
  probe: [
    "if ! command -v docker >/dev/null 2>&1; then echo 'docker: command not found'; exit 127; fi",
    `if ${API_USABLE}; then`,
    API_FUNCTIONS,
    "  list=$(apiList /images/json) || { printf '%s\\n' \"$list\"; exit 1; }",
    // Each summary's `"Id":"sha256:…"` (a label cannot fake a missing one: an id that is not an
    // image is a 404, an error). A list that is not empty but names no id is an error too.
    '  ids=$(printf \'%s\\n\' "$list" | grep -oE \'"Id":"sha256:[0-9a-f]{64}"\' | cut -d\'"\' -f4 | sort -u)',
    "  n=$(printf '%s' \"$ids\" | grep -c .)",
    "  if [ \"$n\" = 0 ]; then case \"$list\" in '[]'*) echo 'images 0'; exit 0 ;; esac; printf 'no image id in the list: %s\\n' \"$(printf '%s' \"$list\" | cut -c1-200)\"; exit 1; fi",
    "  out=$(api $(printf 'http://localhost/images/%s/json\\n' $ids) 2>&1) || { s=$?; printf '%s\\n' \"$out\"; exit $s; }",
    '  printf "api-images %s\\n%s\\n" "$n" "$out"; exit 0',
    "fi",
    "ids=$(t docker image ls -q --no-trunc 2>&1) || { s=$?; printf '%s\\n' \"$ids\"; exit $s; }",
    "ids=$(printf '%s\\n' \"$ids\" | grep . | sort -u)",
    "n=$(printf '%s' \"$ids\" | grep -c .)",
    'if [ "$n" = 0 ]; then echo "images 0"; exit 0; fi',
    // Image ids are sha256:hex: word splitting them is safe and wanted.
    `out=$(t docker image inspect --format ${quote(TEMPLATE)} $ids 2>&1) || { s=$?; printf '%s\\n' "$out"; exit $s; }`,
    'printf "images %s\\n%s\\n" "$n" "$out"',
  ].join("\n"),
  parse: parseImages,
};
