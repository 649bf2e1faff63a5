/**
 * TCP ports something listens on, read from /proc/net/tcp and tcp6 (no `ss` or `netstat` needed:
 * minimal hosts have neither). A port in use by another program is a reason to stop before
 * changing anything, rather than after a half-started service.
 */
import { FactError } from "../errors.js";
import type { Fact } from "./fact.js";
import { lines } from "./text.js";

/** State 0A is LISTEN in the kernel's tcp_states. */
const LISTEN = "0A";

/** @example parseListeningPorts("  0: 00000000:01BB 00000000:0000 0A ...\n") // [443] */
export function parseListeningPorts(stdout: string): number[] {
  const ports = new Set<number>();
  for (const line of lines(stdout)) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] === "sl" || cols.length < 4) continue;
    const local = /:([0-9A-F]{4})$/i.exec(cols[1] ?? "");
    if (!local?.[1] || !/^[0-9A-F]{2}$/i.test(cols[3] ?? "")) {
      throw new FactError("listening-ports", `unexpected line "${line.slice(0, 80)}"`);
    }
    if (cols[3]?.toUpperCase() === LISTEN) ports.add(Number.parseInt(local[1], 16));
  }
  return [...ports].sort((a, b) => a - b);
}

/** @example facts.get(listeningPorts) // [22, 443] */
export const listeningPorts: Fact<number[]> = {
  name: "listening-ports",
  probe: "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; exit 0",
  parse: parseListeningPorts,
};
