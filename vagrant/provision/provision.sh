#!/usr/bin/env bash
# Provisions a jnerd test VM (run by Vagrant as root): the container stack, a JDK >= 22 to
# build and a JDK 17 for the jnr-ffi run, and a test user with subuids and a systemd user
# session. AppArmor and SELinux are left enforcing: jnerd must work with them on.
# Usage: provision.sh ubuntu|fedora|debian
set -euo pipefail
distro=${1:?usage: provision.sh ubuntu|fedora|debian}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Vagrant copies only this script into the guest; the lists come from the synced checkout.
lists=/jnerd/vagrant/provision
[ -f "$lists/packages-$distro.txt" ] || lists=$here
user=jnerd

packages() { grep -v '^#' "$lists/packages-$distro.txt"; }

install_debian_like() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2046  # one package a word
  apt-get install -y -q $(packages)
  # Adoptium's repository has both Temurin 25 (build, FFM) and 17 (jnr-ffi run).
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL https://packages.adoptium.net/artifactory/api/gpg/key/public \
    | gpg --dearmor --yes -o /etc/apt/keyrings/adoptium.gpg
  # shellcheck source=/dev/null
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  echo "deb [signed-by=/etc/apt/keyrings/adoptium.gpg] https://packages.adoptium.net/artifactory/deb $codename main" \
    > /etc/apt/sources.list.d/adoptium.list
  apt-get update -q
  apt-get install -y -q temurin-25-jdk temurin-17-jdk
}

install_fedora() {
  cat > /etc/yum.repos.d/adoptium.repo <<'REPO'
[Adoptium]
name=Adoptium
baseurl=https://packages.adoptium.net/artifactory/rpm/fedora/$releasever/$basearch
enabled=1
gpgcheck=1
gpgkey=https://packages.adoptium.net/artifactory/api/gpg/key/public
REPO
  # Names differ between Fedora releases (redis became valkey in 41): a missing one is
  # reported and skipped rather than failing the whole provisioning.
  # shellcheck disable=SC2046
  dnf install -y --skip-unavailable $(packages) temurin-25-jdk temurin-17-jdk
}

# Ubuntu 24.04 restricts unprivileged user namespaces to programs with an AppArmor
# profile that allows them (kernel.apparmor_restrict_unprivileged_userns=1): give
# rootlesskit one, as nerdctl's rootless setup does, instead of turning the restriction off.
allow_rootlesskit_userns() {
  [ -d /etc/apparmor.d ] || return 0
  cat > /etc/apparmor.d/usr.bin.rootlesskit <<'PROFILE'
abi <abi/4.0>,
include <tunables/global>

/usr/bin/rootlesskit flags=(unconfined) {
  userns,

  include if exists <local/usr.bin.rootlesskit>
}
PROFILE
  apparmor_parser -r /etc/apparmor.d/usr.bin.rootlesskit
}

create_test_user() {
  # useradd gives subuid/subgid ranges on all three distributions (login.defs SUB_UID_*).
  id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
  grep -q "^$user:" /etc/subuid || usermod --add-subuids 200000-265535 "$user"
  grep -q "^$user:" /etc/subgid || usermod --add-subgids 200000-265535 "$user"
  # A systemd user manager that outlives ssh sessions, for `jnerd rootless install` units.
  loginctl enable-linger "$user"
}

case "$distro" in
  ubuntu) install_debian_like; allow_rootlesskit_userns ;;
  debian) install_debian_like ;;
  fedora) install_fedora ;;
  *) echo "provision.sh: unknown distribution '$distro' (ubuntu, fedora, debian)" >&2; exit 2 ;;
esac
create_test_user

echo "provisioned $distro: kernel $(uname -r), cgroup $(stat -fc %T /sys/fs/cgroup)," \
  "SELinux $(getenforce 2>/dev/null || echo n/a), AppArmor $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo n/a)"
