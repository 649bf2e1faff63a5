/**
 * How the control machine reaches the registry deploy-registry stood up: its `host:port` name,
 * URL and the CA ops made for it (read from the inventory's folder). Shared by `ops registry` and
 * the images playbook's control-side steps.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { DeployRegistryVars } from "../../playbooks/deploy-registry.vars.js";
import { ConfigError } from "../errors.js";
import { CA_CERT_FILE } from "./ca-store.js";
import type { Endpoint } from "./http.js";

type EndpointVars = Pick<
  DeployRegistryVars,
  | "registry_tls"
  | "registry_tls_cert_file"
  | "registry_tls_ca_file"
  | "registry_ca_dir"
  | "registry_hostname"
  | "registry_port"
>;

function caOf(vars: EndpointVars, inventoryDir: string): string | undefined {
  if (!vars.registry_tls) return undefined;
  if (vars.registry_tls_cert_file !== "") {
    const ca = vars.registry_tls_ca_file;
    if (ca === "") return undefined; // a publicly trusted certificate
    return readFileSync(isAbsolute(ca) ? ca : resolve(inventoryDir, ca), "utf8");
  }
  const path = join(vars.registry_ca_dir !== "" ? vars.registry_ca_dir : inventoryDir, CA_CERT_FILE);
  if (!existsSync(path)) {
    throw new ConfigError(
      `no registry CA at ${path}`,
      { file: path },
      "run `ops run deploy-registry` first: it makes the CA",
    );
  }
  return readFileSync(path, "utf8");
}

/**
 * The registry's name (`host:port`, as engines and `docker` name it) and endpoint, from the vars
 * of the registry host and its address.
 *
 * @example controlEndpoint(vars, "10.0.0.5", "/srv/inv").name === "10.0.0.5:443"
 */
export function controlEndpoint(
  vars: EndpointVars,
  address: string,
  inventoryDir: string,
): { name: string; endpoint: Endpoint } {
  const host = vars.registry_hostname !== "" ? vars.registry_hostname : address;
  const name = `${host}:${vars.registry_port}`;
  const ca = caOf(vars, inventoryDir);
  return {
    name,
    endpoint: { url: `${vars.registry_tls ? "https" : "http"}://${name}`, ...(ca ? { ca } : {}) },
  };
}
