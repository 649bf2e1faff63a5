import { strict as assert } from "node:assert";
import { humanBytes } from "../../../src/text/bytes.js";
import { parseImageRef } from "../../../src/cli/registry-rm.js";
import { ConfigError } from "../../../src/errors.js";

describe("ops registry arguments", () => {
  it("reads PROJECT/REPO:TAG and PROJECT/REPO@DIGEST", () => {
    const d = `sha256:${"c".repeat(64)}`;
    assert.deepEqual(parseImageRef("team/app:v1"), ["team/app", "v1"]);
    assert.deepEqual(parseImageRef(`team/sub/app@${d}`), ["team/sub/app", d]);
    for (const bad of ["team/app", "Team/app:v1", "team/app@sha256:xyz", "team/app:$(id)"])
      assert.throws(() => parseImageRef(bad), ConfigError, bad);
  });

  it("prints sizes as a person reads them", () => {
    assert.deepEqual(
      [humanBytes(512), humanBytes(1536), humanBytes(105 * 1024 * 1024)],
      ["512 B", "1.5 KiB", "105.0 MiB"],
    );
  });
});
