// A bench that needs more lab hosts than the shared lab has: the lab is resized for the measurement and
// handed back with the host counts it had (extra hosts removed, missing ones started), whether or not the
// measurement succeeded. Every bench that resizes the lab goes through here, so none forgets to give it back.
import { currentCounts, labUp, type LabInfo, type LabUpOptions } from "../lab/lab.js";

/**
 * Runs `measure` on a lab with `counts` hosts (a kind left out keeps the count the lab has), then
 * puts back the counts found before.
 * @example await withLabHosts({ el9: 10 }, (lab) => measure(lab))
 */
export async function withLabHosts<T>(
  counts: LabUpOptions,
  measure: (lab: LabInfo) => Promise<T>,
): Promise<T> {
  const found = currentCounts();
  const lab = await labUp(counts);
  return measure(lab).finally(async () => {
    if (found !== undefined) await labUp(found);
  });
}
