#!/usr/bin/env bash
# Installs the OpenAPI tools a frontend team would use into target/openapi-tools for the openapi tests:
# Redocly CLI (lint), openapi-typescript (types from the document), openapi-fetch (the client) and TypeScript (tsc).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=target/openapi-tools
if [ ! -f "$dir/node_modules/openapi-fetch/package.json" ] || [ ! -f "$dir/node_modules/@redocly/cli/package.json" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
    "@redocly/cli@${REDOCLY_CLI_VERSION:-2.77.0}" \
    "openapi-typescript@${OPENAPI_TYPESCRIPT_VERSION:-7.13.0}" \
    "openapi-fetch@${OPENAPI_FETCH_VERSION:-0.17.0}" \
    "typescript@${TYPESCRIPT_VERSION:-5.9.3}" \
    "@types/node@${TYPES_NODE_VERSION:-20.19.9}"
fi
echo "$dir"
