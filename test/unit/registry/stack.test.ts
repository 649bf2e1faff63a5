import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { gcTimerFiles, NGINX_RELOAD, renderStack } from "../../../src/registry/stack.js";
import { sampleModel, sampleSpec } from "./support/sample.js";

const tls = { certPem: "CERT\n", keyPem: "KEY\n" };
const content = (files: readonly { path: string; content: string }[], path: string): string => {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `${path} is rendered`);
  return f.content;
};

describe("registry stack rendering", () => {
  it("renders a compose project: pinned images, health checks, restart policy, labels, no published registry port", () => {
    const stack = renderStack(sampleSpec(), sampleModel(), tls);
    const compose = parse(content(stack.files, "/opt/ops-registry/compose.yaml")) as {
      services: Record<string, Record<string, unknown>>;
    };
    assert.deepEqual(Object.keys(compose.services).sort(), ["nginx", "proxy", "registry", "registry-ro"]);
    for (const [name, svc] of Object.entries(compose.services)) {
      assert.equal(svc.restart, "unless-stopped", name);
      assert.ok(svc.healthcheck, `${name} has a health check`);
      assert.deepEqual(svc.labels, { "ops.config-hash": stack.services[name] });
    }
    assert.equal(compose.services.registry?.ports, undefined, "only nginx publishes ports");
    assert.deepEqual(compose.services.nginx?.ports, ["443:443", "5443:5443"]);
    assert.equal(compose.services.registry?.image, "registry:2.8.3");
    assert.deepEqual(stack.ports, [443, 5443]);
  });

  it("changes only the changed service's hash; accounts and rules change no hash (nginx reloads)", () => {
    const base = renderStack(sampleSpec(), sampleModel(), tls).services;
    const otherNginx = renderStack(
      sampleSpec({ images: { registry: "registry:2.8.3", nginx: "nginx:1.28", policy: "node:22-alpine" } }),
      sampleModel(),
      tls,
    );
    assert.equal(otherNginx.services.registry, base.registry);
    assert.notEqual(otherNginx.services.nginx, base.nginx);
    const fewer = renderStack(
      sampleSpec(),
      { ...sampleModel(), accounts: [] },
      { certPem: "NEW\n", keyPem: "KEY\n" },
    );
    assert.deepEqual(fewer.services, base);
    const access = fewer.files.find((f) => f.path.endsWith("/access.conf"));
    assert.deepEqual(access?.notify, [NGINX_RELOAD]);
  });

  it("keeps secrets out of diffs and other users' reach: key 0600, proxy credentials marked", () => {
    const spec = sampleSpec({
      proxyCache: {
        port: 5443,
        remoteUrl: "https://hub",
        username: "u",
        password: "upstream-pw",
        public: false,
        members: [],
        allow: [],
      },
    });
    const stack = renderStack(spec, sampleModel(), tls);
    const key = stack.files.find((f) => f.path.endsWith("server.key"));
    assert.deepEqual([key?.mode, key?.sensitive], ["0600", true]);
    const proxy = stack.files.find((f) => f.path.endsWith("/proxy/config.yml"));
    assert.deepEqual([proxy?.mode, proxy?.sensitive], ["0600", true]);
    assert.match(proxy?.content ?? "", /password: "upstream-pw"/);
    assert.deepEqual(stack.dirs[0], { path: "/opt/ops-registry", mode: "0700" });
  });

  it("plain HTTP: no TLS files, nginx listens on 80", () => {
    const stack = renderStack(sampleSpec({ tls: false, port: 5000, proxyCache: null }), sampleModel(), null);
    assert.ok(!stack.files.some((f) => f.path.includes("/tls/")));
    assert.match(content(stack.files, "/opt/ops-registry/nginx/nginx.conf"), /listen 80;/);
    assert.match(content(stack.files, "/opt/ops-registry/compose.yaml"), /"5000:80"/);
  });

  it("renders the GC script (never --delete-untagged) and a timer only when scheduled", () => {
    const stack = renderStack(sampleSpec(), sampleModel(), tls);
    const gc = content(stack.files, "/opt/ops-registry/gc.sh");
    assert.match(gc, /registry garbage-collect \/etc\/ops-registry\/config\.yml >&2$/m);
    assert.doesNotMatch(gc.replace(/^#.*$/gm, ""), /--delete-untagged/);
    assert.match(gcTimerFiles(sampleSpec())[1]?.content ?? "", /^OnCalendar=Sun 03:00$/m);
    assert.deepEqual(gcTimerFiles(sampleSpec({ gcSchedule: "" })), []);
  });
});
