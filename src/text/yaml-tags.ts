/**
 * YAML 1.1's scalar tags as ops reads them, shared by both readers (yaml-source.ts, yaml-fast.ts):
 * Ansible's resolution (`yes` a boolean, `0123` octal...), except that a timestamp stays the text
 * written. YAML 1.1 makes `expires: 2027-01-31` (and `2001-12-14 21:59:43.10 -5`) a date; every
 * schema of ops wants text there, as Ansible's templates print it. Keeping the source text, rather
 * than printing a Date back, means `2026-02-30` is not silently March 2nd: the schema that checks
 * the value sees what the user wrote and names its file, dot-path and line.
 */
import { Schema, type ScalarTag, type Tags } from "yaml";

const TIMESTAMP = "tag:yaml.org,2002:timestamp";

const isTimestamp = (tag: Tags[number]): tag is ScalarTag =>
  typeof tag === "object" && tag.tag === TIMESTAMP && !("collection" in tag && tag.collection);

/** The tags given with the timestamp tag's value replaced by the scalar's own text. */
export function timestampsAsText(tags: Tags): Tags {
  return tags.map((tag) => (isTimestamp(tag) ? { ...tag, resolve: (text: string) => text } : tag));
}

/** YAML 1.1's scalar tags, timestamps as text, for a reader that resolves scalars itself. */
export function yaml11ScalarTags(): ScalarTag[] {
  return new Schema({ schema: "yaml-1.1", customTags: timestampsAsText }).tags as ScalarTag[];
}
