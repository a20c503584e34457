#!/usr/bin/env bash
# Builds the jar of the release named in db/previous-release into target/previous-release/chat-sessions.jar, for
# migration/PreviousReleaseTest (that release's jar on this checkout's schema). Needs the git history (CI clones it
# in full); reuses Maven's local repository, offline first. Does nothing when the jar of that commit is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

commit=$(grep -v '^#' db/previous-release | tr -d '[:space:]')
out=target/previous-release
if [ -f "$out/chat-sessions.jar" ] && [ "$(cat "$out/commit" 2>/dev/null)" = "$commit" ]; then
  echo "previous release ${commit:0:7}: $out/chat-sessions.jar is up to date"
  exit 0
fi
git cat-file -e "$commit^{commit}" 2>/dev/null || {
  echo "previous-release.sh: commit $commit (db/previous-release) is not in this clone's history; fetch it (git fetch --unshallow)" >&2
  exit 1
}

started=$SECONDS
rm -rf "$out"
mkdir -p "$out/src"
git archive "$commit" | tar -x -C "$out/src"
# The same local repository and wrapper distribution as this checkout's build (Maven reads MAVEN_ARGS and MAVEN_OPTS itself).
build=(./mvnw -q -B -ntp package -Dmaven.test.skip=true)
(cd "$out/src" && { "${build[@]}" -o || { echo "offline build failed; retrying online" >&2; "${build[@]}"; }; })
mv "$out/src/target/chat-sessions.jar" "$out/chat-sessions.jar"
echo "$commit" > "$out/commit"
rm -rf "$out/src"
echo "previous release ${commit:0:7}: built $out/chat-sessions.jar in $((SECONDS - started)) s"
