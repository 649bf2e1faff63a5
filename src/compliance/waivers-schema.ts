/**
 * The waivers file's schema, declared once: ajv validates waivers against it, `Static` gives the type
 * the loader reads, and docs/schemas/waivers.schema.json is generated from it (`npm run docs`; a test
 * fails when they differ).
 */
import Type, { type Static } from "typebox";

const WAIVER = Type.Object(
  {
    check: Type.String({
      description:
        "The check id (`ops check --list`), a pattern with `*`, or `drift.<playbook>[.<resource>]`.",
      minLength: 1,
    }),
    hosts: Type.Optional(
      Type.String({
        description: "The hosts it covers, as an Ansible --limit pattern (default: all).",
        minLength: 1,
      }),
    ),
    containers: Type.Optional(
      Type.String({
        description:
          "For per-container checks (4.1, section 5): the container names it covers, a pattern with `*` and `?` (default: every container). A failure is waived only when every container it names matches.",
        minLength: 1,
      }),
    ),
    justification: Type.String({
      description: "Why the exception is accepted, and who accepted it.",
      "x-expected": "a sentence saying why (it is required)",
      minLength: 10,
    }),
    expires: Type.String({
      description: "The last day the waiver holds (UTC); from the next day the check counts again.",
      "x-expected": "a date, YYYY-MM-DD",
      pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    }),
    run: Type.Optional(
      Type.Boolean({
        description:
          "Still run the check and report its real result beside the waiver (default true); false skips it on those hosts.",
      }),
    ),
  },
  {
    "x-expected": "a waiver: check, hosts, containers, justification, expires and run",
    additionalProperties: false,
  },
);

const WAIVERS = Type.Object({ waivers: Type.Array(WAIVER) }, { additionalProperties: false });

/** One waiver as the file holds it. */
export type WaiverEntry = Static<typeof WAIVER>;

export const waiversSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://github.com/ops/ops/docs/schemas/waivers.schema.json",
  title: "ops compliance waivers",
  description:
    "Accepted exceptions: a failing check on the hosts a pattern selects counts as waived until the expiry date.",
  "x-expected": "a mapping with a `waivers:` list",
  ...WAIVERS,
};
