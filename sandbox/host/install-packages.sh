#!/bin/sh
# Installs Debian packages, only when one is missing: the arguments, or (none given) the ones a
# sandbox GPU host needs.
set -eu
packages="${*:-openssh-server openssh-client podman runc conmon containernetworking-plugins iptables busybox-static sudo catatonit}"
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
