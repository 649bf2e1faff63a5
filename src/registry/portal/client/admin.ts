/** System admins' pages: the audit log (filtered) and the accounts with their roles, read-only. */
import {
  auditEvents,
  readAuditLine,
  type AuditAction,
  type AuditFilter,
  type AuditRecord,
} from "../../audit.js";
import type { PortalMe } from "../me.js";
import { h, show } from "./dom.js";

/** The tail of the log the page reads: nginx serves the file with ranges. */
const TAIL_BYTES = 1 << 20;

function field(label: string, name: string, placeholder = ""): HTMLElement {
  return h("label", {}, label, " ", h("input", { name, placeholder, autocomplete: "off" }));
}

async function records(): Promise<AuditRecord[]> {
  const r = await fetch("/ops/audit", {
    headers: { "X-Ops-Portal": "1", Range: `bytes=-${TAIL_BYTES}` },
    credentials: "same-origin",
  });
  if (!r.ok) throw new Error(`audit log: ${r.status}`);
  const lines = (await r.text()).split("\n");
  // A range starts inside a line: its first line is dropped unless the whole file came.
  if (r.status === 206) lines.shift();
  return lines.flatMap((l) => {
    const read = readAuditLine(l);
    return read !== null && "record" in read ? [read.record] : [];
  });
}

export async function auditPage(main: HTMLElement): Promise<void> {
  const form = h(
    "form",
    { class: "filters", "aria-label": "filter" },
    field("User", "user"),
    field("Project", "project"),
    h(
      "label",
      {},
      "Action ",
      h(
        "select",
        { name: "action" },
        ...["", "push", "pull", "delete", "login"].map((a) =>
          h("option", { value: a }, a === "" ? "any" : a),
        ),
      ),
    ),
    field("Since", "since", "2026-12-07T00:00"),
    field("Until", "until"),
    h("button", { type: "submit" }, "Filter"),
  );
  const body = h("tbody");
  show(
    main,
    h("h1", {}, "Audit log"),
    form,
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        { "data-testid": "audit" },
        h(
          "thead",
          {},
          h("tr", {}, ...["Time", "User", "Action", "Image", "Status", "Client"].map((x) => h("th", {}, x))),
        ),
        body,
      ),
    ),
  );
  const all = await records();
  const draw = (): void => {
    const v = (n: string): string =>
      ((form.elements.namedItem(n) as HTMLInputElement | null)?.value ?? "").trim();
    const date = (s: string): Date | undefined =>
      s === "" || Number.isNaN(new Date(s).getTime()) ? undefined : new Date(s);
    const f: AuditFilter = {
      ...(v("user") === "" ? {} : { user: v("user") }),
      ...(v("project") === "" ? {} : { project: v("project") }),
      ...(v("action") === "" ? {} : { action: v("action") as AuditAction }),
      ...(date(v("since")) ? { since: date(v("since")) } : {}),
      ...(date(v("until")) ? { until: date(v("until")) } : {}),
    };
    const events = auditEvents(all, f).reverse().slice(0, 500);
    body.replaceChildren(
      ...events.map((e) =>
        h(
          "tr",
          {},
          h("td", {}, e.time.toISOString()),
          h("td", {}, e.user === "" ? "(anonymous)" : e.user),
          h("td", {}, `${e.denied ? "DENIED " : ""}${e.action}`),
          h("td", {}, `${e.repository}${e.reference === "" ? "" : `:${e.reference}`}`),
          h("td", {}, String(e.status)),
          h("td", {}, e.client),
        ),
      ),
    );
  };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    draw();
  });
  draw();
}

export function accountsPage(main: HTMLElement, me: PortalMe): void {
  show(
    main,
    h("h1", {}, "Accounts and roles"),
    h(
      "p",
      { class: "note" },
      "Read-only. The inventory is the source of truth: change registry_users and registry_projects there, then run ops run deploy-registry.",
    ),
    h(
      "table",
      { "data-testid": "accounts" },
      h("thead", {}, h("tr", {}, h("th", {}, "Account"), h("th", {}, "Kind"), h("th", {}, "Roles"))),
      h(
        "tbody",
        {},
        ...(me.accounts ?? []).map((a) =>
          h(
            "tr",
            {},
            h("td", {}, a.name),
            h("td", {}, a.admin ? "system admin" : a.robot ? "robot" : "user"),
            h(
              "td",
              {},
              Object.entries(a.roles)
                .map(([p, r]) => `${p}: ${r}`)
                .join(", ") || "none",
            ),
          ),
        ),
      ),
    ),
  );
}
