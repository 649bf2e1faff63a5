// Types of validators.generated.js (ajv standalone code, see standalone.ts).
import type { Validator } from "./ajv.js";

export declare const validateInventory: Validator;
export declare const validateInventoryVars: Validator;
export declare const validatePolicy: Validator;
export declare const validateWaivers: Validator;
/** The built-in playbooks' variables schemas (additionalProperties: true), by schemaKey. */
export declare const varsValidators: Readonly<Record<string, Validator>>;
