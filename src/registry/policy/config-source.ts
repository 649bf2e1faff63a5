/**
 * policy.json as the service sees it: read again whenever its size or modification time changed, so
 * a run's new rules apply at the next request with no restart. A file that cannot be read or parsed
 * throws on every decision until it is fixed (the service refuses rather than use stale rules).
 */
import { readFileSync, statSync } from "node:fs";
import { parsePolicyConfig, type PolicyConfig } from "./config.js";

export class ConfigSource {
  private stamp = "";
  private value: PolicyConfig | null = null;

  constructor(private readonly file: string) {}

  current(): PolicyConfig {
    const s = statSync(this.file);
    const stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
    if (this.value === null || stamp !== this.stamp) {
      this.value = null;
      this.value = parsePolicyConfig(readFileSync(this.file, "utf8"));
      this.stamp = stamp;
    }
    return this.value;
  }
}
