#!/usr/bin/env bash
# Create .venv with Python 3.11+; on a bare Debian machine, install the venv module first.
set -euo pipefail
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
if "$PY" -m venv .venv 2>/dev/null; then
  exit 0
fi
rm -rf .venv
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "python3-venv is missing: installing it with apt-get"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip
  "$PY" -m venv .venv
else
  echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)." >&2
  exit 1
fi
