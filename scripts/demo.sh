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
# The app's credentials and query, as a CI job passes them: the password only in the environment
# (it is masked in every output), the rest as variables.
RUNBOOK_VAR_db_password=$(lab db-password)
export RUNBOOK_VAR_db_password
# The query locks what it reads, as an app reads what it is about to change: a row another
# session's open transaction holds stops it too (row-locked), where a plain SELECT would not wait.
credentials=(--var db_user=app --var db_name=appdb --var 'db_query=SELECT COUNT(*) FROM orders LOCK IN SHARE MODE')
shown="--var db_user=app --var db_name=appdb --var 'db_query=SELECT COUNT(*) FROM orders LOCK IN SHARE MODE'"

for scenario in "${@:-healthy icmp-blocked port-filtered bind-localhost mysql-hung access-denied query-blocked}"; do
  for one in $scenario; do
    lab scenario "$one" >&2
    printf '\n=== lab scenario: %s ===\n$ RUNBOOK_VAR_db_password=... runbook run mysql-connectivity.yaml --ssh-config %s %s\n' "$one" "$ssh_config" "$shown"
    status=0
    node bin/runbook.js run mysql-connectivity.yaml --ssh-config "$ssh_config" "${credentials[@]}" || status=$?
    printf '(exit code %s)\n' "$status"
  done
done
