#!/bin/sh
# Starts the machine's munged unless one already answers. One munged serves every sandbox Slurm
# cluster (they share /etc/munge/munge.key); it is left running. Serialised with flock, so
# parallel test files may all call it.
set -eu
exec 9>/tmp/cosmos-sim-munge.lock
flock 9
answers() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }
answers && exit 0
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge
chmod 755 /run/munge
# --force: a munged that died (e.g. the machine's container was restarted) leaves its socket behind.
# 9>&-: the daemon must not inherit (and hold forever) the lock.
runuser -u munge -- /usr/sbin/munged --force </dev/null >/dev/null 2>&1 9>&-
tries=0
until answers; do
	tries=$((tries + 1))
	if [ "$tries" -ge 100 ]; then
		echo "munged does not answer; its log:" >&2
		tail -n 20 /var/log/munge/munged.log >&2 || true
		exit 1
	fi
	sleep 0.05
done
