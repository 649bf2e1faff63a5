/**
 * Masks secrets in every string before it becomes part of an event, a report or an error.
 * Why here and not in reporters: a reporter that forgets to mask would leak; an event never holds one.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string | undefined>) {
    // Longest first, so a secret that contains another is masked whole.
    this.secrets = [...new Set([...secrets].filter((s): s is string => !!s && s.length >= 3))].sort(
      (a, b) => b.length - a.length,
    );
  }

  /** Replaces every known secret in `text` with `********`. */
  mask(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join("********");
    return out;
  }

  /** Masks every string inside a JSON-like value. */
  maskDeep<T>(value: T): T {
    if (typeof value === "string") return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.maskDeep(v)) as T;
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.maskDeep(v);
      return out as T;
    }
    return value;
  }
}
