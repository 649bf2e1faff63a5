/** The built-in playbooks by name. Loaded lazily so a run imports only the one it needs. */
import type { Playbook } from "../src/playbook.js";

type Loader = () => Promise<{ default: Playbook<never> }>;

export const builtinPlaybooks: Record<string, Loader> = {
  "install-engine": () => import("./install-engine.js"),
};
