/**
 * A Debian package of a given name and version, built on the host with dpkg-deb and installed with
 * dpkg (the lab has no Debian mirror): what dpkg records is all that ops's conflict checks read.
 */
import { hostExec } from "../../lab/lab.js";

export const installStubDeb = (host: string, name: string, version: string): Promise<string> =>
  hostExec(
    host,
    [
      `d=$(mktemp -d) && mkdir $d/DEBIAN`,
      `printf 'Package: ${name}\\nVersion: ${version}\\nArchitecture: all\\nMaintainer: lab <lab@lab.invalid>\\nDescription: stand-in for Debian ${name}\\n' > $d/DEBIAN/control`,
      `dpkg-deb -Zgzip --build $d /tmp/${name}.deb >/dev/null && dpkg -i /tmp/${name}.deb >/dev/null && rm -rf $d /tmp/${name}.deb`,
    ].join(" && "),
  );
