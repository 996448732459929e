#!/bin/sh
# Installs the Debian packages a sandbox Slurm cluster needs (munge, slurmctld, slurmd, the client
# commands), only when one is missing. Takes the same lock as sandbox/host/prepare-machine.sh, so
# it never runs apt-get at the same time as the sandbox host's set-up, and parallel test files may
# all call it.
set -eu
exec 9>/tmp/cosmos-sim-prepare.lock
flock 9
packages="munge slurmctld slurmd slurm-client"
missing=""
for package in $packages; do
	status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 $missing
