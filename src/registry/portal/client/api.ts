/**
 * Every request the portal makes. Same origin only, with the session cookie; every request carries
 * `X-Ops-Portal: 1`, which nginx requires beside the cookie (a cross-site form cannot send a custom
 * header). The portal has no rights of its own: nginx judges each request with the same maps as
 * docker's, and a refusal is shown as the registry's own error.
 */
import { MANIFEST_TYPES } from "../../manifest-types.js";

const MANIFEST_ACCEPT = MANIFEST_TYPES.join(", ");

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const HEADERS = { "X-Ops-Portal": "1" };

async function fail(r: Response, what: string): Promise<never> {
  let detail = "";
  try {
    const body = (await r.json()) as { errors?: { message?: string; detail?: string }[] };
    const e = body.errors?.[0];
    detail = [e?.message, e?.detail].filter((x) => typeof x === "string" && x !== "").join(": ");
  } catch {
    // not the registry's error format
  }
  throw new HttpError(r.status, `${what}: ${r.status}${detail === "" ? "" : ` (${detail})`}`);
}

export async function get(path: string, what: string, accept?: string): Promise<Response> {
  const r = await fetch(path, {
    headers: accept === undefined ? HEADERS : { ...HEADERS, Accept: accept },
    credentials: "same-origin",
    redirect: "error",
  });
  if (!r.ok) await fail(r, what);
  return r;
}

/** UTF-8 safe base64 of `user:password` for the Basic sign-in (btoa takes Latin-1 only). */
function basic(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export async function signIn(user: string, password: string): Promise<void> {
  const r = await fetch("/ops/session", {
    method: "POST",
    headers: { ...HEADERS, Authorization: `Basic ${basic(user, password)}` },
    credentials: "same-origin",
  });
  if (!r.ok) await fail(r, "sign-in refused");
}

export async function signOut(): Promise<void> {
  const r = await fetch("/ops/session/end", { method: "POST", headers: HEADERS, credentials: "same-origin" });
  if (!r.ok) await fail(r, "sign-out failed");
}

export async function manifest(
  repository: string,
  reference: string,
): Promise<{ body: string; digest: string; type: string }> {
  const r = await get(
    `/v2/${repository}/manifests/${reference}`,
    `manifest ${repository}:${reference}`,
    MANIFEST_ACCEPT,
  );
  return {
    body: await r.text(),
    digest: r.headers.get("Docker-Content-Digest") ?? "",
    type: r.headers.get("Content-Type") ?? "",
  };
}

export async function deleteManifest(repository: string, digest: string): Promise<void> {
  const r = await fetch(`/v2/${repository}/manifests/${digest}`, {
    method: "DELETE",
    headers: HEADERS,
    credentials: "same-origin",
  });
  if (r.status !== 202) await fail(r, `delete ${repository}@${digest}`);
}
