/**
 * POSIX sh quoting. Every value that reaches a remote shell goes through `quote`, so a path, a
 * package name or a URL can never become a second command.
 *
 * @example quote("it's") === `'it'\''s'`
 */
export function quote(value: string | number): string {
  const s = String(value);
  if (s !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quotes each word and joins them with spaces: `sh(["rpm", "-q", name])`. */
export function sh(words: readonly (string | number)[]): string {
  return words.map(quote).join(" ");
}
