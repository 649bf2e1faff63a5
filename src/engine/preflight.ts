/** Refuses a host the engine cannot run on, before anything is changed, with a sentence that says why. */
import { kernel } from "../facts/kernel.js";
import { osRelease, type OsFamily, type OsRelease } from "../facts/os-release.js";
import { fail, noop, type Resource } from "../resources/resource.js";

/**
 * A playbook's own verdict on the distribution: it knows which ones it can serve, and why not;
 * `serves` says what it chose for an admitted host (shown with the host's OS, kernel and arch).
 */
export type OsVerdict =
  | { readonly ok: true; readonly serves?: string }
  | { readonly ok: false; readonly message: string; readonly hint?: string };

export interface PreflightOptions {
  /** Judges the distribution instead of `families` and `majors` (a playbook that routes by distribution). */
  readonly supported?: (os: OsRelease) => OsVerdict;
  /** Default ["el"]. */
  readonly families?: readonly OsFamily[];
  /** Default [7, 8, 9]. */
  readonly majors?: readonly number[];
  /** "MAJOR.MINOR", default "3.10" (Docker's minimum on CentOS 7). */
  readonly minKernel?: string;
  /** Default ["x86_64", "aarch64"]. */
  readonly arches?: readonly string[];
}

const FAMILY_NAMES: Record<OsFamily, string> = {
  el: "CentOS, RHEL, Rocky or Alma",
  debian: "Debian or Ubuntu",
  other: "other",
};

/**
 * @example preflight({ families: ["el"], majors: [7, 8, 9], minKernel: "3.10", arches: ["x86_64", "aarch64"] })
 */
export function preflight(o: PreflightOptions = {}): Resource {
  const families = o.families ?? ["el"];
  const majors = o.majors ?? [7, 8, 9];
  const arches = o.arches ?? ["x86_64", "aarch64"];
  const min = o.minKernel ?? "3.10";
  return {
    id: "preflight",
    facts: [osRelease, kernel],
    plan(facts) {
      const os = facts.get(osRelease);
      const k = facts.get(kernel);
      const [minMajor = 0, minMinor = 0] = min.split(".").map(Number);
      const shortKernel = k.release.split("-")[0] ?? k.release;
      const name = os.prettyName || `${os.name} ${os.versionId}`;
      const verdict = o.supported?.(os);
      if (verdict !== undefined && !verdict.ok) return fail(verdict.message, verdict.hint);
      if (verdict === undefined && !families.includes(os.family)) {
        return fail(
          `${name} is not supported: ops installs Docker on ${families.map((f) => FAMILY_NAMES[f]).join("; ")} hosts`,
        );
      }
      if (verdict === undefined && !majors.includes(os.major)) {
        return fail(`${name} is version ${os.major}; supported versions are ${majors.join(", ")}`);
      }
      if (k.major < minMajor || (k.major === minMajor && k.minor < minMinor)) {
        return fail(
          `${name} on kernel ${shortKernel} is older than the ${min} the engine needs`,
          "update the kernel and reboot",
        );
      }
      if (!arches.includes(k.arch)) {
        return fail(
          `${name} on ${k.arch} is not supported; Docker CE packages exist for ${arches.join(", ")}`,
        );
      }
      const serves = verdict?.ok === true && verdict.serves ? `: ${verdict.serves}` : "";
      return noop(`${name}, kernel ${shortKernel}, ${k.arch}${serves}`);
    },
  };
}
