/**
 * The body of a batch whose probes are independent (no gates, no cleanup): every probe runs at
 * once, each in a background job that writes its whole framed section to a file of its own in a
 * private directory (tmpfs where the host has one), and the sections are printed in order once all
 * have ended. A host's probe is mostly waiting (on the engine's socket, on systemd, on rpm's
 * database), so its wall time comes near that of its slowest probe instead of their sum.
 *
 * The output is byte for byte the sequential batch's: the same frames, the same exit status in each
 * end frame. A probe whose job dies before its end frame leaves a section that never ended, which
 * the parser reports as not read whole, as it does for a sequential batch cut short. When no private
 * directory can be made, the same probes run one after the other instead.
 */

/** One framed section: how to print its begin frame, run its probe, and print its end frame. */
export interface ProbeSection {
  /** POSIX sh printing the begin frame. */
  begin: string;
  /** The probe as a function name defined by `definitions`, with its redirections. */
  run: string;
  /** POSIX sh printing the end frame with the probe's exit status, `$ops_s`. */
  end: string;
}

/**
 * POSIX sh running `sections` concurrently; `definitions` define the probe functions they call.
 *
 * @example concurrentBatch(["ops_p0() (\nuname -r\n)"], [{ begin, run: "ops_p0 </dev/null", end }])
 */
export function concurrentBatch(definitions: readonly string[], sections: readonly ProbeSection[]): string {
  const job = (s: ProbeSection): string => `${s.begin}\n${s.run}\nops_s=$?\n${s.end}`;
  const parts = [
    ...definitions,
    // A signal ends the shell through `exit`, so the EXIT trap removes the directory.
    "if ops_d=$(mktemp -d /dev/shm/ops-probe.XXXXXX 2>/dev/null || mktemp -d 2>/dev/null); then",
    "trap 'rm -rf \"$ops_d\"' EXIT",
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM",
    ...sections.map((s, i) => `{\n${job(s)}\n} >"$ops_d/${i}" &`),
    "wait",
    `cat ${sections.map((_, i) => `"$ops_d/${i}"`).join(" ")}`,
    "else",
    ...sections.map(job),
    "fi",
  ];
  return parts.join("\n");
}
