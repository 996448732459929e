#!/bin/sh
# Installs the Debian packages a sandbox Slurm cluster needs (munge, slurmctld, slurmd, the client
# commands), only when one is missing. Takes the same lock as sandbox/host/prepare-machine.sh, so
# it never runs apt-get at the same time as the sandbox host's set-up, and parallel test files may
# all call it.
set -eu
here=$(dirname "$0")
exec 9>/tmp/cosmos-sim-prepare.lock
flock 9
sh "$here/../host/install-packages.sh" munge slurmctld slurmd slurm-client
