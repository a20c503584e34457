#!/usr/bin/env bash
# Regenerates k8s/base/chat-sessions.yaml (the plain manifests behind `kubectl apply -k k8s/`) from the Helm chart
# k8s/helm/chat-sessions with its default values. It renders in-process with the same pinned Helm as the tests
# (helm-java), so no helm binary is needed and the output is exactly what RenderedManifestsInSyncTest expects.
#
#   k8s/render.sh          # then review and commit k8s/base/chat-sessions.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q test -Dtest=RenderedManifestsInSyncTest -Dsurefire.failIfNoSpecifiedTests=false -Dchat.deploy.regenerate=true
git --no-pager diff --stat -- k8s/base/chat-sessions.yaml || true
