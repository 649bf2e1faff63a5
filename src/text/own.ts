/**
 * Records keyed by names a user wrote (hosts, groups, variables). A name such as `__proto__`,
 * `constructor` or `toString` must be an ordinary key: assigning `obj["__proto__"] = x` would
 * replace the object's prototype, and reading `obj["constructor"]` would find Object's own
 * function. Writes define an own property; reads look at own properties only.
 */

/**
 * The value of an own property, or undefined: never one inherited from Object.prototype.
 *
 * @example ownValue({}, "constructor") === undefined
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Sets an own, enumerable property, even for `__proto__` (which plain assignment would turn into a
 * prototype change). Returns the record.
 *
 * @example Object.keys(setOwn({}, "__proto__", 1)) // ["__proto__"]
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): Record<string, T> {
  // Only `__proto__` is an accessor on Object.prototype; any other name assigns as an own property.
  if (key !== "__proto__") record[key] = value;
  else Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  return record;
}

/**
 * Copies the own properties of each source onto the target in order (later wins), like
 * Object.assign but without ever changing a prototype.
 *
 * @example assignOwn({}, JSON.parse('{"__proto__": {"x": 1}}')).x === undefined
 */
export function assignOwn<T>(
  target: Record<string, T>,
  ...sources: Readonly<Record<string, T>>[]
): Record<string, T> {
  for (const source of sources) for (const [k, v] of Object.entries(source)) setOwn(target, k, v);
  return target;
}
