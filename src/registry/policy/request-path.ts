/**
 * Which of the writes the service decides a request is, from its method and raw path, with the same
 * route patterns nginx classified it with (routes.ts): a manifest PUT or DELETE, or the commit (PUT)
 * of an upload with its `digest` parameter. Anything else is null: the service decides nothing else.
 */
import { DIGEST, NAME, TAG } from "../routes.js";

export type PolicyRoute =
  | {
      readonly kind: "manifest-put" | "manifest-delete";
      readonly repository: string;
      readonly reference: string;
      readonly digest?: undefined;
    }
  | {
      readonly kind: "upload-commit";
      readonly repository: string;
      readonly reference: string;
      readonly digest: string | undefined;
    };

const MANIFEST = new RegExp(`^/v2/(${NAME})/manifests/(${TAG}|${DIGEST})(?:\\?|$)`);
const UPLOAD = new RegExp(`^/v2/(${NAME})/blobs/uploads/([a-zA-Z0-9_.=-]+)(?:\\?(.*))?$`);

/**
 * @example classify("PUT", "/v2/team/app/manifests/v1") // { kind: "manifest-put", repository: "team/app", reference: "v1" }
 */
export function classify(method: string, url: string): PolicyRoute | null {
  const m = MANIFEST.exec(url);
  if (m !== null && (method === "PUT" || method === "DELETE")) {
    return {
      kind: method === "PUT" ? "manifest-put" : "manifest-delete",
      repository: m[1] ?? "",
      reference: m[2] ?? "",
    };
  }
  const u = UPLOAD.exec(url);
  if (u !== null && method === "PUT") {
    const digest = new URLSearchParams(u[3] ?? "").get("digest") ?? undefined;
    return { kind: "upload-commit", repository: u[1] ?? "", reference: u[2] ?? "", digest };
  }
  return null;
}
