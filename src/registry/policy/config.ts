/**
 * The policy service's configuration: `<registry_dir>/policy/policy.json`, rendered by deploy-registry
 * (policy-config.ts) and read by the service on the registry host. Only what the service decides with:
 * accounts that expire, each project's immutable tag patterns and quota, and the webhooks. Pure: the
 * text in, a checked value (or an error naming the dot-path) out. The service re-reads the file when
 * it changes, so a run that edits rules needs no restart.
 */

export interface PolicyAccount {
  /** As logged in with: `robot$ci`. */
  readonly name: string;
  /** Milliseconds since the epoch from which the account is refused. */
  readonly expires: number;
}

export interface PolicyProject {
  readonly name: string;
  /** Tag patterns (`*`, `**`, `?`, `{a,b}`); a tag matching one never moves once pushed. */
  readonly immutable: readonly string[];
  /** Bytes the project may hold, or null for no limit. */
  readonly quota: number | null;
}

/** Harbor's event type names. */
export const EVENT_TYPES = ["PUSH_ARTIFACT", "PULL_ARTIFACT", "DELETE_ARTIFACT", "QUOTA_EXCEED"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface PolicyWebhook {
  readonly name: string;
  readonly project: string;
  readonly url: string;
  readonly events: readonly EventType[];
  /** HMAC-SHA256 key of the X-Ops-Signature-256 header. */
  readonly secret: string;
}

export interface PolicyConfig {
  readonly accounts: readonly PolicyAccount[];
  readonly projects: readonly PolicyProject[];
  readonly webhooks: readonly PolicyWebhook[];
}

export const EMPTY_POLICY: PolicyConfig = { accounts: [], projects: [], webhooks: [] };

export class PolicyConfigError extends Error {}

type Json = unknown;

function fail(path: string, expected: string): never {
  throw new PolicyConfigError(`policy.json: ${path} must be ${expected}`);
}

function obj(v: Json, path: string): Record<string, Json> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "an object");
  return v as Record<string, Json>;
}

function arr(v: Json, path: string): Json[] {
  if (!Array.isArray(v)) fail(path, "a list");
  return v;
}

function str(v: Json, path: string): string {
  if (typeof v !== "string" || v === "") fail(path, "a non-empty string");
  return v;
}

function int(v: Json, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail(path, "a whole number >= 0");
  return v;
}

/**
 * @example parsePolicyConfig('{"accounts":[],"projects":[],"webhooks":[]}').projects // []
 */
export function parsePolicyConfig(text: string): PolicyConfig {
  let raw: Json;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PolicyConfigError(`policy.json: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const top = obj(raw, "(top)");
  return {
    accounts: arr(top.accounts ?? [], "accounts").map((a, i) => {
      const o = obj(a, `accounts.${i}`);
      return { name: str(o.name, `accounts.${i}.name`), expires: int(o.expires, `accounts.${i}.expires`) };
    }),
    projects: arr(top.projects ?? [], "projects").map((p, i) => {
      const o = obj(p, `projects.${i}`);
      return {
        name: str(o.name, `projects.${i}.name`),
        immutable: arr(o.immutable ?? [], `projects.${i}.immutable`).map((t, j) =>
          str(t, `projects.${i}.immutable.${j}`),
        ),
        quota: o.quota === null || o.quota === undefined ? null : int(o.quota, `projects.${i}.quota`),
      };
    }),
    webhooks: arr(top.webhooks ?? [], "webhooks").map((w, i) => {
      const o = obj(w, `webhooks.${i}`);
      const url = str(o.url, `webhooks.${i}.url`);
      if (!/^https?:\/\/[^/\s]+/.test(url)) fail(`webhooks.${i}.url`, "an http(s) URL");
      return {
        name: str(o.name, `webhooks.${i}.name`),
        project: str(o.project, `webhooks.${i}.project`),
        url,
        events: arr(o.events, `webhooks.${i}.events`).map((e, j) => {
          const t = str(e, `webhooks.${i}.events.${j}`);
          if (!(EVENT_TYPES as readonly string[]).includes(t))
            fail(`webhooks.${i}.events.${j}`, EVENT_TYPES.join(", "));
          return t as EventType;
        }),
        secret: str(o.secret, `webhooks.${i}.secret`),
      };
    }),
  };
}
