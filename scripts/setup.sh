#!/usr/bin/env bash
# Sets up everything landscape-gui needs on Debian/Ubuntu: the system libraries Qt and OpenGL load
# (plus, with --test, Xvfb and the tools the tests run), a virtual environment in .venv and the package in it.
# Usage: scripts/setup.sh [--test]      Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
if [ "${1:-}" = "--test" ]; then want_test=1; fi

pkgs=(libgl1-mesa-dri libegl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
      libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libfontconfig1 libdbus-1-3)
# the tests' tools: Xvfb (pytest-xvfb), xprop and xwininfo (x11-utils: the window's properties, the README's
# window check), desktop-file-validate (desktop-file-utils) and appstreamcli (appstream) for the desktop files
if [ $want_test = 1 ]; then pkgs+=(xvfb xauth x11-utils desktop-file-utils appstream); fi

missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
# Debian's own python3 needs python3-venv for `python3 -m venv`.
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "landscape-gui needs Python 3.11 or newer (found: $("$PY" --version 2>&1))" >&2; exit 1
fi
"$PY" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "Please install these Debian packages first (as root): ${missing[*]}" >&2; exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
extra=""
stamp=".venv/.installed"
if [ $want_test = 1 ]; then extra="[test]"; stamp=".venv/.installed-test"; fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Installing Python packages into .venv ..."
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extra"
  touch "$stamp"
fi
