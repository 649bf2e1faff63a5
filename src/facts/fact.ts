/**
 * A fact is a shell probe plus a pure parser of its output. Probes of one host are batched into a
 * single script (see gather.ts), so gathering facts costs one round trip whatever their number.
 */
export interface Fact<T> {
  /** Unique for the probe's parameters, e.g. `file:/etc/docker/daemon.json`. Batches dedupe by it. */
  readonly name: string;
  /** POSIX sh that prints the raw output. Read-only facts exit 0 (they print the failure instead). */
  readonly probe: string;
  /**
   * What a person would type to see the same thing (`docker network inspect bridge`): the evidence
   * of an error when the probe failed. Defaults to the fact's name.
   */
  readonly command?: string;
  /** What the probe's stderr becomes: folded into its stdout, or thrown away (the default). */
  readonly stderr?: "fold" | "discard";
  /**
   * Side-effect-free: raw stdout of the probe (and its exit status, for probes whose status is the
   * answer) in, typed value out. Throws on output it cannot understand.
   */
  parse(stdout: string, exitCode?: number): T;
}

/** How a fact's probe ended on the host: its exit status and what it printed (stdout, and stderr when folded). */
export interface ProbeStatus {
  /** The probe's exit status; -1 when the batch printed none. */
  readonly exitCode: number;
  /** Whether the section was read whole (its end frame arrived). */
  readonly complete: boolean;
  readonly output: string;
}

/**
 * The parsed facts of one host, looked up by the same Fact objects that asked for them. A fact may
 * be `skipped` (its probe was gated on a check that did not pass, so it never ran) or have failed
 * (its section is missing or its parser rejected it): `get` then throws that error, so whatever
 * read it (a plan, a judge) fails on its own and nothing else does.
 */
export class FactSet {
  constructor(
    private readonly values: ReadonlyMap<string, unknown>,
    private readonly skippedNames: ReadonlySet<string> = new Set(),
    private readonly errors: ReadonlyMap<string, Error> = new Map(),
    private readonly probes: ReadonlyMap<string, ProbeStatus> = new Map(),
  ) {}

  /**
   * How the fact's probe ended, when the set was parsed from a batch (undefined for sets built from
   * values, as resource tests do).
   */
  probeOf(fact: Fact<unknown>): ProbeStatus | undefined {
    return this.probes.get(fact.name);
  }

  get<T>(fact: Fact<T>): T {
    const error = this.errors.get(fact.name);
    if (error) throw error;
    if (!this.values.has(fact.name)) throw new Error(`fact ${fact.name} was not gathered`);
    return this.values.get(fact.name) as T;
  }

  /** Why the fact could not be read (missing section, parser error), or undefined. */
  errorOf(fact: Fact<unknown>): Error | undefined {
    return this.errors.get(fact.name);
  }

  has(fact: Fact<unknown>): boolean {
    return this.values.has(fact.name);
  }

  skipped(fact: Fact<unknown>): boolean {
    return this.skippedNames.has(fact.name);
  }

  get size(): number {
    return this.values.size;
  }

  /** This set and `other` as one (a staged command's two batches); `other` wins on a shared name. */
  merge(other: FactSet): FactSet {
    return new FactSet(
      new Map([...this.values, ...other.values]),
      new Set([...this.skippedNames, ...other.skippedNames]),
      new Map([...this.errors, ...other.errors]),
      new Map([...this.probes, ...other.probes]),
    );
  }
}
