#!/usr/bin/env bash
# Local stand-ins for the Dockerfile's published bases, which cannot be pulled here (no registry access):
#   RUNTIME_IMAGE debian:bookworm-slim        -> Debian bookworm minbase from debootstrap (same distribution and release)
#   BUILD_IMAGE   eclipse-temurin:25-jdk-noble -> that Debian base + the Temurin 25 JDK installed on this machine
#                                                (same JDK vendor and feature release; Debian instead of Ubuntu underneath)
# Built once per machine (kept in podman's image store); prints the two image names. Needs root, podman, debootstrap.
set -euo pipefail
JDK=${STANDIN_JDK:-$(ls -d /usr/lib/jvm/temurin-25-jdk-* 2>/dev/null | head -1)}
MIRROR=${STANDIN_MIRROR:-http://deb.debian.org/debian}
WORK=${STANDIN_WORK:-/var/tmp/chat-sessions-stand-ins}
RUNTIME=localhost/chat-sessions-stand-in/debian:bookworm-slim
BUILD=localhost/chat-sessions-stand-in/temurin:25-jdk
podman() { command podman --runtime runc "$@"; }

if ! podman image exists "$RUNTIME"; then
  rm -rf "$WORK/rootfs" && mkdir -p "$WORK"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  tar -C "$WORK/rootfs" --numeric-owner -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["bash"]' - "$RUNTIME" >/dev/null
  rm -rf "$WORK/rootfs"
fi

if ! podman image exists "$BUILD"; then
  [ -x "$JDK/bin/jlink" ] || { echo "no Temurin 25 JDK under /usr/lib/jvm (set STANDIN_JDK)" >&2; exit 1; }
  rm -rf "$WORK/jdk-context" && mkdir -p "$WORK/jdk-context"
  # Dereferenced: the installed JDK's lib/security/cacerts is a symlink to the host's trust store.
  cp -aL "$JDK" "$WORK/jdk-context/openjdk"
  cat >"$WORK/jdk-context/Containerfile" <<CONTAINERFILE
FROM $RUNTIME
COPY openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CONTAINERFILE
  podman build -q -t "$BUILD" "$WORK/jdk-context" >/dev/null
  rm -rf "$WORK/jdk-context"
fi
echo "RUNTIME_IMAGE=$RUNTIME"
echo "BUILD_IMAGE=$BUILD"
