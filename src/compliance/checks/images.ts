/**
 * CIS section 4 on the images the engine holds: 4.6, a HEALTHCHECK in every image, from one
 * `docker image inspect` of all of them (the images probe).
 */
import { verdict, type Check } from "../../checks/check.js";
import { images, type ImageInfo } from "../facts/images.js";
import { field } from "./containers.js";
import { engineCheck, listWords } from "./support.js";

/** "busybox:latest (sha256:1a2b3c4d5e6f)": what evidence calls an image. */
const nameOf = (i: ImageInfo): string =>
  `${i.tags.length > 0 ? i.tags.map(field).join(", ") : "<none>"} (${field(i.id.replace(/^sha256:/, "").slice(0, 12))})`;

/** HEALTHCHECK NONE in an image disables the one it inherits. */
const hasHealthcheck = (i: ImageInfo): boolean => i.healthcheck !== null && i.healthcheck[0] !== "NONE";

export const imageHealthcheck = (): Check =>
  engineCheck(
    {
      cis: "4.6",
      severity: "low",
      reads:
        "`Config.Healthcheck` of every image (`docker image inspect`); `HEALTHCHECK NONE` counts as none",
      differs: "passes when the engine holds no image (docker-bench-security passes too)",
    },
    [images],
    (_info, facts) => {
      const all = facts.get(images).images;
      const missing = all.filter((i) => !hasHealthcheck(i));
      const evidence = {
        command:
          "docker image inspect --format '{{.RepoTags}} {{.Config.Healthcheck}}' $(docker image ls -q)",
        output:
          all
            .map((i) => `${nameOf(i)}: ${i.healthcheck ? field(i.healthcheck.join(" ")) : "no HEALTHCHECK"}`)
            .join("\n") || "no images",
        source: "docker image inspect",
      };
      if (missing.length === 0)
        return verdict(
          "pass",
          all.length === 0 ? "the engine holds no images" : `all ${all.length} images have a HEALTHCHECK`,
          evidence,
        );
      return verdict(
        "fail",
        `${missing.length} of ${all.length} images have no HEALTHCHECK: ${listWords(missing.map(nameOf))}`,
        evidence,
        {
          expected: "a HEALTHCHECK instruction in every image",
          actual: `none in ${listWords(missing.map(nameOf))}`,
          hint: "add a HEALTHCHECK instruction to these images' Dockerfiles and rebuild them (or remove unused images)",
        },
      );
    },
  );
