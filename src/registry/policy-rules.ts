/**
 * deploy-registry's rules about the policy service's variables: expiry only on robots and a real
 * date, immutable patterns that compile, webhooks of declared projects with unique names, metrics
 * with somebody allowed to scrape them on a port of their own. Pure.
 */
import type { DeployRegistryVars } from "../../playbooks/deploy-registry.vars.js";
import type { RuleProblem, VarRule } from "../playbook.js";
import { expiresAt } from "./model.js";
import { compilePattern, PatternError } from "./policy/patterns.js";

type Rule = VarRule<DeployRegistryVars>;

const expiringRobots: Rule = {
  name: "expiry-on-robots",
  check(v) {
    const problems: RuleProblem[] = [];
    v.registry_users.forEach((u, i) => {
      if (u.expires === undefined) return;
      if (u.robot !== true)
        problems.push({
          variable: "registry_users",
          path: `[${i}].expires`,
          message: `'${u.name}' is no robot: only robot accounts expire`,
          hint: "add robot: true, or remove expires",
        });
      else if (Number.isNaN(expiresAt(u.expires)))
        problems.push({
          variable: "registry_users",
          path: `[${i}].expires`,
          message: `'${u.expires}' is no date`,
        });
    });
    return problems;
  },
};

const immutablePatterns: Rule = {
  name: "immutable-patterns",
  check(v) {
    const problems: RuleProblem[] = [];
    v.registry_projects.forEach((p, pi) =>
      (p.immutable_tags ?? []).forEach((t, ti) => {
        try {
          compilePattern(t);
        } catch (e) {
          if (!(e instanceof PatternError)) throw e;
          problems.push({
            variable: "registry_projects",
            path: `[${pi}].immutable_tags[${ti}]`,
            message: e.message,
          });
        }
      }),
    );
    return problems;
  },
};

const webhooks: Rule = {
  name: "webhooks",
  check(v) {
    const projects = new Set(v.registry_projects.map((p) => p.name));
    const problems: RuleProblem[] = [];
    v.registry_webhooks.forEach((w, i) => {
      if (!projects.has(w.project))
        problems.push({
          variable: "registry_webhooks",
          path: `[${i}].project`,
          message: `'${w.project}' is no registry_projects name`,
        });
      if (v.registry_webhooks.findIndex((x) => x.name === w.name) !== i)
        problems.push({
          variable: "registry_webhooks",
          path: `[${i}].name`,
          message: `webhook '${w.name}' is declared twice`,
        });
    });
    return problems;
  },
};

const metrics: Rule = {
  name: "metrics",
  check(v) {
    const port = v.registry_metrics.port ?? 0;
    if (port === 0) return [];
    const problems: RuleProblem[] = [];
    if ((v.registry_metrics.allow ?? []).length === 0)
      problems.push({
        variable: "registry_metrics",
        path: ".allow",
        message: "metrics are published, but nobody may scrape them",
        hint: "list the Prometheus servers' addresses",
      });
    const taken = [
      v.registry_port,
      ...(v.registry_proxy_cache.enabled === true ? [v.registry_proxy_cache.port] : []),
    ];
    if (taken.includes(port))
      problems.push({
        variable: "registry_metrics",
        path: ".port",
        message: `port ${port} is already the registry's`,
      });
    return problems;
  },
};

export const POLICY_RULES: readonly Rule[] = [expiringRobots, immutablePatterns, webhooks, metrics];
