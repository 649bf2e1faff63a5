/** The last lines of a command's output: enough to show the cause, short enough for a summary. */
export function tail(text: string, lines = 12): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
