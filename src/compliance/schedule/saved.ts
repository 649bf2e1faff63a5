/**
 * Schedules as saved on the control machine: one JSON file per schedule, readable only by its owner
 * (it may hold a notify URL with a token or a database URL), in the system's or the user's config.
 */
import { readdir, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../../errors.js";
import { writeFileAtomic } from "../../fs/write-atomic.js";
import { checkScheduleName, type ScheduleKind, type ScheduleSpec } from "./spec.js";

export interface SavedSchedule {
  version: 1;
  kind: ScheduleKind;
  spec: ScheduleSpec;
}

const fileOf = (dir: string, name: string) => join(dir, `${name}.json`);

export async function writeSaved(dir: string, saved: SavedSchedule): Promise<void> {
  await writeFileAtomic(fileOf(dir, saved.spec.name), `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
}

/** @throws ConfigError "no schedule named ..." */
export async function readSaved(dir: string, name: string): Promise<SavedSchedule> {
  checkScheduleName(name);
  const file = fileOf(dir, name);
  try {
    return JSON.parse(await readFile(file, "utf8")) as SavedSchedule;
  } catch {
    throw new ConfigError(`no schedule named '${name}'`, { file }, "ops schedule list");
  }
}

/** Names of the saved schedules, sorted. */
export async function listSaved(dir: string): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  return files
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

export const removeSaved = (dir: string, name: string): Promise<void> => unlink(fileOf(dir, name));
