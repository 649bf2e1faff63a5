/**
 * nginx's `map` blocks read from a rendered config, and evaluated the way nginx does: exact keys
 * first, then the regular expressions in the order written, then `default`; `$1`.. in a value are
 * the regex's groups. Enough of nginx's grammar for the maps ops renders (one key and value a line).
 */
export interface NginxMap {
  readonly source: string;
  readonly variable: string;
  readonly entries: readonly { readonly key: string; readonly value: string }[];
  readonly fallback: string | undefined;
}

const unquote = (s: string): string => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

/** Every `map` or `geo` block `<source> <$variable> <$variable> { ... }` of `conf`. */
export function nginxMaps(conf: string): NginxMap[] {
  const out: NginxMap[] = [];
  const head = /^\s*(?:map|geo)\s+("[^"]*"|\S+)\s+\$(\w+)\s*\{\s*$/;
  const lines = conf.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const h = head.exec(lines[i] ?? "");
    if (!h) continue;
    const entries: { key: string; value: string }[] = [];
    let fallback: string | undefined;
    for (i++; i < lines.length && !/^\s*\}\s*$/.test(lines[i] ?? ""); i++) {
      const line = (lines[i] ?? "").trim();
      if (line === "" || line.startsWith("#")) continue;
      const e = /^("(?:[^"\\]|\\.)*"|\S+)\s+("[^"]*"|\S+);$/.exec(line);
      if (!e) throw new Error(`unreadable map line: ${line}`);
      const [key, value] = [unquote(e[1] ?? ""), unquote(e[2] ?? "")];
      if (key === "default") fallback = value;
      else entries.push({ key, value });
    }
    out.push({ source: unquote(h[1] ?? ""), variable: h[2] ?? "", entries, fallback });
  }
  return out;
}

/** The value nginx gives the map's variable for `input`. */
export function evaluate(map: NginxMap, input: string): string {
  const exact = map.entries.find(
    (e) => !e.key.startsWith("~") && e.key.toLowerCase() === input.toLowerCase(),
  );
  if (exact) return exact.value;
  for (const e of map.entries) {
    if (!e.key.startsWith("~")) continue;
    const re = e.key.startsWith("~*") ? new RegExp(e.key.slice(2), "i") : new RegExp(e.key.slice(1));
    const m = re.exec(input);
    if (m) return e.value.replace(/\$(\d)/g, (_, n: string) => m[Number(n)] ?? "");
  }
  return map.fallback ?? "";
}
