/** Probed hosts for step tests: a fleet's hosts probed for real through the probe step (answers mode). */
import { fileAsk, parseAnswers } from "../../../../src/wizard/answers-file.js";
import type { Login } from "../../../../src/wizard/probe-host.js";
import { probeStep, type ProbedHost } from "../../../../src/wizard/probe-step.js";
import { parseHostList } from "../../../../src/wizard/ranges.js";
import type { Fleet } from "./fake-fleet.js";

export async function probed(fleet: Fleet, list: string, login: Login): Promise<ProbedHost[]> {
  const ask = fileAsk(parseAnswers("host_keys: accept-new\n", "t.yaml"), { env: {}, log: () => undefined });
  const { hosts } = await probeStep(ask, parseHostList(list, "t"), login, {
    connect: fleet.connect,
    out: { write: () => undefined },
    say: () => undefined,
  });
  return hosts;
}
