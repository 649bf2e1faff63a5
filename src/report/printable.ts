/**
 * The one escaping rule for every byte ops prints or writes into a report: text from hosts,
 * inventories, policies, registries, databases and webhooks is shown, never obeyed. Control
 * characters (escape sequences, carriage returns, backspaces, NUL, C1), line and paragraph
 * separators, bidirectional controls (U+202E turns "exe.txt" into "txt.exe") and lone surrogates
 * become visible escapes such as `\u001b` and `\u202e`. So a host named "web\r\u001b[2K" cannot
 * rewrite a line, and a registry's 401 body cannot print a forged `error: all good` line.
 * Terminal printers use `printable`; the HTML report uses `printableHtml` (the same rule, then
 * HTML entities), so both show the same escapes.
 */

/**
 * Bidirectional controls: ALM (061C), LRM/RLM (200E-200F), embeddings and overrides (202A-202E),
 * isolates (2066-2069). Zero-width joiners are left alone: they do not reorder text.
 */
const BIDI = "\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069";
/** C0 but tab and newline, DEL and C1, line/paragraph separators, BOM (an invisible character). */
const CONTROL = "\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uFEFF";
/** A surrogate that is not part of a pair (not valid text: terminals render it unpredictably). */
const LONE_SURROGATE = "[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]";

const MULTILINE = new RegExp(`[${CONTROL}${BIDI}]|${LONE_SURROGATE}`, "g");
const ONE_LINE = new RegExp(`[\\t\\n${CONTROL}${BIDI}]|${LONE_SURROGATE}`, "g");

/** What the rule leaves out in one-line text: tests assert no printer ever lets one through. */
export const UNSAFE_ONE_LINE = new RegExp(ONE_LINE.source);
/** What the rule leaves out in multi-line text (`\n` and `\t` stay). */
export const UNSAFE_MULTILINE = new RegExp(MULTILINE.source);

const escape = (c: string): string => {
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  if (c === "\n") return "\\n";
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
};

/**
 * @param multiline keep `\n` and `\t` (command output, diffs); every other control character is escaped
 * @example printable("el9\u001b[2K-1") === "el9\\u001b[2K-1"
 * @example printable("invoice\u202Efdp.exe") === "invoice\\u202efdp.exe"
 */
export function printable(text: string, multiline = false): string {
  return text.replace(multiline ? MULTILINE : ONE_LINE, escape);
}

/**
 * The same rule for HTML, then the five HTML entities: what a browser shows is what a terminal shows.
 *
 * @example printableHtml(`<b>\u202E`) === "&lt;b&gt;\\u202e"
 */
export function printableHtml(text: string, multiline = true): string {
  return printable(text, multiline)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Text for one line: each line of a multi-line message escaped on its own and joined by `\n`, so the
 * lines ops composes stay lines while a value inside can never start a line of its own.
 *
 * @example printableLines(["error: x", "  hint: y"]) === "error: x\n  hint: y"
 */
export function printableLines(lines: readonly string[]): string {
  return lines.map((l) => printable(l)).join("\n");
}

/**
 * JSON for a terminal or a file: JSON.stringify leaves DEL, C1, U+2028/9 and bidirectional
 * controls raw inside strings; here they become `\uXXXX` escapes, which JSON reads back as the
 * same characters. Lossless, unlike `printable`: a consumer parses exactly the value.
 *
 * @example printableJson({ user: "\u202Eevil" }) === '{"user":"\\u202eevil"}'
 */
export function printableJson(value: unknown, space?: number): string {
  return (JSON.stringify(value, null, space) ?? "null").replace(MULTILINE, escape);
}
