/**
 * The variable `--bundle FILE` sets, declared alike by every playbook that reads a bundle. Its own
 * module, free of node imports: variable declarations are also read by the registry portal's
 * browser code.
 */
import Type from "typebox";

export const bundleVariable = {
  ops_bundle: Type.String({
    description:
      "an offline bundle on the control machine (`ops run --bundle FILE`; `ops bundle create` makes one)",
    default: "",
  }),
};
