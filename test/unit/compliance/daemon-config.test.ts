import { strict as assert } from "node:assert";
import {
  boolFlag,
  boolSetting,
  daemonConfig,
  flagValues,
  listSetting,
  stringSetting,
} from "../../../src/compliance/daemon-config.js";
import { parseFile } from "../../../src/facts/file.js";
import { fileProbeOutput } from "./support/fixture-host.js";

const PATH = "/etc/docker/daemon.json";
const file = (json: string) => parseFile(`file:${PATH}`, fileProbeOutput(json));
const cmd = (...args: string[]) => ({
  running: true as const,
  pid: 42,
  via: "MainPID" as const,
  args: ["/usr/bin/dockerd", ...args],
});

describe("daemon configuration", () => {
  it("reads flag values in every form dockerd's parser accepts", () => {
    const args = [
      "-H",
      "fd://",
      "-H=unix:///a.sock",
      "-Htcp://1.2.3.4:2375",
      "--host=tcp://x:1",
      "--host",
      "tcp://y:2",
    ];
    assert.deepEqual(flagValues(args, "host", "H"), [
      "fd://",
      "unix:///a.sock",
      "tcp://1.2.3.4:2375",
      "tcp://x:1",
      "tcp://y:2",
    ]);
    assert.deepEqual(flagValues(["--hostname", "x"], "host", "H"), []);
  });

  it("reads boolean flags, the last one winning", () => {
    assert.equal(boolFlag(["--live-restore"], "live-restore"), true);
    assert.equal(boolFlag(["--icc=false"], "icc"), false);
    assert.equal(boolFlag(["--icc=false", "--icc"], "icc"), true);
    assert.equal(boolFlag(["--icc-other"], "icc"), undefined);
  });

  it("prefers the command line, then daemon.json, then the default, naming the source", () => {
    const cfg = daemonConfig(file('{"live-restore": true, "icc": false}'), cmd("--icc=true"), PATH);
    assert.deepEqual(boolSetting(cfg, "icc", "icc", true), { value: true, source: "/proc/42/cmdline" });
    assert.deepEqual(boolSetting(cfg, "live-restore", "live-restore", false), { value: true, source: PATH });
    assert.deepEqual(boolSetting(cfg, "no-new-privileges", "no-new-privileges", false), {
      value: false,
      source: "default",
    });
  });

  it("lists objects as key=value pairs and repeatable flags as they come", () => {
    const cfg = daemonConfig(
      file('{"log-opts": {"max-size": "10m"}, "data-root": "/srv/docker"}'),
      cmd(),
      PATH,
    );
    assert.deepEqual(listSetting(cfg, "log-opts", { long: "log-opt" }).value, ["max-size=10m"]);
    assert.deepEqual(stringSetting(cfg, "data-root", { long: "data-root" }), {
      value: "/srv/docker",
      source: PATH,
    });
    const flags = daemonConfig(file("{}"), cmd("--default-ulimit", "nofile=1024:2048"), PATH);
    assert.deepEqual(listSetting(flags, "default-ulimits", { long: "default-ulimit" }).value, [
      "nofile=1024:2048",
    ]);
  });

  it("says why daemon.json could not be read, and reads nothing from it", () => {
    const cfg = daemonConfig(file('{"icc": false'), { running: false }, PATH);
    assert.match(cfg.fileProblem ?? "", /is not valid JSON/);
    assert.deepEqual(cfg.file, {});
    assert.deepEqual(cfg.args, []);
    assert.match(daemonConfig(file("[1]"), { running: false }, PATH).fileProblem ?? "", /not a JSON object/);
    assert.deepEqual(daemonConfig({ exists: false }, { running: false }, PATH).file, {});
  });
});
