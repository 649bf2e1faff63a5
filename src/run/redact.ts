/**
 * Masks secrets in every string before it becomes part of an event, a report or an error.
 * Why here and not in reporters: a reporter that forgets to mask would leak; an event never holds one.
 * Every secret is masked whatever its length: a one-character password is still a password (choosing
 * a longer one is the cure for the noise that masking it makes).
 */
import { setOwn } from "../text/own.js";

export const MASK = "********";

export class Redactor {
  private secrets: string[] = [];

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Adds a secret (a value made during the run, say); from now on it is masked too. */
  add(secret: string | undefined): void {
    if (!secret || this.secrets.includes(secret)) return;
    // Longest first, so a secret that contains another is masked whole.
    this.secrets = [...this.secrets, secret].sort((a, b) => b.length - a.length);
  }

  /** Replaces every known secret in `text` with `********`. */
  mask(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  }

  /** Masks every string inside a JSON-like value (keys too: a secret can be a map key). */
  maskDeep<T>(value: T): T {
    if (this.secrets.length === 0) return value;
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
