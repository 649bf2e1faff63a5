/**
 * Mirrors chosen by measurement: the docker-ce repo candidates and registry mirrors are fetched
 * from every host at once (one round trip per host, bounded timeouts), ranked, and the fastest one
 * every host reaches is offered first.
 */
import { DOCKER_MIRRORS } from "../../playbooks/docker-repo.js";
import { urlTimings, type UrlTiming } from "../facts/url-timings.js";
import { gatherFacts } from "../run/gather-facts.js";
import type { Ask } from "./ask.js";
import { liveLines, type LiveOutput } from "./live-lines.js";
import {
  DOCKER_HUB_API,
  REGISTRY_OK,
  registryCandidates,
  registryProbeUrl,
  repoCandidates,
  repoProbeUrl,
  validateUrl,
  type Candidate,
} from "./mirror-candidates.js";
import { describeRanked, fastestFirst, rankMirrors, type Ranked } from "./mirror-ranking.js";
import { asUser } from "./probe-host.js";
import type { ProbedHost } from "./probe-step.js";

export interface MirrorsResult {
  /** A preset name or a base URL, as `docker_mirror` takes it. */
  repo: string;
  /** True when `repo` is the user's own URL (its signing key must be checked). */
  customRepo: boolean;
  registryMirrors: string[];
  /** Where the choices came from, for the comments of group_vars/all.yaml. */
  repoNote: string;
  mirrorsNote: string;
}

export interface MirrorsDeps {
  out: LiveOutput;
  say: (line: string) => void;
  /** Each fetch's bound in seconds. Default 3. */
  timeoutSeconds?: number;
}

/**
 * Question ids `docker_repo.candidates`, `docker_repo.choice` (`yum_repo.*` in older answers files), `registry_mirrors.candidates`, `registry_mirrors.choice`.
 *
 * @example const mirrors = await mirrorsStep(ask, hosts, { out, say });
 */
export async function mirrorsStep(
  ask: Ask,
  hosts: readonly ProbedHost[],
  deps: MirrorsDeps,
): Promise<MirrorsResult> {
  const repoExtra = await ask.lines("docker_repo.candidates", {
    message:
      "Your own mirror of Docker's repos to time too (its root, holding linux/centos and linux/debian; Enter: none)",
    validate: validateUrl,
    optional: true,
  });
  const registryExtra = await ask.lines("registry_mirrors.candidates", {
    message: "Registry mirrors to time (e.g. http://mirror.internal:5000; Enter: none)",
    validate: validateUrl,
    optional: true,
  });
  const repos = repoCandidates(repoExtra);
  const registries = registryCandidates(registryExtra);
  const timings = await measure(hosts, repos, registries, deps);
  const repoRanked = rankMirrors(
    repos.map((c) => c.id),
    timings.map((t) => t.slice(0, repos.length)),
    [200],
  );
  const regTimings = timings.map((t) => t.slice(repos.length));
  const registryRanked = rankMirrors([...registries.map((c) => c.id), "hub"], regTimings, [...REGISTRY_OK]);
  const hub = registryRanked.pop() as Ranked;

  const best = fastestFirst(repoRanked)[0];
  deps.say(table("docker-ce repo", repos, repoRanked, best?.id));
  if (registries.length > 0)
    deps.say(table("registry mirrors", registries, registryRanked, fastestFirst(registryRanked)[0]?.id));
  deps.say(
    `  Docker Hub itself: ${describeRanked(hub)}${hub.usable ? "" : " (a registry mirror is needed)"}`,
  );

  const picked = await ask.chooseOrType("docker_repo.choice", {
    message: "Which docker-ce repo?",
    choices: repos.map((c, i) => ({
      value: c.id,
      name: `${c.name}${c.id === best?.id ? "  (fastest)" : ""}`,
      short: c.url,
      description: describeRanked(repoRanked[i] as Ranked),
    })),
    default: best?.id ?? "official",
    other: { name: "another URL (not measured)…", message: "Base URL of the repo", validate: validateUrl },
    keywords: { fastest: best?.id ?? { unavailable: "no repo candidate answered from every host" } },
  });
  const repo = picked.replace(/\/+$/, "");
  const repoNote = note(
    `docker-ce repo${repo === best?.id ? ": the fastest every host reached" : ": chosen in ops init"}, timed from ${hosts.length} host(s)`,
    repoRanked,
    repo,
  );

  const usable = fastestFirst(registryRanked).map((r) => r.id);
  let registryMirrors: string[] = [];
  if (registries.length > 0) {
    registryMirrors = await ask.chooseMany("registry_mirrors.choice", {
      message: "Registry mirrors to use (docker tries them in this order)",
      choices: [...registries]
        .sort((a, b) => rankOf(usable, a.id) - rankOf(usable, b.id))
        .map((c) => {
          const r = registryRanked.find((x) => x.id === c.id) as Ranked;
          return { value: c.id, name: `${c.name}  ${describeRanked(r)}`, short: c.url, checked: r.usable };
        }),
      keywords: { fastest: usable, none: [], all: registries.map((c) => c.id) },
    });
  }
  const hubLine = `Docker Hub itself: ${describeRanked(hub)}`;
  const mirrorsNote =
    registries.length === 0
      ? `no registry mirror given; ${hubLine}`
      : `${note(`registry mirrors, timed from ${hosts.length} host(s)`, registryRanked, undefined)}\n  ${hubLine}`;
  return { repo, customRepo: !(repo in DOCKER_MIRRORS), registryMirrors, repoNote, mirrorsNote };
}

/**
 * A comment of a few lines: what was measured and how each candidate did; candidates that did the
 * same are on one line.
 */
function note(title: string, ranked: readonly Ranked[], chosen: string | undefined): string {
  const rows: { said: string; ids: string[] }[] = [];
  for (const r of ranked) {
    const said = describeRanked(r);
    // The chosen one has a line of its own, even when another did just the same.
    const row =
      r.id === chosen ? undefined : rows.find((x) => x.said === said && !x.ids.includes(chosen ?? ""));
    if (row) row.ids.push(r.id);
    else rows.push({ said, ids: [r.id] });
  }
  const lines = rows.map((x) => `  ${x.ids.join(", ")}: ${x.said}`);
  if (chosen !== undefined && !ranked.some((r) => r.id === chosen))
    lines.unshift(`  ${chosen}: given in ops init, not measured`);
  return [`${title}:`, ...lines].join("\n");
}

function rankOf(order: readonly string[], id: string): number {
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
}

/** Every candidate from every host, one round trip each: `result[host][candidate]` (repos, registries, hub). */
async function measure(
  hosts: readonly ProbedHost[],
  repos: readonly Candidate[],
  registries: readonly Candidate[],
  deps: MirrorsDeps,
): Promise<UrlTiming[][]> {
  const seconds = deps.timeoutSeconds ?? 3;
  const live = liveLines(
    deps.out,
    hosts.map((h) => h.label),
  );
  try {
    return await Promise.all(
      hosts.map(async (h) => {
        const urls = [
          ...repos.map((c) => repoProbeUrl(c.url, h.facts.os, h.facts.kernel.arch)),
          ...registries.map((c) => registryProbeUrl(c.url)),
          DOCKER_HUB_API,
        ];
        live.set(h.label, `timing ${urls.length} URLs (at most ${seconds * 2} s)`);
        const fact = urlTimings(urls, seconds);
        try {
          const set = await gatherFacts(asUser(h.transport), [fact]);
          const result = set.get(fact);
          live.set(h.label, `✔ ${result.filter((t) => t.reached).length} of ${urls.length} answered`, true);
          return result;
        } catch (error) {
          const reason = (error as Error).message;
          live.set(h.label, `✖ could not time the mirrors: ${reason}`, true);
          return urls.map((url) => ({ url, reached: false, httpCode: null, ms: null, error: reason }));
        }
      }),
    );
  } finally {
    live.done();
  }
}

/** A small table: one row per candidate, the fastest marked. */
function table(
  title: string,
  candidates: readonly Candidate[],
  ranked: readonly Ranked[],
  best: string | undefined,
): string {
  const width = Math.max(...candidates.map((c) => c.name.length));
  const rows = candidates.map((c, i) => {
    const mark = c.id === best ? "→" : " ";
    return `  ${mark} ${c.name.padEnd(width)}  ${describeRanked(ranked[i] as Ranked)}`;
  });
  return [`  ${title}:`, ...rows].join("\n");
}
