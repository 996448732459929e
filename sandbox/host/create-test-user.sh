#!/bin/sh
# The shared sandbox login user: /bin/sh, an empty home with no rc files, an unlocked account
# (key login only), and passwordless `sudo -n docker` (the root-side docker of install-docker.sh,
# first on sudo's PATH) and `sudo -n podman`: rootful podman, like `sudo docker` on many GPU hosts.
set -eu
umask 022
user=${COSMOS_SIM_USER:-cosmossim}
home=/var/lib/$user
if ! id -u "$user" >/dev/null 2>&1; then
	useradd -M -d "$home" -s /bin/sh "$user"
fi
# A locked account ("!" password) rejects even key login when UsePAM is off.
case $(getent shadow "$user" | cut -d: -f2) in
	'!'*|'') usermod -p '*' "$user" ;;
esac
mkdir -p "$home"
chown "$user:" "$home"
chmod 755 "$home"

sudoers=/etc/sudoers.d/cosmos-sim-$user
lib=/usr/local/lib/cosmos-sim
wanted=$(printf 'Defaults:%s !use_pty, !requiretty, !lecture, env_keep += "CONTAINERS_CONF", secure_path="%s/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n%s ALL=(root) NOPASSWD: %s/bin/docker, %s\n' \
	"$user" "$lib" "$user" "$lib" "$(command -v podman)")
if [ ! -f "$sudoers" ] || [ "$(cat "$sudoers")" != "$wanted" ]; then
	tmp=$(mktemp)
	printf '%s\n' "$wanted" > "$tmp"
	visudo -cqf "$tmp"
	chmod 440 "$tmp"
	mv "$tmp" "$sudoers"
fi
