/**
 * The portal's entry point (bundled by esbuild into portal.js, loaded by index.html as a module):
 * reads who the visitor is (/ops/portal/me, the file nginx serves for the account it verified),
 * draws the header and the page the URL fragment names, and redraws on navigation.
 */
import type { PortalMe } from "../me.js";
import { mayOpen, navigation, parseRoute, routeHash, type Route } from "../page.js";
import { get, HttpError, signIn, signOut } from "./api.js";
import { accountsPage, auditPage } from "./admin.js";
import { h, show } from "./dom.js";
import { projectPage, projectsPage } from "./projects.js";
import { repositoryPage } from "./repository.js";

const header = document.getElementById("top") as HTMLElement;
const main = document.getElementById("main") as HTMLElement;

async function whoAmI(): Promise<PortalMe> {
  try {
    return (await (await get("/ops/portal/me", "who am I")).json()) as PortalMe;
  } catch (e) {
    // A session that ended (expired, or the service restarted): drop its cookie, go on anonymous.
    if (!(e instanceof HttpError && e.status === 401)) throw e;
    await signOut();
    return (await (await get("/ops/portal/me", "who am I")).json()) as PortalMe;
  }
}

function drawHeader(me: PortalMe, route: Route): void {
  const search = h(
    "form",
    { role: "search", class: "search" },
    h("input", {
      name: "q",
      type: "search",
      placeholder: "Search projects and repositories",
      "aria-label": "search",
      value: route.page === "projects" ? route.q : "",
    }),
  );
  search.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = (search.elements.namedItem("q") as HTMLInputElement).value;
    location.hash = routeHash({ page: "projects", q });
  });
  const who =
    me.user === ""
      ? h("a", { href: "#/signin", class: "button", "data-testid": "signin" }, "Sign in")
      : (() => {
          const b = h("button", { type: "button", "data-testid": "signout" }, "Sign out");
          b.addEventListener("click", () => {
            void signOut().finally(() => {
              location.hash = "#/";
              void start();
            });
          });
          return h("span", { class: "who" }, h("span", { "data-testid": "user" }, me.user), " ", b);
        })();
  show(
    header,
    h("a", { href: "#/", class: "brand" }, "ops registry"),
    h("nav", { "aria-label": "main" }, ...navigation(me).map((n) => h("a", { href: n.hash }, n.label))),
    search,
    who,
  );
}

function signInPage(): void {
  const error = h("p", { class: "error", role: "alert" });
  const form = h(
    "form",
    { class: "signin", "aria-label": "sign in" },
    h("label", { for: "user" }, "Account"),
    h("input", { id: "user", name: "user", autocomplete: "username", required: true }),
    h("label", { for: "password" }, "Password"),
    h("input", {
      id: "password",
      name: "password",
      type: "password",
      autocomplete: "current-password",
      required: true,
    }),
    h("button", { type: "submit" }, "Sign in"),
    error,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = (n: string): string => (form.elements.namedItem(n) as HTMLInputElement).value;
    signIn(v("user"), v("password"))
      .then(() => {
        location.hash = "#/";
        return start();
      })
      .catch((err: unknown) => (error.textContent = err instanceof Error ? err.message : String(err)));
  });
  show(
    main,
    h("h1", {}, "Sign in"),
    h("p", {}, "With your registry account (the one docker login uses)."),
    form,
  );
}

async function draw(me: PortalMe): Promise<void> {
  const route = parseRoute(location.hash);
  drawHeader(me, route);
  if (!mayOpen(me, route)) {
    show(main, h("h1", {}, "Not found"), h("p", {}, "No such page, or not for your account."));
    return;
  }
  switch (route.page) {
    case "signin":
      return signInPage();
    case "projects":
      return projectsPage(main, me, route.q);
    case "project":
      return projectPage(main, route.project, route.last, route.q);
    case "repository":
      return repositoryPage(main, me, route.repository);
    case "audit":
      return auditPage(main);
    case "accounts":
      return accountsPage(main, me);
  }
}

let me: PortalMe | undefined;

async function render(): Promise<void> {
  try {
    me ??= await whoAmI();
    await draw(me);
    document.body.dataset.ready = "1";
  } catch (e) {
    show(
      main,
      h("h1", {}, "Error"),
      h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : String(e)),
    );
    document.body.dataset.ready = "1";
  }
}

async function start(): Promise<void> {
  me = undefined;
  await render();
}

window.addEventListener("hashchange", () => {
  document.body.dataset.ready = "0";
  void render();
});
void start();
