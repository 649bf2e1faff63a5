/** What bundle create fetches from repos: one HTTP(S) GET with a size cap, and sha256 in hex. */
import { createHash } from "node:crypto";
import { send } from "../registry/http.js";

export const sha256Hex = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");

/** @example await fetchUrl("https://download.docker.com/linux/centos/gpg", 1024 ** 2) */
export async function fetchUrl(url: string, maxBytes: number): Promise<Buffer> {
  const u = new URL(url);
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new Error(`${url}: only http(s) URLs are fetched`);
  const answer = await send({ url: u.origin }, "GET", `${u.pathname}${u.search}`, {
    limits: { maxBytes, deadlineMs: 30 * 60_000 },
  });
  if (answer.status !== 200) throw new Error(`GET ${url} answered HTTP ${answer.status}`);
  return answer.body;
}
