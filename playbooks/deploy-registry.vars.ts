/**
 * The variables of deploy-registry (and of registry-gc, which reads the same inventory): declared
 * once as a TypeBox schema, the TypeScript type derived from it. `ops playbooks` prints it, ajv
 * checks it, and the cross-field rules (registry-rules.ts) run on the validated values.
 */
import Type from "typebox";
import { bundleVariable } from "../src/bundle/variable.js";
import { EVENT_TYPES } from "../src/registry/policy/config.js";

/** Harbor's project roles, weakest first. A robot account may hold only the first two. */
export const ROLES = ["guest", "developer", "maintainer", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Lowercase only: nginx lowercases `map` keys, and Docker repository names are lowercase. */
const NAME = "^[a-z0-9]+(?:[._-][a-z0-9]+)*$";
const USER = "^[a-z0-9][a-z0-9._-]{0,62}$";
/** A date, or a date and time in UTC, as `expires` takes it. */
export const EXPIRES = "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?Z)?$";
/** A size: bytes, or a number with a binary unit. */
export const SIZE = "^[0-9]+(\\.[0-9]+)?\\s*(B|KiB|MiB|GiB|TiB)?$";
const FILE = (description: string) => Type.String({ description, default: "" });

const user = Type.Object(
  {
    name: Type.String({ pattern: USER, "x-expected": "a lowercase name (a-z, 0-9, '.', '_', '-')" }),
    password: Type.String({ minLength: 8, "x-ops-secret": true, description: "at least 8 characters" }),
    admin: Type.Optional(Type.Boolean({ description: "system admin: every project and the catalog" })),
    robot: Type.Optional(
      Type.Boolean({ description: "a robot account (named robot$<name>): guest or developer only" }),
    ),
    expires: Type.Optional(
      Type.String({
        pattern: EXPIRES,
        // Quoted or not: the YAML reader keeps a date as the text written (src/text/yaml-tags.ts).
        "x-expected": "a UTC date (2027-01-31) or date and time (2027-01-31T12:00:00Z)",
        description:
          "robots only: refused from this instant (a date: from its first second, UTC), removed by the next run",
      }),
    ),
  },
  { additionalProperties: false },
);

const member = Type.Object(
  {
    user: Type.String({ description: "a registry_users name (robot$<name> for a robot)" }),
    role: Type.Enum(ROLES, { description: "guest pulls, developer pushes, maintainer deletes, admin all" }),
  },
  { additionalProperties: false },
);

const project = Type.Object(
  {
    name: Type.String({ pattern: NAME, "x-expected": "a lowercase repository namespace like team-a" }),
    public: Type.Optional(Type.Boolean({ description: "anyone may pull without logging in" })),
    members: Type.Optional(Type.Array(member)),
    retention: Type.Optional(
      Type.Integer({ minimum: 0, description: "keep the newest N tags per repository (0: all)" }),
    ),
    immutable_tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
        description:
          "tag patterns (*, **, ?, {a,b}) that never move once pushed: a push over one is refused, a delete too",
      }),
    ),
    quota: Type.Optional(
      Type.String({
        pattern: SIZE,
        "x-expected": "a size like 10GiB or 500MiB",
        description:
          "storage the project's images may hold (each blob counted once); a push beyond is refused",
      }),
    ),
  },
  { additionalProperties: false },
);

const webhook = Type.Object(
  {
    name: Type.String({ pattern: NAME, "x-expected": "a lowercase name" }),
    project: Type.String({ description: "a registry_projects name" }),
    url: Type.String({ pattern: "^https?://[^/\\s]+\\S*$", "x-expected": "an http(s) URL" }),
    events: Type.Array(Type.Enum([...EVENT_TYPES]), {
      minItems: 1,
      description: "Harbor's event types to send",
    }),
    secret: Type.String({
      minLength: 16,
      "x-ops-secret": true,
      description: "HMAC-SHA256 key of the X-Ops-Signature-256 header (at least 16 characters)",
    }),
  },
  { additionalProperties: false },
);

/** Pinned by tag; the lab and hosts without internet override them (`registry_images`). */
export const IMAGES = {
  registry: "registry:2.8.3",
  nginx: "nginx:1.27-alpine",
  policy: "node:22-alpine",
} as const;
export const PROXY_CACHE = {
  enabled: false,
  port: 5443,
  remote_url: "https://registry-1.docker.io",
  username: "",
  password: "",
  public: false,
  members: [],
  allow: [],
} as const;

const port = (description: string, fallback: number) =>
  Type.Integer({ minimum: 1, maximum: 65535, description, default: fallback });

export const deployRegistryVariables = Type.Object(
  {
    ...bundleVariable,
    registry_group: Type.String({
      description: "inventory group whose host runs the registry; every other host only trusts it",
      default: "registry",
    }),
    registry_state: Type.Enum(["present", "absent"], {
      description: "absent removes the stack (the data stays unless --yes)",
      default: "present",
    }),
    registry_hostname: Type.String({
      description: "name engines use to reach the registry (a certificate SAN); empty: the host's address",
      pattern: "^($|[A-Za-z0-9.-]+)$",
      default: "",
    }),
    registry_port: port("port nginx publishes the registry on", 443),
    registry_dir: Type.String({
      description: "where the compose project lives",
      pattern: "^/\\S+$",
      default: "/opt/ops-registry",
    }),
    registry_data_dir: Type.String({
      description: "image storage and the audit log; never changed by a run",
      pattern: "^/\\S+$",
      default: "/var/lib/ops-registry",
    }),
    registry_tls: Type.Boolean({
      description: "serve HTTPS (false: plain HTTP, engines get insecure-registries)",
      default: true,
    }),
    registry_tls_cert_file: FILE(
      "your own server certificate (PEM, on this machine); empty: ops's CA signs one",
    ),
    registry_tls_key_file: FILE("the key of registry_tls_cert_file"),
    registry_tls_ca_file: FILE("the CA engines trust for your own certificate; empty: none needed"),
    registry_ca_dir: FILE("where ops keeps its CA and server certificates; empty: the inventory's folder"),
    registry_cert_days: Type.Integer({
      minimum: 30,
      description: "server certificate lifetime",
      default: 365,
    }),
    registry_cert_renew_days: Type.Integer({
      minimum: 1,
      description: "renew the server certificate this many days before it expires",
      default: 30,
    }),
    registry_images: Type.Object(
      {
        registry: Type.Optional(
          Type.String({ description: "CNCF Distribution image", default: IMAGES.registry }),
        ),
        nginx: Type.Optional(
          Type.String({ description: "nginx image (has busybox wget)", default: IMAGES.nginx }),
        ),
        policy: Type.Optional(
          Type.String({
            description: "image with node (20 or later) for the policy service",
            default: IMAGES.policy,
          }),
        ),
      },
      {
        description: "images, pinned by tag (point them at a mirror for hosts without internet)",
        default: IMAGES,
        additionalProperties: false,
      },
    ),
    registry_portal: Type.Boolean({
      description:
        "serve the browser portal at https://<registry>/ (browse, search, delete by role); runs the policy service",
      default: true,
    }),
    registry_users: Type.Array(user, { description: "accounts (bcrypt htpasswd)", default: [] }),
    registry_projects: Type.Array(project, {
      description: "projects: repository namespaces with members in Harbor's roles",
      default: [],
    }),
    registry_retention: Type.Integer({
      minimum: 0,
      description: "keep the newest N tags per repository at GC time, where a project sets none (0: all)",
      default: 0,
    }),
    // "true"/"false" as well: the flag is typed on the command line (`-e registry_gc_dry_run=true`).
    registry_gc_dry_run: Object.assign(
      Type.Unsafe<boolean | "true" | "false">({ enum: [false, true, "false", "true"] }),
      {
        description: "registry-gc only lists what it would delete, with sizes, and changes nothing",
        "x-expected": "true or false",
        default: false,
      },
    ),
    registry_audit_rotate_mb: Type.Integer({
      minimum: 1,
      description: "rotate the audit log once it holds this many MiB (checked every 10 minutes)",
      default: 100,
    }),
    registry_audit_keep: Type.Integer({
      minimum: 1,
      maximum: 99,
      description: "rotated audit logs kept (audit.log.1 .. audit.log.N)",
      default: 10,
    }),
    registry_verify_robot_ttl: Type.Integer({
      minimum: 10,
      maximum: 86400,
      description:
        "seconds the robot `ops verify` pushes its test image with lives; removed when the verify ends, refused once expired",
      default: 600,
    }),
    registry_gc_schedule: Type.String({
      description: "systemd OnCalendar for GC on the registry host, e.g. 'Sun 03:00'; empty: no timer",
      pattern: "^[A-Za-z0-9 *:,./~-]*$",
      default: "",
    }),
    registry_webhooks: Type.Array(webhook, {
      description: "HTTP(S) receivers of a project's events, HMAC-signed, retried with backoff",
      default: [],
    }),
    registry_metrics: Type.Object(
      {
        port: Type.Optional(
          Type.Integer({
            minimum: 0,
            maximum: 65535,
            description: "port nginx publishes /metrics on (0: none)",
            default: 0,
          }),
        ),
        allow: Type.Optional(
          Type.Array(
            Type.String({ pattern: "^[0-9a-fA-F.:]+(/[0-9]{1,3})?$", "x-expected": "an IP address or CIDR" }),
            {
              description: "addresses that may scrape it",
              default: [],
            },
          ),
        ),
      },
      {
        description: "Prometheus metrics of the registry and its policy service",
        default: { port: 0, allow: [] },
        additionalProperties: false,
      },
    ),
    registry_proxy_cache: Type.Object(
      {
        enabled: Type.Optional(Type.Boolean({ default: PROXY_CACHE.enabled })),
        port: Type.Optional(port("port of the pull-through cache", PROXY_CACHE.port)),
        remote_url: Type.Optional(
          Type.String({
            pattern: "^https?://\\S+$",
            "x-expected": "an http(s) URL",
            default: PROXY_CACHE.remote_url,
          }),
        ),
        username: Type.Optional(Type.String({ default: "" })),
        password: Type.Optional(Type.String({ default: "", "x-ops-secret": true })),
        public: Type.Optional(
          Type.Boolean({
            description:
              "anyone who reaches the port may pull (false: the inventory's hosts and members only)",
            default: false,
          }),
        ),
        members: Type.Optional(
          Type.Array(Type.String(), {
            description: "registry_users who may pull through it from anywhere, once logged in",
            default: [],
          }),
        ),
        allow: Type.Optional(
          Type.Array(
            Type.String({
              pattern: "^[0-9a-fA-F.:]+(/[0-9]{1,3})?$",
              "x-expected": "an IP address or CIDR, like 10.0.8.0/24",
            }),
            {
              description: "more addresses that may pull anonymously, besides every host of the inventory",
              default: [],
            },
          ),
        ),
      },
      {
        description: "a pull-through cache of Docker Hub (or remote_url) for engines' registry_mirrors",
        default: PROXY_CACHE,
        additionalProperties: false,
      },
    ),
  },
  { "x-ops-prefixes": ["registry_"] },
);

export type DeployRegistryVars = Type.Static<typeof deployRegistryVariables>;
