/**
 * What /metrics answers: the service's counters, gauges read now (each project's usage and quota,
 * each expiring account's expiry, the webhook queue), then Distribution's own series from its debug
 * port, fetched with a deadline and a size cap. A part that cannot be read is reported by an `_up`
 * gauge of 0, never by a made-up value.
 */
import type { PolicyConfig } from "./config.js";
import { usage } from "./decide.js";
import type { Metrics } from "./metrics.js";
import type { Storage } from "./storage.js";
import type { WebhookQueue } from "./webhooks.js";

const REGISTRY_METRICS_MAX = 8 * 1024 * 1024;

export interface ScrapeInput {
  readonly metrics: Metrics;
  readonly config: PolicyConfig;
  readonly storage: Storage;
  readonly now: number;
  readonly registryMetricsUrl: string;
  readonly queue: WebhookQueue;
}

async function registrySeries(url: string): Promise<string | null> {
  try {
    const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(3000) });
    if (res.status !== 200) return null;
    const text = await res.text();
    return text.length > REGISTRY_METRICS_MAX ? null : text;
  } catch {
    return null;
  }
}

export async function scrape(input: ScrapeInput): Promise<string> {
  const { metrics, config, storage } = input;
  let storageUp = 1;
  for (const p of config.projects) {
    try {
      metrics.set(
        "ops_registry_project_usage_bytes",
        "bytes a project's manifests hold, each blob once",
        { project: p.name },
        usage(storage.projectContent(p.name)),
      );
    } catch {
      storageUp = 0;
    }
    if (p.quota !== null)
      metrics.set(
        "ops_registry_project_quota_bytes",
        "a project's storage quota",
        { project: p.name },
        p.quota,
      );
  }
  metrics.set("ops_policy_storage_up", "1 when every project's usage could be read", {}, storageUp);
  for (const a of config.accounts)
    metrics.set(
      "ops_registry_account_expiry_timestamp_seconds",
      "when an account stops being accepted",
      { account: a.name },
      Math.floor(a.expires / 1000),
    );
  metrics.set(
    "ops_policy_webhook_pending",
    "webhook deliveries waiting or in flight",
    {},
    input.queue.pending,
  );
  let text = metrics.text();
  if (input.registryMetricsUrl !== "") {
    const series = await registrySeries(input.registryMetricsUrl);
    text += `# HELP ops_policy_registry_metrics_up 1 when the registry's own metrics were read\n# TYPE ops_policy_registry_metrics_up gauge\nops_policy_registry_metrics_up ${series === null ? 0 : 1}\n`;
    if (series !== null) text += series.endsWith("\n") ? series : `${series}\n`;
  }
  return text;
}
