#!/usr/bin/env bash
# Puts in place what the tests need, or stops with the one line that does it:
#   Debian packages prometheus (promtool), chromium and libgomp1 (llama.cpp's OpenMP runtime), installed with apt-get
#   when this runs as root or with password-less sudo; the pinned buf, installed by npm into .ci/node_modules.
# --no-install only checks. Tests look for each tool where this script puts or finds it (tests/Shared/RequiredTools.cs).
set -euo pipefail
cd "$(dirname "$0")/.."

install=yes
[[ "${1:-}" == "--no-install" ]] && install=no

missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v promtool >/dev/null || { [[ " ${missing[*]} " == *" prometheus "* ]] || missing+=(prometheus); }
command -v chromium >/dev/null || missing+=(chromium)
{ /sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null || true; } | grep -q 'libgomp\.so\.1' || missing+=(libgomp1)

if ((${#missing[@]})); then
  line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $install == yes && $(id -u) == 0 ]]; then sudo=()
  elif [[ $install == yes ]] && sudo -n true 2>/dev/null; then sudo=(sudo)
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them, then run the tests again:  sudo $line" >&2
    exit 3
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  # shellcheck disable=SC2086
  "${sudo[@]}" $line -qq >/dev/null
fi

# The buf the contracts are linted with and the tests call, at the version .ci/package-lock.json pins.
if ! .ci/node_modules/.bin/buf --version >/dev/null 2>&1 || [[ .ci/package-lock.json -nt .ci/node_modules/.package-lock.json ]]; then
  if [[ $install == no ]] || ! command -v npm >/dev/null; then
    echo "setup: the pinned buf is missing: install Node.js 20 (npm), then run:  npm ci --prefix .ci" >&2
    exit 3
  fi
  echo "setup: installing the pinned buf (npm ci --prefix .ci)"
  npm ci --prefix .ci --no-audit --no-fund --silent
fi
echo "setup: prometheus, promtool, chromium, libgomp1 and buf $(.ci/node_modules/.bin/buf --version) are ready"
