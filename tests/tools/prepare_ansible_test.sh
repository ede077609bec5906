#!/usr/bin/env bash
# ansible-test --venv downloads a pip bootstrap script from a host this machine cannot reach
# (ansible/ansible#77304). Put a stand-in that installs the pinned pip wheel from PyPI into its cache.
# Usage: prepare_ansible_test.sh PYTHON PIP_VERSION...
# Safe while other ansible-test runs read the cache (make test runs cells side by side): the wheel and the
# script are written under temporary names and renamed into place, and left alone once there.
set -euo pipefail
python=$1; shift
cache=~/.ansible/test/cache
mkdir -p "$cache"
for version in "$@"; do
    script="$cache/get_pip_${version//./_}.py"
    wheel="$cache/pip-$version-py3-none-any.whl"
    if [ ! -f "$wheel" ]; then
        download=$(mktemp -d "$cache/.download.XXXXXX")
        "$python" -m pip download -q --no-deps "pip==$version" -d "$download"
        mv -f "$download/$(basename "$wheel")" "$wheel"
        rm -rf "$download"
    fi
    content=$(cat <<PY
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pip-$version-py3-none-any.whl'))
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
from pip._internal.cli.main import main
sys.exit(main(['install', '--upgrade', '--force-reinstall'] + args))
PY
)
    if [ ! -f "$script" ] || [ "$(cat "$script")" != "$content" ]; then
        printf '%s\n' "$content" >"$script.$$"
        mv -f "$script.$$" "$script"
    fi
done
