/** The OpenPGP keys imported into the rpm database (the `gpg-pubkey` pseudo-packages). */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";

export interface RpmGpgKey {
  /** rpm's version of gpg-pubkey: the low 8 hex digits of the key id, lowercase. */
  readonly keyId: string;
  /** Key creation time (rpm's release, hex seconds) as an ISO date. */
  readonly created: string;
  /** e.g. "gpg(Docker Release (CE rpm) <docker@docker.com>)". */
  readonly summary: string;
}

export function parseRpmGpgKeys(stdout: string): RpmGpgKey[] {
  const keys: RpmGpgKey[] = [];
  for (const line of lines(stdout)) {
    const m = /^ops-key ([0-9a-fA-F]{8}) ([0-9a-fA-F]+) ?(.*)$/.exec(line);
    if (!m?.[1] || !m[2]) continue; // "package gpg-pubkey is not installed", "no-rpm"
    // rpm prints the creation time as 8 hex digits; more would be no date at all (a RangeError).
    if (m[2].length > 8) throw new FactError("rpm-gpg-keys", `unexpected key line "${line.slice(0, 80)}"`);
    const created = new Date(Number.parseInt(m[2], 16) * 1000).toISOString();
    keys.push({ keyId: m[1].toLowerCase(), created, summary: m[3] ?? "" });
  }
  return keys;
}

/** @example facts.get(rpmGpgKeys).some((k) => k.keyId === "621e9f35") */
export const rpmGpgKeys: Fact<RpmGpgKey[]> = {
  name: "rpm-gpg-keys",
  probe: [
    "command -v rpm >/dev/null 2>&1 || { echo no-rpm; exit 0; }",
    "rpm -q gpg-pubkey --qf 'ops-key %{VERSION} %{RELEASE} %{SUMMARY}\\n' || true",
  ].join("\n"),
  parse: parseRpmGpgKeys,
};
