#!/bin/sh
# Idempotent machine set-up for sandbox GPU hosts: Debian packages, the root-side docker, the
# shared login user and the cosmos-sim image. Serialised with flock, so parallel test files may all call it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec 9>/tmp/cosmos-sim-prepare.lock
flock 9
sh "$here/install-packages.sh"
sh "$here/install-docker.sh"
sh "$here/create-test-user.sh"
sh "$here/../image/build-image.sh"
