/**
 * The verify robot: the account `ops verify -p deploy-registry` pushes its test image with
 * (round-trip.ts). It exists only during that verify: the push step writes it on the registry host
 * over SSH, the cleanup step removes it, after a failure or a signal too. It may push into the
 * verify project and do nothing else (model.ts, VERIFY_ROBOT).
 *
 * Its name carries its expiry: `robot$ops-verify-<run id>-<unix seconds>`. nginx compares that with
 * its own clock before it checks the password (nginx.conf.ejs), so a robot that a killed verify left
 * behind is refused from that second, with no run and no policy service (an air-gapped stack may
 * run without one). The next `ops run deploy-registry` removes its file (verify-robots-expired.ts).
 * The name cannot be forged to live longer: nginx checks the password against the line of exactly
 * that name, in the file of exactly that name, and only root on the registry host writes them.
 *
 * Each robot is one file, `registry_dir/nginx/verify/<run id>-<expiry>.htpasswd`, which nginx reads
 * on every login it verifies: writing or removing it needs no reload, and never touches the files
 * a deploy writes (htpasswd, access.conf), so a verify and a deploy never rewrite each other's work.
 * Its password is random, made and hashed here; it reaches the host as a bcrypt hash on stdin and
 * the registry only as the push's Basic credential, never an engine host, argv or a report.
 */
import { randomBytes } from "node:crypto";
import { quote } from "../transport/quote.js";
import { bcryptHasher, type Hasher } from "./htpasswd.js";
import { ROBOT_PREFIX, VERIFY_PROJECT } from "./model.js";

/** Where the robots' files are, under registry_dir (nginx mounts `nginx/` as /etc/ops-registry). */
export const VERIFY_ROBOT_DIR = "nginx/verify";

export interface VerifyRobot {
  /** As it logs in: `robot$ops-verify-1a2b-1765135000`. */
  readonly name: string;
  readonly password: string;
  /** Its file on the registry host. */
  readonly file: string;
  /** Unix seconds from which nginx refuses it. */
  readonly expires: number;
}

/** @example verifyRobotName("1a2b", 1765135000) === "robot$ops-verify-1a2b-1765135000" */
export const verifyRobotName = (runId: string, expires: number): string =>
  `${ROBOT_PREFIX}${VERIFY_PROJECT}-${runId}-${expires}`;

/**
 * A new robot for the run, living `ttlSeconds` from `now` (ms). Its password is 32 random bytes.
 *
 * @example newVerifyRobot("/opt/ops-registry", "1a2b", Date.now(), 600).file // ".../nginx/verify/1a2b-17….htpasswd"
 */
export function newVerifyRobot(
  registryDir: string,
  runId: string,
  now: number,
  ttlSeconds: number,
): VerifyRobot {
  const expires = Math.floor(now / 1000) + ttlSeconds;
  return {
    name: verifyRobotName(runId, expires),
    password: randomBytes(32).toString("base64url"),
    file: `${registryDir}/${VERIFY_ROBOT_DIR}/${runId}-${expires}.htpasswd`,
    expires,
  };
}

/** Exit status of the write when the folder is missing: a registry deployed before verify robots. */
export const NO_ROBOT_FOLDER = 3;

/**
 * The registry host's script that writes the robot: its htpasswd line comes on stdin (see
 * robotLine), is written beside the file and renamed, so nginx never reads half a line.
 */
export function writeRobotScript(robot: VerifyRobot): string {
  const dir = robot.file.slice(0, robot.file.lastIndexOf("/"));
  const temp = `${robot.file}.tmp`;
  return [
    `[ -d ${quote(dir)} ] || exit ${NO_ROBOT_FOLDER}`,
    `umask 022 && cat > ${quote(temp)} && mv -f ${quote(temp)} ${quote(robot.file)}`,
  ].join("\n");
}

/** The robot's htpasswd line: its bcrypt hash at the registry's cost (htpasswd.ts). */
export const robotLine = (robot: VerifyRobot, hasher: Hasher = bcryptHasher): string =>
  `${robot.name}:${hasher.hash(robot.password)}\n`;

/** Removes every robot of the run (whatever its expiry: derived from the run id alone). */
export const removeRobotsScript = (registryDir: string, runId: string): string =>
  `rm -f -- ${quote(`${registryDir}/${VERIFY_ROBOT_DIR}`)}/${runId}-[0-9]*.htpasswd ${quote(`${registryDir}/${VERIFY_ROBOT_DIR}`)}/${runId}-[0-9]*.htpasswd.tmp`;

/**
 * A regex, for nginx, over `<expiry>:<now>` (both whole unix seconds of the same length, `now` may
 * go on with `.ms`): it matches when the expiry is still ahead. nginx's maps cannot compare
 * numbers, but two equal-length numbers compare by their first differing digit: the expiry is
 * ahead when, after a common prefix (`\1`), its digit is the greater.
 *
 * @example new RegExp(`^${aheadPattern()}`).test("1765135001:1765135000.123") === true
 */
export function aheadPattern(): string {
  const alternatives = Array.from({ length: 9 }, (_, i) => `${i + 1}[0-9]*:\\1[0-${i}]`);
  // Ten digits, as VERIFY_ROBOT names them: a longer number would compare on its first digit.
  return `(?=[0-9]{10}:)([0-9]*)(?:${alternatives.join("|")})`;
}
