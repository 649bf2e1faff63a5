import { strict as assert } from "node:assert";
import { SAMPLE_HOST_FACTS } from "../../../../src/packages/host-facts.js";
import { sourcesFile } from "../../../../src/packages/deb/sources-file.js";
import type { RepositorySpec } from "../../../../src/packages/family.js";

const spec = (over: Partial<RepositorySpec["sources"][number]> = {}): RepositorySpec => ({
  name: "docker",
  keyPath: "/etc/apt/keyrings/docker.asc",
  sources: [
    {
      id: "docker-ce-stable",
      name: "Docker CE Stable",
      url: "https://download.docker.com/linux/debian",
      components: ["stable"],
      ...over,
    },
  ],
});

describe("packages/deb/sources-file", () => {
  it("writes a deb822 stanza for the host's codename, checked against the key by Signed-By", () => {
    const f = sourcesFile(spec(), SAMPLE_HOST_FACTS.debian12);
    assert.equal(f.path, "/etc/apt/sources.list.d/docker.sources");
    assert.equal(
      f.content,
      [
        "# managed by ops: changes made by hand are overwritten on the next run.",
        "",
        "# docker-ce-stable: Docker CE Stable",
        "Types: deb",
        "URIs: https://download.docker.com/linux/debian",
        "Suites: bookworm",
        "Components: stable",
        "Enabled: yes",
        "Signed-By: /etc/apt/keyrings/docker.asc",
        "",
      ].join("\n"),
    );
  });

  it("writes given suites, architectures and a disabled source", () => {
    const f = sourcesFile(
      spec({ suites: ["jammy"], architectures: ["amd64", "arm64"], enabled: false }),
      SAMPLE_HOST_FACTS.debian12,
    );
    assert.match(f.content, /^Suites: jammy$/m);
    assert.match(f.content, /^Architectures: amd64 arm64$/m);
    assert.match(f.content, /^Enabled: no$/m);
  });

  it("refuses values that would smuggle another field or line into the file", () => {
    const bad: Partial<RepositorySpec["sources"][number]>[] = [
      { url: "https://x.example/debian\nSigned-By: /tmp/evil.asc" },
      { url: "https://x.example/a b" },
      { url: "ftp.example/debian" },
      { name: "Docker\nTrusted: yes" },
      { components: ["stable main"] },
      { suites: ["bookworm\nTrusted: yes"] },
      { id: "a b" },
    ];
    for (const over of bad)
      assert.throws(
        () => sourcesFile(spec(over), SAMPLE_HOST_FACTS.debian12),
        /cannot be written to a \.sources file/,
        JSON.stringify(over),
      );
    assert.throws(
      () => sourcesFile({ ...spec(), keyPath: "relative.asc" }, SAMPLE_HOST_FACTS.debian12),
      /key path/,
    );
    assert.throws(() => sourcesFile({ ...spec(), name: "../x" }, SAMPLE_HOST_FACTS.debian12), /name/);
  });

  it("refuses a host without a codename when no suite is given", () => {
    const noCodename = {
      ...SAMPLE_HOST_FACTS.debian12,
      os: { ...SAMPLE_HOST_FACTS.debian12.os, codename: "" },
    };
    assert.throws(() => sourcesFile(spec(), noCodename), /suite/);
  });
});
