import { strict as assert } from "node:assert";
import { installCommands, removeCommands } from "../../../../src/compliance/schedule/scripts.js";
import type { ScheduleSpec } from "../../../../src/compliance/schedule/spec.js";
import { checkTimes } from "../../../../src/compliance/schedule/spec.js";
import { cronLine, renderUnits, systemdQuote, targetFor } from "../../../../src/compliance/schedule/units.js";
import { assertParses } from "../../facts/support/shell.js";

const spec: ScheduleSpec = {
  name: "nightly",
  onCalendar: "*-*-* 02:00:00",
  cron: "0 2 * * *",
  randomizedDelaySec: 1800,
  check: {
    inventory: "/srv/hosts.yaml",
    extraVars: [],
    history: "/var/lib/h.sqlite",
    reportDir: "/srv/r",
    forks: 50,
  },
};
const paths = { home: "/home/ann", node: "/usr/bin/node", opsBin: "/opt/my ops/bin/ops.js" };

describe("schedule units", () => {
  it("a user service and timer: the exact ops to run, Persistent, RandomizedDelaySec, OnCalendar", () => {
    const t = targetFor("systemd-user", "nightly", paths);
    assert.equal(t.unitDir, "/home/ann/.config/systemd/user");
    const { service, timer } = renderUnits(spec, t);
    assert.match(
      service,
      /^ExecStart="\/usr\/bin\/node" "\/opt\/my ops\/bin\/ops.js" "schedule" "run" "nightly"$/m,
    );
    assert.match(service, /^Type=oneshot$/m);
    assert.match(service, /^SuccessExitStatus=3$/m);
    assert.doesNotMatch(service, /network-online/, "user managers have no network-online.target");
    assert.match(timer, /^OnCalendar=\*-\*-\* 02:00:00$/m);
    assert.match(timer, /^Persistent=true$/m);
    assert.match(timer, /^RandomizedDelaySec=1800$/m);
    assert.match(timer, /^Unit=ops-check-nightly.service$/m);
    assert.match(timer, /^WantedBy=timers.target$/m);
  });

  it("a system service waits for the network and lives in /etc", () => {
    const t = targetFor("systemd-system", "nightly", paths);
    assert.equal(t.unitDir, "/etc/systemd/system");
    assert.equal(t.configDir, "/etc/ops/schedules");
    assert.match(renderUnits(spec, t).service, /^After=network-online.target$/m);
  });

  it("quotes ExecStart words for systemd: %, $, quotes and backslashes", () => {
    assert.equal(systemdQuote('/a b/%h/$X/"q"\\'), '"/a b/%%h/$$X/\\"q\\"\\\\"');
  });

  it("a cron line for root in /etc/cron.d, with cron's % escaped and the delay slept by ops", () => {
    const t = targetFor("cron-system", "nightly", { ...paths, opsBin: "/opt/ops%1/bin/ops.js" });
    assert.equal(
      cronLine(spec, t),
      "0 2 * * * root HOME=/home/ann /usr/bin/node /opt/ops\\%1/bin/ops.js schedule run nightly --delay 1800 # ops-check nightly",
    );
    assert.equal(t.cronFile, "/etc/cron.d/ops-check-nightly");
  });

  it("install and remove scripts are valid sh; file contents go on stdin", () => {
    for (const kind of ["systemd-system", "systemd-user", "cron-system", "cron-user"] as const) {
      const t = targetFor(kind, "nightly", paths);
      for (const c of [...installCommands(spec, t), ...removeCommands("nightly", t)]) {
        assertParses(c.script);
        assert.doesNotMatch(c.script, /OnCalendar|schedule run/, "no file content in a script");
      }
    }
    const user = installCommands(spec, targetFor("systemd-user", "nightly", paths));
    assert.equal(
      user[2]?.script,
      "set -e\nsystemctl --user daemon-reload\nsystemctl --user enable --now ops-check-nightly.timer",
    );
  });

  it("refuses a calendar or cron spec that would break its line", () => {
    assert.throws(() => checkTimes("daily\nExecStart=/bin/evil", "0 2 * * *"), /is not a calendar spec/);
    assert.throws(() => checkTimes("daily", "0 2 * *"), /is not five cron fields/);
    assert.throws(() => checkTimes("daily", "0 2 * * * rm"), /is not five cron fields/);
    checkTimes("Mon..Fri *-*-* 02:30:00", "30 2 * * 1-5");
  });

  it("hostile environments: a newline in HOME is refused; %, $, quotes and backslashes come back intact", () => {
    for (const kind of ["systemd-user", "cron-user"] as const) {
      const t = targetFor(kind, "nightly", { ...paths, home: "/home/ann\nExecStartPre=/bin/rm -rf /" });
      const render = () => (kind === "cron-user" ? cronLine(spec, t) : renderUnits(spec, t).service);
      assert.throws(render, /HOME '\/home\/ann\\nExecStartPre=\/bin\/rm -rf \/' holds a control character/);
    }
    assert.throws(
      () =>
        renderUnits(spec, targetFor("systemd-user", "nightly", { ...paths, opsBin: "/opt/ops\u001b[2J" })),
      /ops's path '\/opt\/ops\\u001b\[2J' holds a control character/,
    );
    const home = `/home/a%n'n "q" $HOME \\x %%`;
    const unit = renderUnits(spec, targetFor("systemd-user", "nightly", { ...paths, home })).service;
    const env = unit.split("\n").filter((l) => l.startsWith("Environment="));
    assert.equal(env.length, 1);
    assert.equal(systemdUnquote(env[0]?.slice("Environment=HOME=".length) ?? ""), home);
    const line = cronLine(spec, targetFor("cron-user", "nightly", { ...paths, home }));
    assert.equal(line.split("\n").length, 1);
    assert.doesNotMatch(line.replace(/\\%/g, ""), /%/, "an unescaped % is a newline to cron");
    const words = shWords(line.replace(/\\%/g, "%"));
    assert.deepEqual(words.slice(5, 9), [
      `HOME=${home}`,
      "/usr/bin/node",
      "/opt/my ops/bin/ops.js",
      "schedule",
    ]);
  });
});

/** systemd's reading of one double-quoted word: `\\`, `\"`, then specifiers `%%` and `$$`. */
function systemdUnquote(word: string): string {
  assert.match(word, /^".*"$/s);
  return word.slice(1, -1).replace(/\\(.)/g, "$1").replace(/%%/g, "%").replace(/\$\$/g, "$");
}

/** A POSIX shell's words (single quotes, backslashes, `#` comments), enough to read a cron command back. */
function shWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? "") + text.slice(i + 1, end);
      i = end;
    } else if (c === "\\") word = (word ?? "") + (text[++i] ?? "");
    else if (c === " ") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "#" && word === undefined) break;
    else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}
