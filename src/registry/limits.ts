/**
 * The bounds of the registry client and their documented defaults (docs/REGISTRY.md, "Bounds"), apart
 * from the client so the command line can show them without loading it.
 */

/** The bounds of one request. Defaults: DEFAULT_LIMITS; `ops registry` takes options for each. */
export interface Limits {
  /** From sending the request to the answer's last byte. */
  readonly deadlineMs: number;
  /** The longest silence allowed while connecting, waiting or reading. */
  readonly idleMs: number;
  /** The most bytes of one answer's body. */
  readonly maxBytes: number;
}

/**
 * 60 s per request, 30 s of silence, 32 MiB per answer (a catalog page of 1000 names or an image
 * index is a few hundred KiB at most).
 */
export const DEFAULT_LIMITS: Limits = { deadlineMs: 60_000, idleMs: 30_000, maxBytes: 32 * 1024 * 1024 };

/** The bounds of every request (http.ts) and of what the registry may make ops walk. */
export interface RegistryLimits extends Limits {
  /** Most pages of one list (catalog, tags); each page asks for PAGE entries. */
  readonly maxPages: number;
  /** Deepest nesting of indexes: a manifest is depth 0, an index of manifests 1. */
  readonly maxDepth: number;
  /** Most manifests read for one tag (an index of every platform plus attestations is a few dozen). */
  readonly maxManifests: number;
  /** The audit log's own bounds: it is read as a stream, and may be large. */
  readonly auditDeadlineMs: number;
  readonly auditMaxBytes: number;
}

/** Documented in docs/REGISTRY.md ("Bounds"); `ops registry --timeout/--idle-timeout/--max-bytes/--max-pages`. */
export const DEFAULT_REGISTRY_LIMITS: RegistryLimits = {
  ...DEFAULT_LIMITS,
  maxPages: 1000,
  maxDepth: 4,
  maxManifests: 1000,
  auditDeadlineMs: 600_000,
  auditMaxBytes: 4 * 1024 * 1024 * 1024,
};
