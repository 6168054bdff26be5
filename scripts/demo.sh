#!/usr/bin/env bash
# The main job on a fresh Debian machine, as root: bring the namespace lab up (app 10.200.0.216,
# db 10.200.0.82 with MariaDB), run the shipped mysql-connectivity runbook against it while it is
# healthy and then in a few faults, so the diagnosis shows, and take the lab down again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $(id -u) -ne 0 ]]; then
  echo "demo: run as root: the lab is made of network namespaces" >&2
  exit 2
fi

lab() { node --import tsx test/lab/cli.ts "$@"; }

bash test/lab/install-packages.sh
[[ -f dist/cli/main.js ]] || npm run build
ssh_config=$(lab up)
trap 'lab down' EXIT

for scenario in "${@:-healthy icmp-blocked port-filtered bind-localhost}"; do
  for one in $scenario; do
    lab scenario "$one" >&2
    printf '\n=== lab scenario: %s ===\n$ runbook run mysql-connectivity.yaml --ssh-config %s\n' "$one" "$ssh_config"
    status=0
    node bin/runbook.js run mysql-connectivity.yaml --ssh-config "$ssh_config" || status=$?
    printf '(exit code %s)\n' "$status"
  done
done
