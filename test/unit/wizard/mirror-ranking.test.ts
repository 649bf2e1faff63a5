import { strict as assert } from "node:assert";
import type { UrlTiming } from "../../../src/facts/url-timings.js";
import { describeRanked, fastestFirst, rankMirrors } from "../../../src/wizard/mirror-ranking.js";
import { registryProbeUrl, repoCandidates, repoProbeUrl } from "../../../src/wizard/mirror-candidates.js";
import { SAMPLE_HOST_FACTS } from "../../../src/packages/host-facts.js";

const good = (ms: number, httpCode = 200): UrlTiming => ({ url: "u", reached: true, httpCode, ms });
const down = (error: string): UrlTiming => ({ url: "u", reached: false, httpCode: null, ms: 3000, error });

describe("wizard/mirror-ranking", () => {
  it("is usable only when every host got a good answer; the slowest host sets its time", () => {
    const ranked = rankMirrors(
      ["official", "lab", "half", "wrong"],
      [
        [down("timed out after 3 s"), good(4), good(2), good(5, 404)],
        [
          down("timed out after 3 s"),
          good(9),
          down("connection refused or no route to the host"),
          good(5, 404),
        ],
      ],
      [200],
    );
    assert.deepEqual(ranked, [
      { id: "official", good: 0, of: 2, slowestMs: null, usable: false, problem: "timed out after 3 s" },
      { id: "lab", good: 2, of: 2, slowestMs: 9, usable: true },
      {
        id: "half",
        good: 1,
        of: 2,
        slowestMs: 2,
        usable: false,
        problem: "connection refused or no route to the host",
      },
      { id: "wrong", good: 0, of: 2, slowestMs: null, usable: false, problem: "HTTP 404" },
    ]);
    assert.deepEqual(
      fastestFirst(ranked).map((r) => r.id),
      ["lab"],
    );
    assert.deepEqual(ranked.map(describeRanked), [
      "unreachable from 2/2 hosts: timed out after 3 s",
      "9 ms from 2/2 hosts",
      "unreachable from 1/2 hosts: connection refused or no route to the host",
      "no good answer from 2/2 hosts: HTTP 404",
    ]);
  });

  it("a registry's 401 is a good answer; the fastest usable comes first, ties keep their order", () => {
    const ranked = rankMirrors(["a", "b", "c"], [[good(30, 401), good(10), good(10)]], [200, 401]);
    assert.deepEqual(
      fastestFirst(ranked).map((r) => r.id),
      ["b", "c", "a"],
    );
  });

  it("candidates: the presets, then the user's URLs (a preset's own URL is the preset)", () => {
    const c = repoCandidates([
      "http://10.0.0.2/linux/centos/",
      "https://mirrors.aliyun.com/docker-ce/linux/centos",
    ]);
    assert.deepEqual(
      c.map((x) => x.id),
      ["official", "aliyun", "tuna", "ustc", "http://10.0.0.2/linux/centos"],
    );
    assert.equal(
      repoProbeUrl("http://10.0.0.2/linux/centos/", SAMPLE_HOST_FACTS.el9.os, "aarch64"),
      "http://10.0.0.2/linux/centos/9/aarch64/stable/repodata/repomd.xml",
    );
    // The wizard times apt mirrors too: the same candidate, the Debian host's signed index.
    assert.equal(
      repoProbeUrl("http://10.0.0.2/linux/centos/", SAMPLE_HOST_FACTS.debian12.os, "x86_64"),
      "http://10.0.0.2/linux/debian/dists/bookworm/InRelease",
    );
    assert.equal(registryProbeUrl("http://10.0.0.4:5000/"), "http://10.0.0.4:5000/v2/");
  });
});
