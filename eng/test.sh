#!/usr/bin/env bash
# Runs every test GovernedCrm has: the .NET suites (unit, in-process MCP, SQLite, process and packaging
# tests) and the end-to-end tests that drive the built server with real MCP clients from npm.
# Usage: bash eng/test.sh            (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> dotnet build (Release)"
dotnet build GovernedCrm.sln -c Release -warnaserror --nologo -v quiet

echo "==> test identity provider (tests/idp: npm oidc-provider, started by the OAuth tests)"
(cd tests/idp && npm ci --no-audit --no-fund --loglevel=error)

# The console's browser tests drive the system's headless Chromium (Debian package), never a downloaded browser.
if [ ! -x /usr/bin/chromium ]; then
  echo "==> installing chromium (Debian package)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

echo "==> dotnet test"
dotnet test GovernedCrm.sln -c Release --no-build --nologo -v quiet --logger "console;verbosity=minimal"

echo "==> end-to-end tests (official MCP TypeScript SDK and MCP Inspector CLI)"
# The e2e tests read crm.db with the sqlite3 CLI to prove writes reached the file; a fresh machine may lack it.
if ! command -v sqlite3 >/dev/null 2>&1; then
  echo "==> installing sqlite3 (Debian package)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sqlite3 >/dev/null
fi
export GOVERNEDCRM_SERVER_DLL="$PWD/src/GovernedCrm.Server/bin/Release/net10.0/governed-crm.dll"
export GOVERNEDCRM_CLOSEDEAL_DLL="$PWD/samples/CloseDeal/bin/Release/net10.0/GovernedCrm.Samples.CloseDeal.dll"
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error && npm test)

echo "==> all tests passed"
