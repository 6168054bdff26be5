#!/bin/bash
# The too-many-connections scenario's holder, run inside db by connection-holder.ts: opens COUNT
# sessions as USER over 127.0.0.1, each blocked in QUERY, and keeps them until it is signalled.
# The password comes in MYSQL_PWD, so no process list shows it.
# Usage: hold-connections.sh COUNT USER DATABASE QUERY
set -u
count=$1 user=$2 database=$3 query=$4

# A trapped signal ends `wait` at once; the clients go with the holder, which waits for them so
# that its own end means theirs. Their sessions do not (a session sleeping in SLEEP() notices
# its client is gone only seconds later): the lab KILLs those.
trap 'kill $(jobs -p) 2>/dev/null; wait; exit 0' TERM INT
for _ in $(seq "$count"); do
  mariadb -h 127.0.0.1 -u "$user" --skip-column-names -e "$query" "$database" &
done
wait
