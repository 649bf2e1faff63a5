/**
 * The `!vault` YAML tag (an Ansible inline vault). The YAML reader turns such a scalar into a
 * VaultedText, keeping the document's shape and lines; src/vault/yaml.ts opens it later, when the
 * vault password is at hand.
 */
import type { ScalarTag } from "yaml";

/** A `!vault` value not decrypted yet: the vault's text. */
export class VaultedText {
  constructor(readonly text: string) {}
}

/** The `!vault` tag for `yaml`'s composer. */
export const vaultTag: ScalarTag = {
  tag: "!vault",
  identify: (value) => value instanceof VaultedText,
  resolve: (text) => new VaultedText(text),
  stringify: (item) => (item.value as VaultedText).text,
};
