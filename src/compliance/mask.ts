/**
 * Masks secrets in compliance evidence by their shape, before any event, report, history row or
 * notification holds them: the daemon's command line and daemon.json reach evidence whole, and with
 * them a `splunk-token`, a password in a log driver's URL, or a private key. Option names that are
 * secret are globs (the project's one matcher), the built-in ones plus the policy's
 * `secret_patterns`; every expression here is fixed and linear, so no input can make masking slow.
 */
import { MASK } from "../run/redact.js";
import { compileGlob } from "../text/glob.js";

/** Option names whose values are secrets, whatever the log driver or plugin (`splunk-token`, `gelf-…-password`). */
export const SECRET_OPTION_NAMES: readonly string[] = [
  "*token*",
  "*password*",
  "*passwd*",
  "*secret*",
  "*credential*",
  "*api-key*",
  "*apikey*",
  "*api_key*",
  "*private-key*",
  "*privatekey*",
];

// `key=value` (a log-opt, a flag `--key=value`, an environment entry): the value up to a separator.
// Names are bounded (100 characters) so that a long word without `=` costs linear time.
const KEY_VALUE = /(^|[\s,{(["'])(-{0,2}[A-Za-z0-9_.][A-Za-z0-9_.-]{0,99})=([^\s,"'})\]]+)/g;
// `"key": "value"` in JSON (daemon.json, inspect output).
const JSON_PAIR = /"([A-Za-z0-9_.-]{1,100})"(\s*:\s*)"((?:[^"\\\n]|\\.)*)"/g;
// `--key value` on a command line printed with spaces.
const FLAG_VALUE = /(^|\s)(--[A-Za-z0-9_.][A-Za-z0-9_.-]{0,99})([ \t]+)([^\s-]\S*)/g;
// `scheme://user:password@host`: the password part.
const URL_PASSWORD = /(\b[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s:@/]{0,200}:)([^\s@/]{1,200})@/g;
// A private key in PEM, whole or cut off at the end of the text.
const PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;

/**
 * A masker for the built-in secret option names and the policy's own.
 *
 * @example secretMasker([])("--log-opt splunk-token=abc") === "--log-opt splunk-token=********"
 */
export function secretMasker(extraNames: readonly string[] = []): (text: string) => string {
  const globs = [...SECRET_OPTION_NAMES, ...extraNames].map((p) => compileGlob(p.toLowerCase()));
  const secret = (key: string) => {
    const name = key.replace(/^-+/, "").toLowerCase();
    return globs.some((g) => g.test(name));
  };
  return (text) => {
    if (text === "") return text;
    return text
      .replace(
        PRIVATE_KEY,
        (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY----- ${MASK} -----END ${kind}PRIVATE KEY-----`,
      )
      .replace(URL_PASSWORD, (_m, head: string) => `${head}${MASK}@`)
      .replace(JSON_PAIR, (m, key: string, colon: string) => (secret(key) ? `"${key}"${colon}"${MASK}"` : m))
      .replace(KEY_VALUE, (m, lead: string, key: string) => (secret(key) ? `${lead}${key}=${MASK}` : m))
      .replace(FLAG_VALUE, (m, lead: string, flag: string, gap: string) =>
        secret(flag) ? `${lead}${flag}${gap}${MASK}` : m,
      );
  };
}
