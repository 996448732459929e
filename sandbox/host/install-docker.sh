#!/bin/sh
# Installs the sandbox host's root-side docker at /usr/local/lib/cosmos-sim (fixed, root-owned
# paths that sudoers can name): bin/docker, docker-logs(.mjs), containers.conf.
# Files are replaced by rename, so running sandboxes never see half-written ones.
set -eu
umask 022
here=$(cd "$(dirname "$0")" && pwd)
node_bin=$(readlink -f "${COSMOS_SIM_NODE:-$(command -v node)}")
lib=/usr/local/lib/cosmos-sim
mkdir -p "$lib/bin"

put() { # put <mode> <target> (content on stdin)
	cat > "$2.new"
	chmod "$1" "$2.new"
	mv "$2.new" "$2"
}
put 644 "$lib/containers.conf" < "$here/containers.conf"
put 644 "$lib/docker-logs.mjs" < "$here/docker-logs.mjs"
printf '#!/bin/sh\nexec %s %s/docker-logs.mjs "$@"\n' "$node_bin" "$lib" | put 755 "$lib/docker-logs"
put 755 "$lib/bin/docker" < "$here/docker-as-root.sh"
