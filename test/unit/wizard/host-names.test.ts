import { strict as assert } from "node:assert";
import { parseOsRelease } from "../../../src/facts/os-release.js";
import { groupFor, nameHosts } from "../../../src/wizard/host-names.js";

const el9 = parseOsRelease('ID="rocky"\nVERSION_ID="9.3"\nID_LIKE="rhel centos fedora"\n');
const el7 = parseOsRelease('ID="centos"\nVERSION_ID="7"\n');
const deb = parseOsRelease('ID=debian\nVERSION_ID="12"\n');

describe("wizard/host-names", () => {
  it("groups by OS family and major version", () => {
    assert.deepEqual([groupFor(el9), groupFor(el7), groupFor(deb)], ["el9", "el7", "debian12"]);
  });

  it("names a host by its hostname when that is usable and unique, else by its address", () => {
    const named = nameHosts(
      [
        { label: "10.0.0.1", hostname: "web1", os: el9 },
        { label: "10.0.0.2", hostname: "localhost", os: el9 },
        { label: "10.0.0.3", hostname: "dup", os: el9 },
        { label: "10.0.0.4", hostname: "dup", os: el7 },
        { label: "10.0.0.5", hostname: "old-1", os: el9 },
        { label: "10.0.0.6:2222", hostname: "el7", os: el9 },
        { label: "10.0.0.7", hostname: "bad name!", os: deb },
      ],
      new Set(["old-1"]),
    );
    assert.deepEqual(
      named.map((n) => [n.name, n.group, n.nameFrom]),
      [
        ["web1", "el9", "hostname"],
        ["10.0.0.2", "el9", "address"],
        ["10.0.0.3", "el9", "address"],
        ["10.0.0.4", "el7", "address"],
        ["10.0.0.5", "el9", "address"],
        ["10.0.0.6:2222", "el9", "address"],
        ["10.0.0.7", "debian12", "address"],
      ],
    );
  });
});
