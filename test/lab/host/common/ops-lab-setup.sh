#!/bin/sh
# Runs once at image build time. $1 is the host kind: el9 or debian12.
set -eu
kind="$1"

# First-boot host keys instead of baked-in ones.
rm -f /etc/ssh/ssh_host_*
systemctl enable ops-lab-ssh-keygen.service

# Units that would reach the internet or make no sense in a container: the lab must be quiet and offline.
systemctl disable apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
  fstrim.timer e2scrub_reap.service systemd-pstore.service 2>/dev/null || true
systemctl mask getty@tty1.service console-getty.service systemd-modules-load.service \
  sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount 2>/dev/null || true

# Accounts: root (key), ops (key, passwordless sudo), opspw (key, sudo asks for a password),
# opsinit (password login, passwordless sudo; see below).
useradd -m -s /bin/bash ops
useradd -m -s /bin/bash opspw
echo 'opspw:lab-sudo-pass' | chpasswd
# opsinit: logs in with a PASSWORD over SSH (sshd_config.d/zz-ops-lab-password.conf), passwordless sudo,
# and no authorized key: what `ops init` meets on a host that only has a password.
useradd -m -s /bin/bash opsinit
echo 'opsinit:lab-init-pass' | chpasswd
chmod 0440 /etc/sudoers.d/ops-lab
for home in /root /home/ops /home/opspw; do
  install -d -m 0700 "$home/.ssh"
  : >"$home/.ssh/authorized_keys"
  chmod 0600 "$home/.ssh/authorized_keys"
done
chown -R ops:ops /home/ops/.ssh
chown -R opspw:opspw /home/opspw/.ssh

mkdir -p /etc/yum.repos.d /var/lib/rpm
if [ "$kind" = el9 ]; then
  # Presented as CentOS Stream 9. It is NOT CentOS: a Debian bookworm userland with real dnf 4.14 / rpm 4.18.
  rm -f /etc/os-release /usr/lib/os-release
  cp /opt/ops-lab/os-release /usr/lib/os-release
  ln -s ../usr/lib/os-release /etc/os-release
  cp /opt/ops-lab/centos-release /etc/centos-release
  ln -s centos-release /etc/redhat-release
  ln -s centos-release /etc/system-release
  mkdir -p /etc/dnf/vars
  echo 9 >/etc/dnf/vars/releasever
  ln -s dnf /usr/bin/yum
  # The rpm database knows the base system, as on EL (rpm -q bash works, %pre scriptlets resolve /bin/sh).
  rpm --initdb
  rpm -i --nosignature /opt/ops-lab/ops-lab-base-system.rpm
  rm -f /opt/ops-lab/ops-lab-base-system.rpm
fi
rm -f /ops-lab-setup.sh
