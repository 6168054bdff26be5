#!/bin/sh
# PID 1 of a lab host until it execs sshd. Runs inside the host's network namespace and fresh
# PID/mount/UTS namespaces (ip netns exec + unshare), so every mount here stays private to it.
# Usage: host-init.sh NAME HOST_DIR SHARED_ETC_DIR
set -eu
name=$1
host_dir=$2
etc_dir=$3

hostname "$name"

# The controller's /run/netns/* nsfs mounts were inherited; hidden under a new /run they still
# make lsof warn "can't stat() nsfs file system" on every call (LAB-NOTES 4). Deepest first.
awk '$2 ~ "^/run/" { print $2 }' /proc/self/mounts | sort -r | while read -r mount_point; do
  umount --lazy "$mount_point"
done
mount -t tmpfs -o mode=0755,size=64m,nosuid,nodev lab-run /run
# sshd needs its privilege separation directory and does not create it (LAB-NOTES 4).
mkdir -m 0755 /run/sshd

mount --bind "$host_dir/etc/hostname" /etc/hostname
mount --bind "$etc_dir/hosts" /etc/hosts
# Lookups fail at once against 127.0.0.1 instead of waiting on an unreachable resolver (LAB-NOTES 6).
# A host with a resolver of its own (app asks db's dnsmasq) has its own file.
if [ -f "$host_dir/etc/resolv.conf" ]; then
  mount --bind "$host_dir/etc/resolv.conf" /etc/resolv.conf
else
  mount --bind "$etc_dir/resolv.conf" /etc/resolv.conf
fi
# A clean, mode-700 home: no slow .bashrc (LAB-NOTES 5), and StrictModes accepts it (LAB-NOTES 13).
mount --bind "$host_dir/root" /root

exec /usr/sbin/sshd -D -f "$host_dir/sshd_config" -E "$host_dir/sshd.log"
