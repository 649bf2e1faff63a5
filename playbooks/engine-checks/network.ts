/**
 * Chapter 7's network modes, each proven by what a container can see: bridge (a published port
 * answers from the host), host (the host's hostname and interfaces), none (only `lo`) and
 * container:<first> (the first container's address). The bridge container stays up until cleanup
 * so the container-mode check can join it.
 */
import { quote, sh } from "../../src/transport/quote.js";
import { verdict, field, lastLine, type ScriptCheck, type CheckContext } from "./script-check.js";
import { nameOf } from "./names.js";

const PORT = 8080;
const NEEDS = ["image.pull"] as const;
const webName = (ctx: CheckContext) => nameOf(ctx, "web");

/** Interface names from `ip -o link` lines (`2: eth0@if7: <...>` -> `eth0`). */
export function linkNames(output: string): string[] {
  const names = [...output.matchAll(/^\d+:\s+([^:@\s]+)[@:]/gm)].map((m) => m[1] ?? "");
  return [...new Set(names)].sort();
}

/** IPv4 addresses from `ip -o -4 addr` lines. */
export function inet4(output: string): string[] {
  return [...output.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1] ?? "");
}

/** The lines after a marker line (the raw output of a command printed below it). */
function after(output: string, marker: string): string {
  const lines = output.split("\n");
  const at = lines.indexOf(marker);
  return at < 0 ? "" : lines.slice(at + 1).join("\n");
}

/** Fetches http://127.0.0.1:PORT/ from the host with curl, else wget, else bash's /dev/tcp. */
const fetchFunction = [
  "fetch() {",
  '  if command -v curl >/dev/null 2>&1; then curl -fsS --max-time 3 "http://127.0.0.1:$1/"',
  '  elif command -v wget >/dev/null 2>&1; then wget -q -T 3 -O - "http://127.0.0.1:$1/"',
  "  else bash -c 'exec 3<>/dev/tcp/127.0.0.1/'\"$1\"'; printf \"GET / HTTP/1.0\\r\\n\\r\\n\" >&3; cat <&3'",
  "  fi",
  "}",
].join("\n");

export const networkBridge: ScriptCheck = {
  id: "network.bridge",
  title: "bridge network with a published port",
  chapter: "7",
  needs: NEEDS,
  effects: true,
  script: (ctx) => {
    const serve = `mkdir -p /tmp/www && echo ${ctx.token} > /tmp/www/index.html && exec httpd -f -p ${PORT} -h /tmp/www`;
    return [
      "set -e",
      `t ${sh(["docker", "run", "-d", "--name", webName(ctx), "-p", String(PORT), "--", ctx.image, "sh", "-c", serve])} >/dev/null`,
      `port=$(docker port ${quote(webName(ctx))} ${PORT}/tcp | head -n 1 | sed 's/.*://')`,
      'echo "port $port"',
      fetchFunction,
      // httpd needs a moment to listen: retry for about five seconds.
      'i=0; body=""',
      'while [ "$i" -lt 20 ]; do if body=$(fetch "$port" 2>&1); then break; fi; i=$((i + 1)); sleep 0.25; done',
      'echo "body $body"',
    ].join("\n");
  },
  command: (ctx) => `docker run -d -p ${PORT} ${ctx.image} httpd; curl http://127.0.0.1:<published port>/`,
  parse(result, ctx) {
    const port = field(result.output, "port");
    if (!port)
      return verdict(this, ctx, result, "fail", `no port was published: ${lastLine(result.output)}`, {
        hint: "check that dockerd runs with iptables and the bridge driver (`docker network inspect bridge`)",
      });
    // The page may come with headers (the /dev/tcp fallback): look for the token anywhere after `body`.
    const at = result.output.search(/^body /m);
    if (at >= 0 && result.output.slice(at).includes(ctx.token))
      return verdict(this, ctx, result, "pass", `host port ${port} answered with the container's page`);
    return verdict(this, ctx, result, "fail", `published port ${port} did not answer from the host`, {
      expected: `the page holding ${ctx.token}`,
      actual: lastLine(result.output),
      hint: "check ip forwarding (`sysctl net.ipv4.ip_forward`), the firewall and docker's iptables rules",
    });
  },
};

export const networkHost: ScriptCheck = {
  id: "network.host",
  title: "host network sees the host",
  chapter: "7",
  needs: NEEDS,
  effects: true,
  script: (ctx) => {
    const inside = 'echo "container-hostname $(hostname)"; echo container-links; ip -o link';
    return [
      "set -e",
      'echo "host-hostname $(cat /proc/sys/kernel/hostname)"',
      "echo \"host-links $(ls /sys/class/net | tr '\\n' ' ')\"",
      `t ${sh(["docker", "run", "--rm", "--name", nameOf(ctx, "hostnet"), "--network", "host", "--", ctx.image, "sh", "-c", inside])}`,
    ].join("\n");
  },
  command: (ctx) => `docker run --rm --network host ${ctx.image} sh -c 'hostname; ip -o link'`,
  parse(result, ctx) {
    const hostName = field(result.output, "host-hostname") ?? "";
    const seen = field(result.output, "container-hostname");
    // veth pairs come and go with other containers; the host's own interfaces must all be there.
    const stable = (names: string[]) => names.filter((n) => !n.startsWith("veth")).sort();
    const hostLinks = stable((field(result.output, "host-links") ?? "").split(/\s+/).filter(Boolean));
    const links = stable(linkNames(after(result.output, "container-links")));
    const expected = `hostname ${hostName}; interfaces ${hostLinks.join(" ")}`;
    const actual = `hostname ${seen ?? "?"}; interfaces ${links.join(" ") || "?"}`;
    if (seen === undefined)
      return verdict(
        this,
        ctx,
        result,
        "fail",
        `the host-mode container did not run: ${lastLine(result.output)}`,
      );
    if (seen === hostName && links.join(" ") === hostLinks.join(" "))
      return verdict(this, ctx, result, "pass", `the container sees ${actual}`);
    return verdict(this, ctx, result, "fail", "the host-mode container does not see the host's network", {
      expected,
      actual,
    });
  },
};

export const networkNone: ScriptCheck = {
  id: "network.none",
  title: "none network has only lo",
  chapter: "7",
  needs: NEEDS,
  effects: true,
  script: (ctx) =>
    [
      "set -e",
      "echo container-links",
      `t ${sh(["docker", "run", "--rm", "--name", nameOf(ctx, "none"), "--network", "none", "--", ctx.image, "ip", "-o", "link"])}`,
    ].join("\n"),
  command: (ctx) => `docker run --rm --network none ${ctx.image} ip -o link`,
  parse(result, ctx) {
    const links = linkNames(after(result.output, "container-links"));
    if (result.code === 0 && links.join(" ") === "lo")
      return verdict(this, ctx, result, "pass", "the container has only lo");
    return verdict(
      this,
      ctx,
      result,
      "fail",
      `the none-mode container has ${links.join(", ") || "no interfaces"}`,
      {
        expected: "lo",
        actual: links.join(" ") || lastLine(result.output),
      },
    );
  },
};

export const networkContainer: ScriptCheck = {
  id: "network.container",
  title: "container network shares the first container's address",
  chapter: "7",
  needs: ["image.pull", "network.bridge"],
  effects: true,
  script: (ctx) =>
    [
      "set -e",
      `echo "first $(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' ${quote(webName(ctx))})"`,
      "echo joined",
      `t ${sh(["docker", "run", "--rm", "--name", nameOf(ctx, "joined"), "--network", `container:${webName(ctx)}`, "--", ctx.image, "ip", "-o", "-4", "addr"])}`,
    ].join("\n"),
  command: (ctx) => `docker run --rm --network container:${webName(ctx)} ${ctx.image} ip -o -4 addr`,
  parse(result, ctx) {
    const first = (field(result.output, "first") ?? "").split(/\s+/).filter(Boolean);
    const joined = inet4(after(result.output, "joined"));
    const shared = first.filter((a) => joined.includes(a));
    if (result.code === 0 && shared.length > 0)
      return verdict(this, ctx, result, "pass", `both containers have ${shared.join(", ")}`);
    return verdict(this, ctx, result, "fail", "the joined container does not share the first one's address", {
      expected: first.join(" ") || "?",
      actual: joined.join(" ") || lastLine(result.output),
    });
  },
};

export const networkChecks: readonly ScriptCheck[] = [
  networkBridge,
  networkHost,
  networkNone,
  networkContainer,
];
