/**
 * The one way the portal puts anything on the page: elements built with createElement, text set
 * with textContent. No innerHTML, no inline handlers, no `style` attributes: a repository name,
 * tag or audit entry holding markup is shown as the text it is, and the strict CSP (no inline
 * script or style) holds.
 */

type Child = Node | string | null | undefined | false;

/** Attributes the page may set; URLs only as fragments the page built (`#/...`). */
export interface Attrs {
  readonly class?: string;
  readonly href?: string;
  readonly id?: string;
  readonly type?: string;
  readonly name?: string;
  readonly for?: string;
  readonly value?: string;
  readonly placeholder?: string;
  readonly autocomplete?: string;
  readonly role?: string;
  readonly "aria-label"?: string;
  readonly "aria-live"?: string;
  readonly "data-testid"?: string;
  readonly required?: boolean;
  readonly disabled?: boolean;
}

/**
 * @example h("a", { href: "#/p/team" }, "team")
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs) as [string, string | boolean | undefined][]) {
    if (v === undefined || v === false) continue;
    if (k === "href" && typeof v === "string" && !v.startsWith("#")) throw new Error("only fragment links");
    el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

/** Replaces what an element holds. */
export function show(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(
    ...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false),
  );
}
