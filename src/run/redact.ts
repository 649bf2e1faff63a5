/**
 * Masks secrets in every string before it becomes part of an event, a report or an error.
 * Why here and not in reporters: a reporter that forgets to mask would leak; an event never holds one.
 * Every secret is masked whatever its length: a one-character password is still a password (choosing
 * a longer one is the cure for the noise that masking it makes).
 */
import { setOwn } from "../text/own.js";

export const MASK = "********";

/** Masked texts remembered at most: an event's strings recur in the run's result and in the report. */
const MEMO_LIMIT = 10_000;

export class Redactor {
  private secrets: string[] = [];
  /**
   * Each text's masked form, for the run: the same check messages and evidence are masked in their
   * host's events, again in the run-done event and again in the result the reports read; the
   * patterns' regular expressions over every string were a tenth of a one-host `ops check`'s CPU.
   */
  private memo = new Map<string, string>();

  /**
   * @param patterns masks secrets ops knows by their shape rather than their value (compliance's
   *   known secret options: `splunk-token=…`, a URL's password, a private key), applied after the
   *   known values
   */
  constructor(
    secrets: Iterable<string | undefined> = [],
    private readonly patterns?: (text: string) => string,
  ) {
    for (const s of secrets) this.add(s);
  }

  /** Adds a secret (a value made during the run, say); from now on it is masked too. */
  add(secret: string | undefined): void {
    if (!secret || this.secrets.includes(secret)) return;
    // Longest first, so a secret that contains another is masked whole.
    this.secrets = [...this.secrets, secret].sort((a, b) => b.length - a.length);
    this.memo.clear();
  }

  /** Replaces every known secret in `text` with `********`. */
  mask(text: string): string {
    const known = this.memo.get(text);
    if (known !== undefined) return known;
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(MASK);
    if (this.patterns) out = this.patterns(out);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(text, out);
    return out;
  }

  /**
   * Masks an error's message and hint in place (and those of the errors it gathers), so an error
   * that leaves the engine can be printed as it is.
   */
  maskError<E>(err: E): E {
    if (!(err instanceof Error)) return err;
    err.message = this.mask(err.message);
    const e = err as Error & { hint?: unknown; errors?: unknown };
    if (typeof e.hint === "string") Object.defineProperty(e, "hint", { value: this.mask(e.hint) });
    if (Array.isArray(e.errors)) for (const inner of e.errors) this.maskError(inner);
    return err;
  }

  /** Masks every string inside a JSON-like value (keys too: a secret can be a map key). */
  maskDeep<T>(value: T): T {
    if (this.secrets.length === 0 && this.patterns === undefined) return value;
    if (typeof value === "string") return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.maskDeep(v)) as T;
    if (value && typeof value === "object" && !Buffer.isBuffer(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) setOwn(out, this.mask(k), this.maskDeep(v));
      return out as T;
    }
    return value;
  }
}
