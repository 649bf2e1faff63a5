/**
 * Makes text from hosts and inventories safe to print on a terminal: control characters (escape
 * sequences, carriage returns, backspaces, NUL) are shown as visible escapes instead of acting, so a
 * host named "web\r\u001b[2K" cannot rewrite a line or forge another host's status.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NEWLINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;

const escape = (c: string): string => {
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  if (c === "\n") return "\\n";
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
};

/**
 * @param multiline keep `\n` (command output, diffs); every other control character is escaped
 * @example printable("el9\u001b[2K-1") === "el9\\u001b[2K-1"
 */
export function printable(text: string, multiline = false): string {
  return text.replace(multiline ? CONTROL : CONTROL_OR_NEWLINE, escape);
}
