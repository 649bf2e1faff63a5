#!/usr/bin/env bash
# Makes this machine able to build and run the lab and the tests (apt-utils for apt-ftparchive, which indexes
# the lab's apt repository; sshd and sudo for the transport tests,
# ansible and time for the benchmark, tmux to drive ops init in a real terminal): installs missing Debian packages, starts dockerd when
# none answers (CI machines have no systemd), and raises the inotify limit that many systemd hosts exhaust.
# Idempotent and quick when everything is in place. Needs root.
set -euo pipefail

packages=(docker.io debootstrap rpm createrepo-c apt-utils gnupg skopeo iproute2 iptables openssh-client curl
  ca-certificates ansible sshpass openssh-server sudo time tmux
  postgresql chromium libnss3-tools auditd) # compliance tests: a PostgreSQL history server they start, the HTML report in headless Chromium;
# certutil (libnss3-tools): the portal test's browser profile trusts the registry's CA; auditd (auditctl, ausearch):
# the audit checks are proven on this machine itself, the one host here in the initial PID namespace
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "[lab] apt-get install ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "[lab] starting dockerd (log: /var/log/ops-lab-dockerd.log)" >&2
  nohup setsid dockerd >/var/log/ops-lab-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null
fi

# The default (128) runs out at about 20 systemd hosts: "Failed to allocate manager object".
if (($(sysctl -n fs.inotify.max_user_instances) < 8192)); then
  sysctl -qw fs.inotify.max_user_instances=8192
fi
