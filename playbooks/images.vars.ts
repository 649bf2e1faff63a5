/**
 * The variables of the images playbook: a list of images per group (group_vars), each from a pull,
 * a Dockerfile build or a `docker save` archive on the control machine, pushed to the registry
 * deploy-registry stood up and/or distributed to the hosts over SSH. It reads deploy-registry's
 * variables too (the registry's name, port, CA and accounts): the same inventory serves both.
 */
import Type, { type Static } from "typebox";
import { REF_PATTERN } from "../src/images/ref.js";
import { deployRegistryVariables } from "./deploy-registry.vars.js";

const image = Type.Object(
  {
    ref: Type.String({
      pattern: REF_PATTERN,
      description: "name:tag on the hosts; pushed as <registry>/<ref> (its first part a registry project)",
      "x-expected": "an image reference like team/app:1.0 (lowercase, no digest)",
    }),
    source: Type.Enum(["pull", "build", "archive"], {
      description:
        "pull: from a registry or mirror; build: a Dockerfile context; archive: a `docker save` tar",
    }),
    from: Type.Optional(Type.String({ description: "pull: the reference to pull (default: ref)" })),
    context: Type.Optional(
      Type.String({ description: "build: the context folder (relative to the inventory's folder)" }),
    ),
    dockerfile: Type.Optional(Type.String({ description: "build: the Dockerfile, relative to the context" })),
    target: Type.Optional(Type.String({ description: "build: the stage to build" })),
    build_host: Type.Optional(
      Type.String({
        description:
          "build: the inventory host whose engine builds it (the context streamed over SSH; default: the control machine's engine)",
        "x-expected": "the name of a host of the inventory",
      }),
    ),
    build_args: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: "build: --build-arg values" }),
    ),
    archive: Type.Optional(
      Type.String({ description: "archive: the `docker save` tar (relative to the inventory's folder)" }),
    ),
    push: Type.Optional(Type.Boolean({ description: "push it to the private registry (default false)" })),
    distribute: Type.Optional(
      Type.Boolean({ description: "load it on every host of the group over SSH (default true)" }),
    ),
  },
  { additionalProperties: false },
);

export const imagesOwnVariables = {
  images: Type.Array(image, {
    description: "the images a group's hosts get (set per group in group_vars or the inventory)",
    default: [],
  }),
  images_push_user: Type.String({
    description: "the registry_users account that pushes (a developer of the image's project)",
    default: "",
  }),
  images_push_host: Type.String({
    description:
      "the inventory host whose engine pushes (it trusts the registry's CA); default: the registry host",
    default: "",
  }),
  images_gzip_level: Type.Integer({
    minimum: 0,
    maximum: 9,
    description:
      "gzip level of the stream to the hosts (0: not compressed, 1 fastest, 9 smallest; compress on links slower than the control machine can gzip)",
    default: 1,
  }),
  images_compression: Type.Enum(["auto", "gzip", "none"], {
    description:
      "how the stream to the hosts is compressed: gzip (every 1 MiB block at images_gzip_level), none, or auto (a block is gzipped only while the hosts read slower than it is made, else sent stored: the link's measured pace decides, block by block)",
    default: "gzip",
  }),
};

export const imagesVariables = Type.Object(
  { ...deployRegistryVariables.properties, ...imagesOwnVariables },
  { "x-ops-prefixes": ["images_", "registry_"] },
);

export type ImagesVars = Static<typeof imagesVariables>;
export type ImageSpec = ImagesVars["images"][number];
