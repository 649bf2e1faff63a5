/**
 * policy.json as the service sees it: read again whenever its size or modification time changed, so
 * a run's new rules apply at the next request with no restart. A file that cannot be read or parsed
 * throws on every decision until it is fixed (the service refuses rather than use stale rules).
 */
import { readFileSync, statSync } from "node:fs";
import { parsePolicyConfig, type PolicyConfig } from "./config.js";

export class ConfigSource<T = PolicyConfig> {
  private stamp = "";
  private value: T | null = null;

  /** `parse` defaults to policy.json's; the portal reads its accounts file the same way. */
  constructor(
    private readonly file: string,
    private readonly parse: (text: string) => T = parsePolicyConfig as (text: string) => T,
  ) {}

  current(): T {
    const s = statSync(this.file);
    const stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
    if (this.value === null || stamp !== this.stamp) {
      this.value = null;
      this.value = this.parse(readFileSync(this.file, "utf8"));
      this.stamp = stamp;
    }
    return this.value;
  }
}
