#!/usr/bin/env bash
# Installs the Debian packages the namespace lab and the tests need (xmllint checks JUnit reports
# against the XSD, graphviz renders plan pictures, chromium screenshots the HTML report, tmux is
# the terminal for the live progress, ansible-core is `npm run bench -- --with-ansible`'s baseline),
# without starting any system daemon.
# Idempotent: when every package is already installed it only checks and exits (fast path).
# policy-rc.d choice: if /usr/sbin/policy-rc.d is absent we create one (exit 101) for the
# duration of the install and remove it on exit, so the machine is left as we found it;
# an existing policy-rc.d is never touched.
set -euo pipefail

PACKAGES=(openssh-server openssh-client mariadb-server mariadb-client tcpdump nmap
  netcat-openbsd lsof iputils-ping nftables iproute2 procps sudo
  libxml2-utils graphviz chromium tmux ansible-core
  curl openssl nginx-light dnsmasq-base dnsutils)
# One name per pgrep: it matches the 15-character process name, and warns on a longer pattern.
DAEMONS=(sshd mariadbd mysqld mysqld_safe nginx dnsmasq)
POLICY=/usr/sbin/policy-rc.d

if [[ $(id -u) -ne 0 ]]; then
  echo "install-packages.sh: must run as root" >&2
  exit 1
fi

missing_packages() {
  local p status
  for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || echo "$p"
  done
}

# PIDs of daemons in the root PID namespace only: lab hosts run sshd/mysqld in their own
# PID namespaces and must not be mistaken for daemons started by the install.
root_ns_daemons() {
  local self_ns pid
  self_ns=$(readlink /proc/self/ns/pid)
  for pid in $(for name in "${DAEMONS[@]}"; do pgrep -x "$name" || true; done); do
    [[ $(readlink "/proc/$pid/ns/pid" 2>/dev/null) == "$self_ns" ]] && echo "$pid"
  done | sort
}

mapfile -t missing < <(missing_packages)
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-packages.sh: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
echo "install-packages.sh: installing ${missing[*]}"

created_policy=0
cleanup() { if [[ $created_policy -eq 1 ]]; then rm -f "$POLICY"; fi; }
trap cleanup EXIT
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\n# written by runbook test/lab/install-packages.sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  created_policy=1
fi

before=$(root_ns_daemons)
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
after=$(root_ns_daemons)

started=$(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')
if [[ -n ${started// /} ]]; then
  echo "install-packages.sh: the install started system daemons (PIDs $started); stop them" >&2
  exit 1
fi

mapfile -t still_missing < <(missing_packages)
if [[ ${#still_missing[@]} -ne 0 ]]; then
  echo "install-packages.sh: still missing after install: ${still_missing[*]}" >&2
  exit 1
fi
echo "install-packages.sh: done, no system daemon started"
