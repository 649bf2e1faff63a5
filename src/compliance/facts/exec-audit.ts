/**
 * What the audit log recorded of the docker client's runs (CIS 5.23, `docker exec --privileged`):
 * the audit key `docker` searched with ausearch as docker-bench-security does, and the loaded rules
 * that say whether such a run would have been recorded at all.
 *
 * ausearch reads stdin when it is not a terminal; `--input-logs` makes it read auditd's own logs
 * (the probe's stdin is /dev/null: without it every search would find nothing). "<no matches>"
 * (exit 1) is an empty log for the key; any other failure (no log, permission denied) makes the
 * probe fail. Only EXECVE records naming "privileged" are printed, the last 20 (a long-lived log's
 * oldest would hide what happened lately), and the count of all EXECVE records.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";

/** One recorded run: when (seconds since the epoch, UTC) and its arguments, decoded. */
export interface ExecRecord {
  readonly time: number;
  readonly argv: readonly string[];
}

export type ExecAudit =
  | { readonly status: "absent" }
  | {
      readonly status: "searched";
      /** The docker client as `command -v` finds it, and where that resolves; empty without one. */
      readonly client: readonly string[];
      /** `auditctl -s`: whether the kernel audits at all. */
      readonly enabled: boolean;
      /** The loaded rules (`auditctl -l`) that carry the key `docker`. */
      readonly rules: readonly string[];
      /** How many EXECVE records carry the key. */
      readonly execve: number;
      /** Those whose arguments mention "privileged". */
      readonly records: readonly ExecRecord[];
    };

const NAME = "exec-audit";
const MAX_RECORDS = 20;

/** `a2="--privileged"`, `a5=2F62696E2F7368` (hex: the argument had a space or a quote), `a3[0]=…` (a long one in parts). */
const ARG = /\ba(\d+)(?:\[\d+\])?=(?:"([^"]*)"|([0-9A-Fa-f]+))(?=\s|$)/g;

/**
 * The arguments of an EXECVE record, hex-encoded ones decoded.
 * @example parseExecve('type=EXECVE msg=audit(1765108800.101:2201): argc=2 a0="docker" a1="ps"') // { time: 1765108800, argv: ["docker", "ps"] }
 */
export function parseExecve(line: string): ExecRecord {
  const time = /msg=audit\((\d+)(?:\.\d+)?:\d+\)/.exec(line)?.[1];
  if (time === undefined)
    throw new FactError(NAME, `an EXECVE record without its time: "${line.slice(0, 120)}"`);
  const parts = new Map<number, string>();
  for (const m of line.matchAll(ARG)) {
    const i = Number(m[1]);
    const text = m[2] ?? Buffer.from(m[3] ?? "", "hex").toString("utf8");
    parts.set(i, (parts.get(i) ?? "") + text);
  }
  const argv = [...parts.keys()].sort((a, b) => a - b).map((i) => parts.get(i) ?? "");
  return { time: Number(time), argv };
}

export function parseExecAudit(stdout: string): ExecAudit {
  const rows = lines(stdout).filter((l) => l !== "");
  if (rows[0] === "absent") return { status: "absent" };
  const client = /^client ?(.*)$/.exec(rows[0] ?? "")?.[1];
  if (client === undefined) throw new FactError(NAME, `unexpected output "${(rows[0] ?? "").slice(0, 80)}"`);
  let enabled: boolean | undefined;
  let exit: number | undefined;
  let execve: number | undefined;
  const rules: string[] = [];
  const said: string[] = [];
  const records: ExecRecord[] = [];
  for (const row of rows.slice(1)) {
    const [head = "", rest = ""] = row.split(/ (.*)/s);
    if (head === "enabled" && /^\d$/.test(rest)) enabled = rest !== "0";
    else if (head === "rule") rules.push(rest);
    else if (head === "say") said.push(rest);
    else if (head === "record") records.push(parseExecve(rest));
    else if (head === "exit" && /^\d+$/.test(rest)) exit = Number(rest);
    else if (head === "execve" && /^\d+$/.test(rest)) execve = Number(rest);
    else throw new FactError(NAME, `unexpected line "${row.slice(0, 80)}"`);
  }
  if (enabled === undefined || exit === undefined || execve === undefined)
    throw new FactError(NAME, "the audit search was cut off");
  // ausearch's word for an empty result; anything else it says with a non-zero status is a failure.
  const empty = exit === 1 && said.length === 1 && said[0] === "<no matches>";
  if (exit !== 0 && !empty)
    throw new FactError(NAME, `ausearch exited ${exit}: ${said.join(" ").slice(0, 300)}`);
  if (records.length > execve) throw new FactError(NAME, "more privileged records than records");
  return { status: "searched", client: client.split(" ").filter(Boolean), enabled, rules, execve, records };
}

/** @example facts.get(execAudit) // { status: "searched", enabled: true, rules: ["-w /usr/bin/docker -p x -k docker"], … } */
export const execAudit: Fact<ExecAudit> = {
  name: NAME,
  command: "auditctl -s; auditctl -l; ausearch --input-logs -k docker -m EXECVE",
  stderr: "fold",
  probe: [
    "if ! command -v ausearch >/dev/null 2>&1; then echo absent; exit 0; fi",
    'c=$(command -v docker 2>/dev/null); printf "client %s %s\\n" "$c" "$( [ -n "$c" ] && readlink -f -- "$c")"',
    // Without root, auditctl cannot read the kernel's state: the probe fails with its message.
    'if ! st=$(t auditctl -s 2>&1); then s=$?; printf "%s\\n" "$st"; exit "$s"; fi',
    "printf 'enabled %s\\n' \"$(printf '%s\\n' \"$st\" | sed -n 's/^enabled \\([0-9]*\\).*/\\1/p' | head -n 1)\"",
    'if ! out=$(t auditctl -l 2>&1); then s=$?; printf "%s\\n" "$out"; exit "$s"; fi',
    "printf '%s\\n' \"$out\" | grep -E -e '-k docker( |$)' -e 'key=docker( |$)' | sed 's/^/rule /'",
    // The log can be large: streamed through awk, never held in a variable.
    '{ t ausearch --input-logs -k docker -m EXECVE 2>&1; echo "@@exit $?"; } | awk \'',
    `  /^type=EXECVE / { n++; if (index($0, "privileged")) { last[k % ${MAX_RECORDS}] = $0; k++ }; next }`,
    '  /^@@exit / { print "exit " $2; next }',
    "  /^(----|time->|type=)/ { next }",
    '  { if (m < 5) print "say " $0; m++ }',
    `  END { for (i = (k > ${MAX_RECORDS} ? k - ${MAX_RECORDS} : 0); i < k; i++) print "record " last[i % ${MAX_RECORDS}]; print "execve " n+0 }'`,
  ].join("\n"),
  parse: parseExecAudit,
};
