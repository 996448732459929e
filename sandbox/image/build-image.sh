#!/bin/sh
# Builds the cosmos-sim image with no registry: a rootfs folder (busybox-static, this machine's
# node with the libraries ldd lists, the stand-in model) imported with `podman import`.
# The image is tagged cosmos-sim:src-<hash of the sources> and cosmos-sim:latest; when the hash
# tag exists already the build is skipped, so edits to the stand-in rebuild it and nothing else does.
# Usage: sh build-image.sh    (as root; prints the tag)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
image=${COSMOS_SIM_IMAGE:-cosmos-sim}
node_bin=$(readlink -f "${COSMOS_SIM_NODE:-$(command -v node)}")

hash=$({
	cat "$here/build-image.sh" "$here"/stand-in/*
	"$node_bin" --version
	sha256sum /bin/busybox
} | sha256sum | cut -c1-16)
tag="$image:src-$hash"

if podman image exists "$tag"; then
	podman tag "$tag" "$image:latest"
	echo "$tag (reused)"
	exit 0
fi

rootfs=$(mktemp -d /tmp/cosmos-sim-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
umask 022
chmod 755 "$rootfs"
mkdir -p "$rootfs/bin" "$rootfs/usr/local/bin" "$rootfs/opt/cosmos-sim" "$rootfs/etc" \
	"$rootfs/root" "$rootfs/workspace" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
mkdir -m 1777 "$rootfs/tmp"

# busybox-static: sh, cat, sleep, ls, ...
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
ln -s bin "$rootfs/sbin"
mkdir -p "$rootfs/usr"
ln -s ../bin "$rootfs/usr/bin"

# node and the shared libraries it needs, at the same paths as here.
cp "$node_bin" "$rootfs/usr/local/bin/node"
for lib in $(ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
	mkdir -p "$rootfs$(dirname "$lib")"
	cp -L "$lib" "$rootfs$lib"
done

# The stand-in model and the commands that start it.
cp "$here"/stand-in/* "$rootfs/opt/cosmos-sim/"
for launcher in torchrun python; do
	# launch.mjs picks the stand-in for the script named (upsampler.mjs or transfer.mjs).
	printf '#!/bin/sh\nexec /usr/local/bin/node /opt/cosmos-sim/launch.mjs %s "$@"\n' "$launcher" > "$rootfs/usr/local/bin/$launcher"
	chmod 755 "$rootfs/usr/local/bin/$launcher"
done
ln -s python "$rootfs/usr/local/bin/python3"

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"

tar -C "$rootfs" -c . | podman import \
	--change 'CMD=["/bin/sh"]' \
	--change 'ENV=PATH=/usr/local/bin:/usr/bin:/bin' \
	--change 'WORKDIR=/workspace' \
	- "$tag" >/dev/null
podman tag "$tag" "$image:latest"

# Drop the tags of earlier builds (images still used by containers stay).
podman images --format '{{.Repository}}:{{.Tag}}' | grep "/$image:src-" | grep -v ":src-$hash\$" |
	while read -r old; do podman rmi "$old" >/dev/null 2>&1 || true; done
echo "$tag (built)"
