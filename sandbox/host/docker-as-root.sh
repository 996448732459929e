#!/bin/sh
# `docker` for root on the sandbox host: rootful podman with runc and the sandbox containers.conf.
# Installed as /usr/local/lib/cosmos-sim/bin/docker; the login user reaches it as `docker` (a shim
# that runs `sudo -n` on it) or as `sudo -n docker` (sudoers puts this folder first on its PATH).
# Docker-isms podman 4.3 lacks are patched here:
#   `docker logs`                 -> docker-logs.mjs (podman's `logs -f` drops lines, containers/podman#21914)
#   ps --format '{{.Label "k"}}'  -> '{{index .Labels "k"}}'
#   run/create --gpus X           -> --label cosmos-sim.gpus=L -e NVIDIA_VISIBLE_DEVICES=L (below)
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

# --gpus: podman 4.3 accepts any value (even "bogus") and ignores it: no device, env or label.
# So the value is parsed like Docker does (docker/cli opts/gpus.go: one CSV record, e.g. `all`, `2`,
# `count=2`, `device=0`, `"device=1,2"`; then the daemon's count-xor-device check) into the list the
# NVIDIA runtime would get: NVIDIA_VISIBLE_DEVICES=all|0,1|1,3, also set as label cosmos-sim.gpus.
# The value reaches awk through the environment only; nothing here evaluates it.
gpu_list() { # gpu_list <value>: prints the list, or fails with Docker's message on stderr
	GPUS=$1 awk -v q="'" '
	function fail(message) {
		printf "docker: invalid argument \"%s\" for \"--gpus\" flag: %s\nSee %sdocker run --help%s.\n", s, message, q, q > "/dev/stderr"
		exit 1
	}
	function parse_count(text) {
		if (text == "all") return -1
		if (text !~ /^[-+]?[0-9]+$/) fail("invalid count (" text "): value must be either \"all\" or an integer: invalid syntax")
		return text + 0
	}
	BEGIN {
		s = ENVIRON["GPUS"]; len = length(s); n = 0
		if (len == 0) fail("EOF")
		for (i = 1; i <= len + 1; i++) { # one CSV field per turn; i ends on the comma after it
			field = ""
			if (substr(s, i, 1) == "\"") {
				for (i++; !(substr(s, i, 1) == "\"" && substr(s, i + 1, 1) != "\""); i++) {
					if (i > len) fail("parse error on line 1: extraneous or missing \" in quoted-field")
					if (substr(s, i, 2) == "\"\"") i++
					field = field substr(s, i, 1)
				}
				if (++i <= len && substr(s, i, 1) != ",") fail("parse error on line 1: extraneous or missing \" in quoted-field")
			} else {
				for (; i <= len && substr(s, i, 1) != ","; i++) {
					if (substr(s, i, 1) == "\"") fail("parse error on line 1: bare \" in non-quoted-field")
					field = field substr(s, i, 1)
				}
			}
			fields[++n] = field
		}
		for (k = 1; k <= n; k++) {
			eq = index(fields[k], "=")
			key = eq ? substr(fields[k], 1, eq - 1) : fields[k]
			value = substr(fields[k], eq + 1)
			if (key in seen) fail("gpu request key " q key q " can be specified only once")
			seen[key] = 1
			if (!eq) { seen["count"] = 1; count = parse_count(key) }
			else if (key == "count") count = parse_count(value)
			else if (key == "device") devices = value
			else if (key != "driver" && key != "capabilities" && key != "options") fail("unexpected key " q key q " in " q fields[k] q)
		}
		if (!("count" in seen) && !("device" in seen)) count = 1
		if ("device" in seen && count != 0) {
			print "docker: Error response from daemon: cannot set both Count and DeviceIDs on device request." > "/dev/stderr"
			exit 1
		}
		if ("device" in seen) list = devices
		else if (count < 0) list = "all"
		else for (k = 0; k < count; k++) list = list (k ? "," : "") k
		print list
	}'
}
command=$1
[ "$1" = container ] && command=${2-}
if [ "$command" = run ] || [ "$command" = create ]; then
	# state: head (up to the subcommand), opt (options), value (an option's value), gpus (--gpus's
	# value), rest (the image and its command: left alone, a `--gpus` there is the command's).
	state=head
	for arg; do
		shift
		case $state in
		head) [ "$arg" = "$command" ] && state=opt ;;
		value) state=opt ;;
		gpus)
			state=opt
			list=$(gpu_list "$arg") || exit 125
			[ -n "$list" ] && set -- "$@" --label "cosmos-sim.gpus=$list" -e "NVIDIA_VISIBLE_DEVICES=$list"
			continue ;;
		opt)
			case $arg in
			--gpus) state=gpus; continue ;;
			--gpus=*)
				list=$(gpu_list "${arg#--gpus=}") || exit 125
				[ -n "$list" ] && set -- "$@" --label "cosmos-sim.gpus=$list" -e "NVIDIA_VISIBLE_DEVICES=$list"
				continue ;;
			--) state=rest ;;
			--*=*) ;;
			--detach|--interactive|--tty|--rm|--init|--privileged|--read-only|--publish-all|--quiet|--help|\
			--no-healthcheck|--oom-kill-disable|--disable-content-trust|--sig-proxy|--use-api-socket|\
			--replace|--read-only-tmpfs|--env-host|--http-proxy|--no-hosts|--rootfs|--rmi|--passwd|--tls-verify) ;;
			--*) state=value ;;
			-*) # short flags: booleans d i t P q may be clustered (-it); a last other letter takes the next argument
				letters=${arg#-}
				while case $letters in [ditPq]?*) true ;; *) false ;; esac; do letters=${letters#?}; done
				case $letters in [ditPq]) ;; ?) state=value ;; esac ;;
			*) state=rest ;;
			esac ;;
		esac
		set -- "$@" "$arg"
	done
	[ "$state" = gpus ] && set -- "$@" --gpus # no value: podman reports it
fi
exec /usr/bin/podman --runtime runc "$@"
