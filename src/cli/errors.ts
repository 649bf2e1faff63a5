/**
 * The one place that turns errors into what a person reads and an exit code. No stack trace for
 * anything the user can fix; a stack only for a bug in ops itself.
 */
import { ConfigError, Interrupted, OpsError, formatLocation } from "../errors.js";
import { EXIT } from "./exit-codes.js";

interface HasErrors {
  errors: readonly ConfigError[];
}

const isAggregate = (err: unknown): err is OpsError & HasErrors =>
  err instanceof OpsError && Array.isArray((err as Partial<HasErrors>).errors);

function configLine(err: ConfigError): string {
  const where = formatLocation(err.location);
  const head = where ? `${where}: ${err.message}` : err.message;
  return err.hint ? `${head}\n  hint: ${err.hint}` : head;
}

/** Renders an error for stderr and chooses the exit code. */
export function describeError(err: unknown): { text: string; code: number } {
  if (isAggregate(err)) {
    return { text: err.errors.map((e) => `error: ${configLine(e)}`).join("\n"), code: EXIT.config };
  }
  if (err instanceof ConfigError) return { text: `error: ${configLine(err)}`, code: EXIT.config };
  if (err instanceof Interrupted) return { text: `interrupted: ${err.message}`, code: EXIT.interrupted };
  if (err instanceof OpsError && err.kind !== "internal") {
    const text = `error: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ""}`;
    return { text, code: EXIT.hostFailed };
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { text: `internal error (a bug in ops; please report it):\n${stack}`, code: EXIT.internal };
}
