/** The repository page: its tags with digest, size, platforms, created time, what is attached, the pull command, and delete by role. */
import pLimit from "p-limit";
import {
  deleteConfirmation,
  platformLabel,
  readManifest,
  createdOf,
  tagRows,
  type TagInfo,
  type TagRow,
} from "../tags.js";
import { formatSize, mayDelete, pullCommand, shortDigest } from "../page.js";
import type { PortalMe } from "../me.js";
import { deleteManifest, get, manifest } from "./api.js";
import { h, show } from "./dom.js";
import { isTag } from "../../parse.js";

/** Tags read per repository page; manifests read at once. */
const MAX_TAGS = 1000;
const PARALLEL = 6;

async function tagInfo(repository: string, tag: string): Promise<TagInfo> {
  const m = await manifest(repository, tag);
  const facts = readManifest(m.body, m.type);
  if (typeof facts === "string") throw new Error(`${repository}:${tag}: ${facts}`);
  let size = facts.size;
  let config = facts.config;
  if (facts.platforms.length > 0) {
    // An index: the bytes are its platforms' configs and layers; created is the first platform's.
    size = 0;
    for (const p of facts.platforms.slice(0, 16)) {
      const child = readManifest((await manifest(repository, p.digest)).body);
      if (typeof child === "string") continue;
      size += child.size;
      if (config === "") config = child.config;
    }
  }
  let created = "";
  if (config !== "") {
    try {
      created = createdOf(await (await get(`/v2/${repository}/blobs/${config}`, "config")).text());
    } catch {
      created = "";
    }
  }
  return { tag, digest: m.digest, facts, size, created };
}

function copyButton(text: string): HTMLButtonElement {
  const b = h("button", { type: "button", class: "copy", "aria-label": `copy ${text}` }, "Copy");
  b.addEventListener("click", () => {
    void navigator.clipboard?.writeText(text).then(() => (b.textContent = "Copied"));
  });
  return b;
}

function row(
  me: PortalMe,
  host: string,
  repository: string,
  r: TagRow,
  onDelete: (r: TagRow) => void,
): HTMLElement {
  const cmd = pullCommand(host, repository, r.tag);
  return h(
    "tr",
    { "data-testid": `tag-${r.tag}` },
    h("td", { class: "name" }, r.tag),
    h("td", { class: "digest" }, h("code", {}, shortDigest(r.digest))),
    h("td", {}, formatSize(r.size)),
    h("td", {}, r.facts.platforms.length === 0 ? "single" : r.facts.platforms.map(platformLabel).join(", ")),
    h("td", {}, r.created === "" ? "?" : r.created.replace(/\.\d+Z$/, "Z")),
    h("td", {}, r.attached.length === 0 ? "none" : r.attached.map((a) => `${a.kind}: ${a.tag}`).join("; ")),
    h("td", { class: "pull" }, h("code", {}, cmd), " ", copyButton(cmd)),
    h(
      "td",
      {},
      mayDelete(me, repository) && isTag(r.tag)
        ? (() => {
            const b = h(
              "button",
              { type: "button", class: "danger", "aria-label": `delete ${r.tag}` },
              "Delete",
            );
            b.addEventListener("click", () => onDelete(r));
            return b;
          })()
        : null,
    ),
  );
}

function confirmDialog(text: string, onYes: () => void): HTMLDialogElement {
  const yes = h("button", { type: "button", class: "danger", "data-testid": "confirm-delete" }, "Delete");
  const no = h("button", { type: "button" }, "Cancel");
  const d = h(
    "dialog",
    { "aria-label": "confirm delete" },
    h("p", { "data-testid": "confirm-text" }, text),
    h("div", { class: "actions" }, no, yes),
  );
  no.addEventListener("click", () => d.close());
  yes.addEventListener("click", () => {
    d.close();
    onYes();
  });
  d.addEventListener("close", () => d.remove());
  return d;
}

export async function repositoryPage(main: HTMLElement, me: PortalMe, repository: string): Promise<void> {
  const status = h("p", { class: "status", "aria-live": "polite" }, "Loading tags…");
  show(main, h("h1", {}, repository), status);
  const list = (await (await get(`/v2/${repository}/tags/list?n=${MAX_TAGS}`, "tags")).json()) as {
    tags?: unknown;
  };
  const tags = Array.isArray(list.tags)
    ? list.tags.filter((t): t is string => typeof t === "string" && isTag(t))
    : [];
  const limit = pLimit(PARALLEL);
  const rows = tagRows(await Promise.all(tags.map((t) => limit(() => tagInfo(repository, t)))));
  const host = location.host;
  const onDelete = (r: TagRow): void => {
    const d = confirmDialog(deleteConfirmation(repository, r), () => {
      deleteManifest(repository, r.digest)
        // Drawn again the way navigation draws a page.
        .then(() => window.dispatchEvent(new HashChangeEvent("hashchange")))
        .catch((e: unknown) => (status.textContent = e instanceof Error ? e.message : String(e)));
    });
    document.body.append(d);
    d.showModal();
  };
  status.textContent = `${rows.length} tag(s)`;
  const head = ["Tag", "Digest", "Size", "Platforms", "Created", "Attached", "Pull", ""];
  main.append(
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        { "data-testid": "tags" },
        h("thead", {}, h("tr", {}, ...head.map((x) => h("th", {}, x)))),
        h("tbody", {}, ...rows.map((r) => row(me, host, repository, r, onDelete))),
      ),
    ),
  );
}
