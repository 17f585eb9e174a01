#!/usr/bin/env bash
# Runs every test GovernedCrm has: the .NET suites (unit, in-process MCP, SQLite, process and packaging
# tests) and the end-to-end tests that drive the built server with real MCP clients from npm.
# Usage: bash eng/test.sh            (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> dotnet build (Release)"
dotnet build GovernedCrm.sln -c Release -warnaserror --nologo -v quiet

echo "==> dotnet test"
dotnet test GovernedCrm.sln -c Release --no-build --nologo -v quiet

echo "==> end-to-end tests (official MCP TypeScript SDK and MCP Inspector CLI)"
export GOVERNEDCRM_SERVER_DLL="$PWD/src/GovernedCrm.Server/bin/Release/net10.0/governed-crm.dll"
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error && npm test)

echo "==> all tests passed"
