/**
 * deploy-registry's cross-field rules: what the schema cannot say about one host's variables.
 * They run before anything connects, so a bad value is a configuration error naming the file and
 * line, and nothing on any host changes. Pure.
 */
import type { DeployRegistryVars } from "../../playbooks/deploy-registry.vars.js";
import type { RuleProblem, VarRule } from "../playbook.js";
import { accountName, VERIFY_PROJECT } from "./model.js";
import { POLICY_RULES } from "./policy-rules.js";

type Rule = VarRule<DeployRegistryVars>;

/** Indexes of values seen before, by value. */
function duplicates<T>(items: readonly T[], key: (t: T) => string): [number, string][] {
  const seen = new Set<string>();
  const out: [number, string][] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) out.push([i, k]);
    seen.add(k);
  });
  return out;
}

const uniqueUsers: Rule = {
  name: "unique-users",
  check: (v) =>
    duplicates(v.registry_users, accountName).map(([i, name]) => ({
      variable: "registry_users",
      path: `[${i}].name`,
      message: `account '${name}' is declared twice`,
    })),
};

const uniqueProjects: Rule = {
  name: "unique-projects",
  check: (v) =>
    duplicates(v.registry_projects, (p) => p.name).map(([i, name]) => ({
      variable: "registry_projects",
      path: `[${i}].name`,
      message: `project '${name}' is declared twice`,
      hint: "each project is one repository namespace: merge the two entries' members",
    })),
};

/** The verify project is ops's own: declaring it would give it members, a quota or a private flag. */
const reservedProject: Rule = {
  name: "reserved-project",
  check: (v) =>
    v.registry_projects.flatMap((p, i) =>
      p.name === VERIFY_PROJECT
        ? [
            {
              variable: "registry_projects",
              path: `[${i}].name`,
              message: `project '${VERIFY_PROJECT}' is reserved: ops verify pushes its test image there, anyone may pull from it`,
              hint: "give the project another name",
            },
          ]
        : [],
    ),
};

/** Verify robots' names are ops's own (model.ts, VERIFY_ROBOT): nginx reads them from their own files. */
const reservedRobots: Rule = {
  name: "reserved-robot-names",
  check: (v) =>
    v.registry_users.flatMap((u, i) =>
      u.robot === true && u.name.startsWith(`${VERIFY_PROJECT}-`)
        ? [
            {
              variable: "registry_users",
              path: `[${i}].name`,
              message: `robot names starting with '${VERIFY_PROJECT}-' are reserved: ops verify makes its own robots with them`,
              hint: "give the robot another name",
            },
          ]
        : [],
    ),
};

const knownMembers: Rule = {
  name: "members-are-accounts",
  check(v) {
    const accounts = new Set(v.registry_users.map(accountName));
    const problems: RuleProblem[] = [];
    v.registry_projects.forEach((p, pi) => {
      const members = p.members ?? [];
      members.forEach((m, mi) => {
        const path = `[${pi}].members[${mi}].user`;
        if (!accounts.has(m.user)) {
          const robot = accounts.has(`robot$${m.user}`) ? ` (a robot account is robot$${m.user})` : "";
          problems.push({
            variable: "registry_projects",
            path,
            message: `project '${p.name}': '${m.user}' is not in registry_users${robot}`,
          });
        } else if (members.findIndex((x) => x.user === m.user) !== mi) {
          problems.push({
            variable: "registry_projects",
            path,
            message: `project '${p.name}': '${m.user}' is a member twice; give one role`,
          });
        }
      });
    });
    return problems;
  },
};

/** Harbor's robot accounts: a narrow role, no interactive use (no admin, no delete). */
const narrowRobots: Rule = {
  name: "robots-are-narrow",
  check(v) {
    const problems: RuleProblem[] = [];
    v.registry_users.forEach((u, i) => {
      if (u.robot === true && u.admin === true) {
        problems.push({
          variable: "registry_users",
          path: `[${i}].admin`,
          message: `robot account 'robot$${u.name}' cannot be a system admin`,
        });
      }
    });
    v.registry_projects.forEach((p, pi) =>
      (p.members ?? []).forEach((m, mi) => {
        if (m.user.startsWith("robot$") && m.role !== "guest" && m.role !== "developer") {
          problems.push({
            variable: "registry_projects",
            path: `[${pi}].members[${mi}].role`,
            message: `robot account '${m.user}' may be a guest or a developer of '${p.name}', not a ${m.role}`,
          });
        }
      }),
    );
    return problems;
  },
};

const distinctPorts: Rule = {
  name: "distinct-ports",
  check: (v) =>
    v.registry_proxy_cache.enabled === true && v.registry_proxy_cache.port === v.registry_port
      ? [
          {
            variable: "registry_proxy_cache",
            path: ".port",
            message: `the proxy cache and the registry both want port ${v.registry_port}`,
          },
        ]
      : [],
};

const pairs: Rule = {
  name: "complete-pairs",
  check(v) {
    const problems: RuleProblem[] = [];
    const cert = v.registry_tls_cert_file !== "";
    if (cert !== (v.registry_tls_key_file !== "")) {
      problems.push({
        variable: cert ? "registry_tls_cert_file" : "registry_tls_key_file",
        message: "registry_tls_cert_file and registry_tls_key_file go together",
      });
    }
    if (!v.registry_tls && (cert || v.registry_tls_ca_file !== "")) {
      problems.push({
        variable: "registry_tls",
        message: "registry_tls is false, but a certificate is given",
        hint: "remove registry_tls_* files, or set registry_tls: true",
      });
    }
    const pc = v.registry_proxy_cache;
    if ((pc.username ?? "") !== "" && (pc.password ?? "") === "") {
      problems.push({
        variable: "registry_proxy_cache",
        path: ".password",
        message: "the proxy cache's upstream username needs its password",
      });
    }
    const accounts = new Set(v.registry_users.map(accountName));
    (pc.members ?? []).forEach((m, i) => {
      if (!accounts.has(m))
        problems.push({
          variable: "registry_proxy_cache",
          path: `.members[${i}]`,
          message: `proxy cache member '${m}' is no registry_users account`,
          hint: "a robot is named robot$<name>",
        });
    });
    return problems;
  },
};

const dataApart: Rule = {
  name: "data-outside-project",
  check: (v) =>
    `${v.registry_data_dir}/`.startsWith(`${v.registry_dir}/`) ||
    `${v.registry_dir}/`.startsWith(`${v.registry_data_dir}/`)
      ? [
          {
            variable: "registry_data_dir",
            message: `registry_data_dir (${v.registry_data_dir}) and registry_dir (${v.registry_dir}) must not hold one another`,
            hint: "registry_state: absent removes registry_dir and keeps the data",
          },
        ]
      : [],
};

/** Every rule of deploy-registry, in the order their problems are reported. */
export const REGISTRY_RULES: readonly Rule[] = [
  uniqueUsers,
  uniqueProjects,
  reservedProject,
  reservedRobots,
  knownMembers,
  narrowRobots,
  distinctPorts,
  pairs,
  dataApart,
  ...POLICY_RULES,
];
