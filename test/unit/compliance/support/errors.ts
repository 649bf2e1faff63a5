/** The ConfigErrors a call throws, as a list (one error or many); fails the test when it throws nothing. */
import { strict as assert } from "node:assert";
import { ConfigError, ConfigErrors } from "../../../../src/errors.js";

export function errorsOf(fn: () => unknown): ConfigError[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors;
    if (err instanceof ConfigError) return [err];
    throw err;
  }
  assert.fail("no error");
}
