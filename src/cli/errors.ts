/**
 * The one place that turns errors into what a person reads and an exit code. No stack trace for
 * anything the user can fix; a stack only for a bug in ops itself.
 */
import { ConfigError, Interrupted, OpsError, formatLocation } from "../errors.js";
import { mayQuote } from "../fs/quotable.js";
import { printable } from "../report/printable.js";
import { EXIT } from "./exit-codes.js";

interface HasErrors {
  errors: readonly ConfigError[];
}

const isAggregate = (err: unknown): err is OpsError & HasErrors =>
  err instanceof OpsError && Array.isArray((err as Partial<HasErrors>).errors);

/**
 * A message for stderr: what ops composed keeps its lines, but every line after the first is
 * indented, and each is escaped by the one rule, so a value inside (a registry's 401 body, a policy
 * key, a PostgreSQL message) can neither act on the terminal nor print a line that looks like ops's.
 */
function shown(text: string): string {
  return printable(text, true).replace(/\t/g, "\\t").split("\n").join("\n  ");
}

function withHint(head: string, hint: string | undefined): string {
  return hint ? `${shown(head)}\n  hint: ${shown(hint)}` : shown(head);
}

function configLine(err: ConfigError): string {
  const file = err.location.file;
  if (file !== undefined && !mayQuote(file)) {
    // The message and the dot-path would quote the file's content: only where it is says.
    const at = formatLocation({
      file,
      ...(err.location.line !== undefined ? { line: err.location.line } : {}),
    });
    return shown(`${at}: not valid here (content not shown: only its owner may read ${file})`);
  }
  const where = formatLocation(err.location);
  return withHint(where ? `${where}: ${err.message}` : err.message, err.hint);
}

/** A configuration problem that does not stop ops, as stderr shows it. */
export function describeWarning(err: ConfigError): string {
  return `warning: ${configLine(err)}`;
}

/** Renders an error for stderr and chooses the exit code. */
export function describeError(err: unknown): { text: string; code: number } {
  if (isAggregate(err)) {
    return { text: err.errors.map((e) => `error: ${configLine(e)}`).join("\n"), code: EXIT.config };
  }
  if (err instanceof ConfigError) return { text: `error: ${configLine(err)}`, code: EXIT.config };
  if (err instanceof Interrupted)
    return { text: `interrupted: ${shown(err.message)}`, code: EXIT.interrupted };
  if (err instanceof OpsError && err.kind !== "internal") {
    return { text: `error: ${withHint(err.message, err.hint)}`, code: EXIT.hostFailed };
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return {
    text: `internal error (a bug in ops; please report it):\n${printable(stack, true)}`,
    code: EXIT.internal,
  };
}
