#!/usr/bin/env bash
# Run ansible-test suites on one cell of the version matrix, in its own virtual environment.
# Usage: matrix.sh CORE_VERSION PYTHON TREE STEP...
#   CORE_VERSION  ansible-core minor version, e.g. 2.16 or 2.21
#   PYTHON        interpreter to build the venv with (python3.11, or a pyenv python3.12)
#   TREE          the collection copy (.../ansible_collections/vodia/pbx)
#   STEP          sanity, units or integration
set -euo pipefail
core=$1 python=$2 tree=$3; shift 3
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/.venv-$core"
if [ ! -f "$venv/.installed" ]; then
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q "ansible-core==$core.*" requests pyyaml cryptography
    touch "$venv/.installed"
fi
version=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# The pip versions ansible-test pins for its --venv bootstrap (see prepare_ansible_test.sh).
"$root/tests/tools/prepare_ansible_test.sh" "$venv/bin/python" 23.1.2 24.2 25.2
cd "$tree"
for step in "$@"; do
    echo "=== ansible-core $core on Python $version: $step ==="
    case $step in
        sanity|units)
            "$venv/bin/ansible-test" "$step" --venv --python "$version" --color no ;;
        integration)
            "$venv/bin/python" tests/tools/with_simulator.py --config tests/integration/integration_config.yml -- \
                "$venv/bin/ansible-test" integration --venv --python "$version" --color no ;;
        *)
            echo "unknown step $step" >&2; exit 2 ;;
    esac
done
