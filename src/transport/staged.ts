/**
 * A command in two stages, one round trip on one channel: the host runs the first script and prints
 * a marker, the control side reads what the first stage printed and answers with the second script
 * on the same command's stdin, which the host then runs in the same shell. This is how a host's
 * facts reach a playbook before the batch its resources need is built, at the cost of one more
 * network round trip inside the command instead of a second command (a new channel, sudo again).
 */
import { randomBytes } from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import { sudoAskedAgain } from "./become.js";
import type { ExecOptions, ExecResult } from "./transport.js";

/** What `next` may answer: the second stage's script. */
export type NextStage = (firstStdout: string) => string | Promise<string>;

export interface StagedResult extends ExecResult {
  /** What the first stage printed (its whole stdout when the command ended before the marker). */
  readonly firstStdout: string;
  /** Whether the host reached the marker and the second stage was sent. */
  readonly staged: boolean;
}

/**
 * The host's side: the first stage in a subshell that cannot read the second stage, the marker,
 * then the rest of stdin run in this shell (its exit status is the command's).
 */
export function stagedScript(first: string, marker: string): string {
  return [
    `(\n${first}\n) </dev/null`,
    `printf '\\n%s\\n' '${marker}'`,
    "ops_next=$(cat)",
    'eval "$ops_next"',
    "",
  ].join("\n");
}

/** One run of a command with streamed stdin, as a transport starts it. */
export type StartCommand = (
  script: string,
  stdin: Readable,
  watch: Required<Pick<ExecOptions, "onStdout" | "onStderr">>,
) => Promise<ExecResult>;

/**
 * Drives a staged command over `start`. When `next` throws, the second stage is an empty one (the
 * host's shell ends at once) and the error is thrown once the command has ended.
 *
 * @example const r = await runStaged("cat /etc/os-release", (os) => probeFor(os), start);
 */
export async function runStaged(first: string, next: NextStage, start: StartCommand): Promise<StagedResult> {
  const marker = `@@ops-stage-${randomBytes(16).toString("hex")}@@`;
  const frame = Buffer.from(`\n${marker}\n`);
  const stdin = new PassThrough();
  const chunks: Buffer[] = [];
  let seen = 0;
  let firstStdout: string | undefined;
  let failure: { error: unknown } | undefined;
  let answered: Promise<void> | undefined;
  let stderr = "";
  const onStderr = (chunk: Buffer): void => {
    if (firstStdout !== undefined || stdin.writableEnded) return;
    stderr = (stderr + chunk.toString("utf8")).slice(-4096);
    // sudo -S that refused the password reads its next attempt from this stdin, which stays open
    // until the first stage's marker: end it, so sudo gives up at once instead of waiting forever.
    if (sudoAskedAgain(stderr)) stdin.end();
  };
  const onStdout = (chunk: Buffer): void => {
    chunks.push(chunk);
    if (firstStdout !== undefined || stdin.writableEnded) return;
    const all = Buffer.concat(chunks);
    // The marker may straddle chunks: search from just before what was already searched.
    const at = all.indexOf(frame, Math.max(0, seen - frame.length));
    seen = all.length;
    if (at < 0) return;
    firstStdout = all.subarray(0, at).toString("utf8");
    const text = firstStdout;
    answered = (async () => {
      try {
        stdin.end(await next(text));
      } catch (error) {
        failure = { error };
        stdin.end("exit 0\n");
      }
    })();
  };
  let result: ExecResult;
  try {
    result = await start(stagedScript(first, marker), stdin, { onStdout, onStderr });
  } finally {
    // A command that ended before the marker never reads its stdin: end it so nothing waits on it.
    if (firstStdout === undefined) stdin.end();
  }
  await answered;
  if (failure) throw failure.error;
  const all = Buffer.concat(chunks);
  if (firstStdout === undefined)
    return { ...result, stdout: "", firstStdout: all.toString("utf8"), staged: false };
  const rest = all.subarray(Buffer.byteLength(firstStdout) + frame.length).toString("utf8");
  return { ...result, stdout: rest, firstStdout, staged: true };
}
