#!/usr/bin/env bash
# Installs playwright-core (the driver only; the browser is Debian's chromium) into target/browser for the CORS test.
set -euo pipefail
cd "$(dirname "$0")/../.."
version="${PLAYWRIGHT_CORE_VERSION:-1.65.1}"
if [ ! -f target/browser/node_modules/playwright-core/package.json ]; then
  mkdir -p target/browser
  npm install --prefix target/browser --no-audit --no-fund --loglevel=error "playwright-core@${version}"
fi
echo target/browser
