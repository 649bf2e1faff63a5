/**
 * `ops schedule check|list|remove` against a scripted control machine (the fake transport): the
 * inputs are checked before anything is installed, the saved schedule is private, and the exact
 * install and remove commands run.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, statSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  scheduleCheck,
  scheduleList,
  scheduleRemove,
  type ScheduleCheckOptions,
  type ScheduleDeps,
} from "../../../src/cli/schedule-command.js";
import { checkOptionsOf } from "../../../src/cli/schedule-run-command.js";
import type { ScheduledCheck } from "../../../src/compliance/schedule/spec.js";
import { ConfigError } from "../../../src/errors.js";
import { FakeTransport, ok } from "../../../src/transport/fake.js";

const INVENTORY = fileURLToPath(new URL("../../fixtures/inventory/lab/hosts.yaml", import.meta.url));
const WAIVERS = fileURLToPath(new URL("../../fixtures/compliance/inputs/waivers.yaml", import.meta.url));
const VAULTED = fileURLToPath(new URL("../../fixtures/vault/inventory/hosts.yaml", import.meta.url));
const BAD_POLICY = fileURLToPath(
  new URL("../../fixtures/compliance/inputs/bad-policy.yaml", import.meta.url),
);

describe("ops schedule (scripted control machine)", () => {
  const home = mkdtempSync(join(tmpdir(), "ops-sched-"));
  after(() => rmSync(home, { recursive: true, force: true }));
  const out: string[] = [];
  const transport = new FakeTransport("localhost", [
    { match: /id -u/, result: ok("systemd-user\n") },
    {
      match: /systemd-analyze calendar/,
      result: (s) =>
        s.includes("never-ever")
          ? { code: 1, stdout: "", stderr: "Failed to parse calendar specification" }
          : ok(),
    },
    {
      match: /show 'ops-check-nightly.timer'|show ops-check-nightly.timer/,
      result: ok("ActiveState=active\nNextElapseUSecRealtime=Sat 2026-05-02 02:07:12 UTC\n"),
    },
    { match: /./, result: ok() },
  ]);
  const deps: ScheduleDeps = { transport, write: (t) => out.push(t), env: { HOME: home }, isRoot: false };
  const opts: ScheduleCheckOptions = {
    name: "nightly",
    onCalendar: "*-*-* 02:00:00",
    cron: "0 2 * * *",
    randomizedDelay: 900,
    useCron: false,
    inventory: INVENTORY,
    extraVars: [],
    waivers: WAIVERS,
    notify: "https://chat.example/hook?token=s3cret",
    forks: 20,
  };

  it("checks the inputs first: a bad policy installs nothing", async () => {
    await assert.rejects(
      scheduleCheck({ ...opts, policy: BAD_POLICY }, deps),
      (e: unknown) => e instanceof Error && e.name !== "AssertionError",
    );
    assert.equal(transport.calls.length, 0);
  });

  it("a calendar systemd does not understand is a configuration error", async () => {
    await assert.rejects(
      scheduleCheck({ ...opts, onCalendar: "never-ever" }, deps),
      (e: unknown) => e instanceof ConfigError && e.location.path === "--on-calendar",
    );
  });

  it("installs user units through the transport and saves the schedule readable by its owner only", async () => {
    transport.calls.length = 0;
    assert.equal(await scheduleCheck(opts, deps), 0);
    const scripts = transport.calls.map((c) => c.script);
    const units = transport.calls.filter((c) => c.stdin?.includes("[Unit]")).map((c) => c.stdin ?? "");
    assert.equal(units.length, 2);
    assert.ok(
      units.some((u) => u.includes("OnCalendar=*-*-* 02:00:00") && u.includes("RandomizedDelaySec=900")),
    );
    assert.ok(scripts.some((s) => s.includes(`p=${home}/.config/systemd/user/ops-check-nightly.timer`)));
    assert.equal(
      scripts.at(-1),
      "set -e\nsystemctl --user daemon-reload\nsystemctl --user enable --now ops-check-nightly.timer",
    );
    assert.ok(
      transport.calls.every((c) => !c.script.includes("s3cret")),
      "the notify URL never reaches a script",
    );
    const saved = join(home, ".config", "ops", "schedules", "nightly.json");
    assert.equal(statSync(saved).mode & 0o777, 0o600);
    const spec = JSON.parse(readFileSync(saved, "utf8")) as {
      kind: string;
      spec: { check: { history: string; notify: string } };
    };
    assert.equal(spec.kind, "systemd-user");
    assert.equal(spec.spec.check.history, join(home, ".local", "state", "ops", "history.sqlite"));
    assert.ok(
      existsSync(spec.spec.check.history),
      "the history was opened (and migrated) when the schedule was made",
    );
    assert.match(out.join(""), /loginctl enable-linger/);
  });

  it("a vaulted inventory's schedule keeps the vault options (absolute password files, never a password); a prompt cannot be scheduled", async () => {
    const pass = join(home, "vault-pass");
    writeFileSync(pass, "fixture-pass\n", { mode: 0o600 });
    const vaulted = { ...opts, name: "vaulted", inventory: VAULTED, waivers: undefined };
    delete vaulted.waivers;
    // Without a password the inventory cannot be read: nothing is installed.
    transport.calls.length = 0;
    await assert.rejects(scheduleCheck(vaulted, deps), /vault/i);
    assert.equal(transport.calls.length, 0);
    await assert.rejects(
      scheduleCheck({ ...vaulted, askVaultPass: true }, deps),
      (e: unknown) => e instanceof ConfigError && e.location.path === "--ask-vault-pass",
    );
    await assert.rejects(
      scheduleCheck({ ...vaulted, vaultId: ["prod@prompt"] }, deps),
      (e: unknown) => e instanceof ConfigError && e.location.path === "--vault-id",
    );
    const cwd = process.cwd();
    process.chdir(home);
    try {
      assert.equal(
        await scheduleCheck(
          { ...vaulted, vaultPasswordFile: ["vault-pass"], vaultId: ["prod@vault-pass"] },
          deps,
        ),
        0,
      );
    } finally {
      process.chdir(cwd);
    }
    const file = join(home, ".config", "ops", "schedules", "vaulted.json");
    const text = readFileSync(file, "utf8");
    const saved = JSON.parse(text) as {
      spec: { check: { vaultPasswordFile?: string[]; vaultId?: string[] } };
    };
    assert.deepEqual(saved.spec.check.vaultPasswordFile, [pass]);
    assert.deepEqual(saved.spec.check.vaultId, [`prod@${pass}`]);
    assert.doesNotMatch(text, /fixture-pass/);
    const run = checkOptionsOf(saved.spec.check as ScheduledCheck, "vaulted");
    assert.deepEqual([run.vaultPasswordFile, run.vaultId], [[pass], [`prod@${pass}`]]);
    // OPS_VAULT_PASSWORD_FILE, when no option names a file: saved, since the timer will not have it.
    assert.equal(
      await scheduleCheck({ ...vaulted }, { ...deps, env: { ...deps.env, OPS_VAULT_PASSWORD_FILE: pass } }),
      0,
    );
    const fromEnv = JSON.parse(readFileSync(file, "utf8")) as typeof saved;
    assert.deepEqual(fromEnv.spec.check.vaultPasswordFile, [pass]);
    await scheduleRemove("vaulted", deps);
  });

  it("saves --keep-runs, --keep-days and --waive-configured, and the timer's run passes them to ops check", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-sched-keep-"));
    const mine: ScheduleDeps = { ...deps, env: { HOME: dir } };
    assert.equal(
      await scheduleCheck({ ...opts, name: "kept", keepRuns: 30, keepDays: 90, waiveConfigured: true }, mine),
      0,
    );
    const saved = JSON.parse(readFileSync(join(dir, ".config", "ops", "schedules", "kept.json"), "utf8")) as {
      spec: { check: ScheduledCheck };
    };
    assert.equal(saved.spec.check.keepRuns, 30);
    assert.equal(saved.spec.check.keepDays, 90);
    assert.equal(saved.spec.check.waiveConfigured, true);
    const run = checkOptionsOf(saved.spec.check, "kept");
    assert.equal(run.keepRuns, 30);
    assert.equal(run.keepDays, 90);
    assert.equal(run.waiveConfigured, true);
    assert.equal(run.metricsName, "kept");
    // Without them, the run keeps every run and waives nothing it was not told to.
    const plain = checkOptionsOf(
      {
        ...saved.spec.check,
        keepRuns: undefined,
        keepDays: undefined,
        waiveConfigured: undefined,
      } as ScheduledCheck,
      "kept",
    );
    assert.ok(!("keepRuns" in plain) && !("keepDays" in plain) && !("waiveConfigured" in plain));
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the schedule with its timer", async () => {
    out.length = 0;
    await scheduleList(deps);
    assert.match(
      out.join(""),
      /^nightly {2}systemd-user {2}\*-\*-\* 02:00:00 {2}timer: active {2}next: Sat 2026-05-02 02:07:12 UTC/,
    );
  });

  it("removes it: timer stopped, units deleted, schedule forgotten", async () => {
    transport.calls.length = 0;
    await scheduleRemove("nightly", deps);
    assert.match(transport.calls[0]?.script ?? "", /^systemctl --user disable --now ops-check-nightly.timer/);
    assert.ok(!existsSync(join(home, ".config", "ops", "schedules", "nightly.json")));
    await assert.rejects(scheduleRemove("nightly", deps), /no schedule named 'nightly'/);
  });
});
