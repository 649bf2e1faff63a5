/**
 * The compliance policy's schema, declared once (like playbooks' variables): ajv validates policy
 * files against it, `Static` gives the type the loader reads, and docs/schemas/policy.schema.json is
 * generated from it (`npm run docs`; a test fails when they differ).
 */
import Type, { type Static } from "typebox";

const SEVERITY = Type.Unsafe<"high" | "medium" | "low">({ enum: ["high", "medium", "low"] });
const patterns = (description: string) =>
  Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description }));
const names = (description: string) =>
  Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description }));

export const checkParamsSchema = Type.Object(
  {
    allowed_insecure_registries: names(
      "Insecure registries (host:port or CIDR) the engine may trust; a host's own insecure_registries variable is always allowed.",
    ),
    docker_group_members: names(
      "Users allowed in the docker group; a host's own docker_users variable is always allowed.",
    ),
    minimum_engine_version: Type.Optional(
      Type.String({
        description: "The oldest engine version accepted.",
        "x-expected": 'a version such as "24.0" or "20.10.24"',
        pattern: "^[0-9]+(\\.[0-9]+){0,2}$",
      }),
    ),
    log_drivers: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: "Log drivers accepted as the daemon's default.",
        minItems: 1,
        "x-expected": "a non-empty list of log driver names",
      }),
    ),
    certs_max_mode: Type.Optional(
      Type.String({
        description: 'The most open mode a file under /etc/docker/certs.d may have (CIS 3.8: "0444").',
        "x-expected": 'an octal mode in quotes, such as "0444"',
        pattern: "^0?[0-7]{3}$",
      }),
    ),
    max_restart_retries: Type.Optional(
      Type.Integer({
        description: "The most restarts an on-failure restart policy may make (CIS 5.15 says 5).",
        minimum: 1,
        maximum: 1000,
      }),
    ),
  },
  {
    description: "What the checks judge against.",
    "x-expected": "a mapping of check parameters",
    additionalProperties: false,
  },
);

const POLICY = Type.Object(
  {
    level: Type.Optional(
      Type.Unsafe<1 | 2>({
        description:
          "Run the CIS checks of this profile level and below: 1 (default) or 2 (adds the level-2 recommendations, which cost functionality).",
        enum: [1, 2],
      }),
    ),
    include: patterns("Check ids or patterns (`*`) to run even when their level is above `level`."),
    exclude: patterns("Check ids or patterns (`*`) not to run."),
    drift: Type.Optional(
      Type.Boolean({
        description: "Report drift from the built-in playbooks' desired state (default true).",
      }),
    ),
    severity: Type.Optional(
      Type.Object(
        {},
        {
          description: "Severity overrides by check id or pattern.",
          "x-expected": "a mapping of check ids to high, medium or low",
          additionalProperties: SEVERITY,
        },
      ),
    ),
    params: Type.Optional(checkParamsSchema),
    secret_patterns: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        description:
          "Names of options whose values are secret, as globs (* any run, ? one character), besides the built-in ones (*token*, *password*, *secret*...): their values are masked in every report, history row and notification.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** What a policy file holds (every key optional). */
export type PolicyFile = Static<typeof POLICY> & { severity?: Record<string, "high" | "medium" | "low"> };

/** The schema as editors and ajv read it: an empty file (null) is a policy that changes nothing. */
export const policySchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://github.com/ops/ops/docs/schemas/policy.schema.json",
  title: "ops compliance policy",
  description:
    "Which checks `ops check` runs, their parameters and severities. Every key is optional; what is left out keeps the default policy's value (policies/default.yaml).",
  "x-expected": "a mapping with level, include, exclude, drift, severity, params and secret_patterns",
  ...POLICY,
  type: ["object", "null"],
};
