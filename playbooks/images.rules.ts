/**
 * The images playbook's cross-field rules, checked before anything connects: a `build_host` names
 * a host of the inventory (not only of this run's --limit) and belongs to a `build` image.
 */
import type { RuleProblem, VarRule } from "../src/playbook.js";
import type { ImagesVars } from "./images.vars.js";

export const buildHostInInventory: VarRule<ImagesVars> = {
  name: "build-host-in-inventory",
  check(vars, _host, inventory) {
    const problems: RuleProblem[] = [];
    vars.images.forEach((spec, i) => {
      const host = spec.build_host;
      if (host === undefined) return;
      if (spec.source !== "build")
        problems.push({
          variable: "images",
          path: `[${i}].build_host`,
          message: `build_host is set on image ${spec.ref}, whose source is ${spec.source}, not build`,
          hint: "remove build_host, or set source: build",
        });
      else if (inventory !== undefined && !inventory.hosts.includes(host))
        problems.push({
          variable: "images",
          path: `[${i}].build_host`,
          message: `build_host '${host}' of image ${spec.ref} is not a host of the inventory`,
          hint: `name one of: ${inventory.hosts.join(", ")}`,
        });
    });
    return problems;
  },
};

export const imagesRules: readonly VarRule<ImagesVars>[] = [buildHostInInventory];
