#!/bin/sh
# `docker` for root on the sandbox host: rootful podman with runc and the sandbox containers.conf.
# Installed as /usr/local/lib/cosmos-sim/bin/docker; the login user reaches it as `docker` (a shim
# that runs `sudo -n` on it) or as `sudo -n docker` (sudoers puts this folder first on its PATH).
# Docker-isms podman 4.3 lacks are patched here:
#   `docker logs`                 -> docker-logs.mjs (podman's `logs -f` drops lines, containers/podman#21914)
#   ps --format '{{.Label "k"}}'  -> '{{index .Labels "k"}}'
lib=/usr/local/lib/cosmos-sim
export CONTAINERS_CONF=$lib/containers.conf
if [ "$1" = logs ]; then
	shift
	exec "$lib/docker-logs" "$@"
fi
if [ "$1" = container ] && [ "$2" = logs ]; then
	shift 2
	exec "$lib/docker-logs" "$@"
fi
if [ "$1" = ps ]; then
	for arg; do
		shift
		case $arg in *'.Label "'*) arg=$(printf '%s' "$arg" | sed 's/\.Label "/index .Labels "/g') ;; esac
		set -- "$@" "$arg"
	done
fi
exec /usr/bin/podman --runtime runc "$@"
