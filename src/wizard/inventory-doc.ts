/**
 * hosts.yaml in Ansible's format: the new hosts under the group of their OS, how to connect to them,
 * and a comment beside each value that says where it came from. An existing inventory is edited in
 * place: its comments, its hosts and the keys ops does not know stay as they were.
 */
import { Scalar, type YAMLMap } from "yaml";
import { editableDocument, mapAt, setWithComment, textAt } from "./yaml-edit.js";

export interface InventoryHostEntry {
  name: string;
  address: string;
  port: number;
  group: string;
  /** One line beside the host: what the probe found. */
  comment: string;
}

/** A connection setting and the comment that says where it came from. */
export interface Setting {
  value: string | boolean;
  comment: string;
}

export interface InventoryContent {
  /** The comment at the top of a new file. */
  header: string;
  hosts: readonly InventoryHostEntry[];
  /** `ansible_user`, `ansible_ssh_private_key_file`, `ansible_become`, `known_hosts`: only those set. */
  connection: Readonly<Record<string, Setting>>;
  /** Hosts that also go in the `registry` group (deploy-registry's host). */
  registryHosts?: readonly string[];
}

/**
 * Renders hosts.yaml: new when `existing` is undefined, else the existing text with the hosts added.
 * In a new file the connection settings go in `all.vars`; in an existing one, a setting `all.vars`
 * already has with the same value is left there, and the others go on each new host, so hosts
 * already in the file keep theirs.
 *
 * @example renderInventory(undefined, { header: "Written by ops init", hosts, connection: { ansible_user: { value: "root", comment: "asked" } } })
 */
export function renderInventory(existing: string | undefined, content: InventoryContent): string {
  const doc = editableDocument(existing);
  if (existing === undefined)
    doc.commentBefore = content.header
      .split("\n")
      .map((l) => ` ${l}`)
      .join("\n");
  const allVars =
    existing === undefined
      ? mapAt(doc, ["all", "vars"])
      : (doc.getIn(["all", "vars"], true) as YAMLMap | undefined);
  const perHost: [string, Setting][] = [];
  for (const [key, setting] of Object.entries(content.connection)) {
    if (existing === undefined) setWithComment(doc, allVars as YAMLMap, key, setting.value, setting.comment);
    else if (allVars === undefined || textAt(allVars, key) !== String(setting.value))
      perHost.push([key, setting]);
  }
  for (const host of content.hosts) {
    const hosts = mapAt(doc, ["all", "children", host.group, "hosts"]);
    const entry = mapAt(doc, ["all", "children", host.group, "hosts", host.name]);
    setWithComment(doc, entry, "ansible_host", host.address);
    if (host.port !== 22) setWithComment(doc, entry, "ansible_port", host.port);
    for (const [key, setting] of perHost) setWithComment(doc, entry, key, setting.value, setting.comment);
    setWithComment(doc, hosts, host.name, entry, host.comment, true);
  }
  for (const name of content.registryHosts ?? []) {
    const group = mapAt(doc, ["all", "children", "registry", "hosts"]);
    // An empty value written as nothing (`h1:  # comment`), as inventories are written by hand,
    // not as a `null` on a line of its own under the comment.
    const empty = new Scalar(null);
    empty.source = "";
    setWithComment(doc, group, name, empty, "the host deploy-registry runs the registry on", true);
  }
  return doc.toString({ lineWidth: 0 });
}
