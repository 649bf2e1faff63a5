/**
 * The service's Prometheus series (text exposition format 0.0.4): counters it keeps as it decides and
 * delivers, and gauges read at scrape time (each project's usage and quota, accounts' expiry). Label
 * values are escaped as the format says (backslash, double quote, newline). Pure but for the counters.
 */

export type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly help: string;
  readonly type: "counter" | "gauge";
  readonly samples: Map<string, number>;
}

const escapeLabel = (v: string): string =>
  v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? "")}"`).join(",")}}`;
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  private family(name: string, help: string, type: Family["type"]): Family {
    let f = this.families.get(name);
    if (f === undefined) {
      f = { help, type, samples: new Map() };
      this.families.set(name, f);
    }
    return f;
  }

  /** Adds `by` to a counter. */
  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const f = this.family(name, help, "counter");
    const key = labelText(labels);
    f.samples.set(key, (f.samples.get(key) ?? 0) + by);
  }

  /** Sets a gauge. */
  set(name: string, help: string, labels: Labels, value: number): void {
    this.family(name, help, "gauge").samples.set(labelText(labels), value);
  }

  /** The exposition text of every family, in a stable order. */
  text(): string {
    const out: string[] = [];
    for (const [name, f] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const [labels, v] of f.samples) out.push(`${name}${labels} ${v}`);
    }
    return out.length === 0 ? "" : `${out.join("\n")}\n`;
  }
}
