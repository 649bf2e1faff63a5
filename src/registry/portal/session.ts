/**
 * The portal's session: a short-lived signed cookie, issued only after nginx verified the account's
 * password (htpasswd, rate limit, audit) and checked on every request the page makes. The cookie is
 * `v1.<user b64url>.<expiry s>.<nonce>.<grants>.<HMAC-SHA256 b64url>` (grants: the fingerprint of
 * the account's rights at sign-in, grants.ts); the key is made when the service
 * starts and never leaves its memory (a restart ends every session). Sign-out revokes the nonce
 * until the cookie would have expired anyway, so a copied cookie is dead after sign-out.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const COOKIE = "ops_session";
/** Seconds a session lasts. */
export const SESSION_SECONDS = 900;
/** Revocations kept at most (sign-outs within SESSION_SECONDS); beyond it the oldest go first. */
const MAX_REVOKED = 100_000;

const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");

export class Sessions {
  private readonly key: Buffer;
  /** nonce -> expiry (s). */
  private readonly revoked = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    key: Buffer = randomBytes(32),
  ) {
    this.key = key;
  }

  private mac(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }

  /** A new session's cookie value for a verified account. @example sessions.issue("dev", grantsOf(model, "dev")) */
  issue(user: string, grants: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(grants)) throw new Error("a session's grants are a base64url digest");
    const exp = Math.floor(this.now() / 1000) + SESSION_SECONDS;
    const payload = `v1.${b64url(user)}.${exp}.${randomBytes(16).toString("base64url")}.${grants}`;
    return `${payload}.${this.mac(payload)}`;
  }

  /** The account of a live session, or null (forged, expired, revoked, malformed). */
  check(value: string): { user: string; nonce: string; exp: number; grants: string } | null {
    if (value.length > 1024) return null;
    const parts = value.split(".");
    if (parts.length !== 6 || parts[0] !== "v1") return null;
    const [, user64 = "", expText = "", nonce = "", grants = "", mac = ""] = parts;
    const want = Buffer.from(this.mac(parts.slice(0, 5).join(".")));
    const got = Buffer.from(mac);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
    const exp = Number(expText);
    if (!/^\d{1,12}$/.test(expText) || exp * 1000 <= this.now()) return null;
    if (this.revoked.has(nonce)) return null;
    const user = Buffer.from(user64, "base64url").toString("utf8");
    return user === "" ? null : { user, nonce, exp, grants };
  }

  /** Ends a session for good. @example sessions.end(cookieValue) */
  end(value: string): void {
    const s = this.check(value);
    if (s === null) return;
    const nowS = this.now() / 1000;
    for (const [n, exp] of this.revoked) if (exp <= nowS) this.revoked.delete(n);
    while (this.revoked.size >= MAX_REVOKED) {
      const oldest = this.revoked.keys().next().value;
      if (oldest === undefined) break;
      this.revoked.delete(oldest);
    }
    this.revoked.set(s.nonce, s.exp);
  }
}

/** The session cookie's value in a Cookie header, or "". @example cookieValue("a=1; ops_session=x") === "x" */
export function cookieValue(header: string | undefined): string {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === COOKIE) return v.join("=");
  }
  return "";
}

/** Set-Cookie for a session (empty value: clears it). */
export function setCookie(value: string): string {
  const age = value === "" ? 0 : SESSION_SECONDS;
  return `${COOKIE}=${value}; Max-Age=${age}; Path=/; HttpOnly; Secure; SameSite=Strict`;
}
