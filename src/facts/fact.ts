/**
 * A fact is a shell probe plus a pure parser of its output. Probes of one host are batched into a
 * single script (see gather.ts), so gathering facts costs one round trip whatever their number.
 */
export interface Fact<T> {
  /** Unique for the probe's parameters, e.g. `file:/etc/docker/daemon.json`. Batches dedupe by it. */
  readonly name: string;
  /** POSIX sh that prints the raw output. It must exit 0 (print the failure instead). */
  readonly probe: string;
  /** Side-effect-free: raw stdout of the probe in, typed value out. Throws FactError on nonsense. */
  parse(stdout: string): T;
}

/** The parsed facts of one host, looked up by the same Fact objects that asked for them. */
export class FactSet {
  constructor(private readonly values: ReadonlyMap<string, unknown>) {}
  get<T>(fact: Fact<T>): T {
    if (!this.values.has(fact.name)) throw new Error(`fact ${fact.name} was not gathered`);
    return this.values.get(fact.name) as T;
  }
}
