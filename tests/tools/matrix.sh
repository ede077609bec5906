#!/usr/bin/env bash
# One cell of the test matrix: one ansible-test step on one ansible-core version, in a copy of the collection of its
# own, so that cells run side by side (ansible-test writes its output, and its delegation venv, inside the collection).
#
# Usage:
#   matrix.sh install CORE PYTHON
#       make .venv-CORE: ansible-core CORE.* on PYTHON (python3.11, or a pyenv python3.12), unless it exists
#   matrix.sh run VENV CELL sanity|units [SELECTION...]
#   matrix.sh run VENV CELL integration [PROFILE [EXECUTION [--exclude TARGET]...]]
#       VENV       the virtual environment whose ansible-test runs (.venv for the default core, .venv-CORE)
#       CELL       the cell's directory; its copy of the collection is CELL/ansible_collections/vodia/pbx, made anew
#       SELECTION  for sanity and units: what ansible-test runs (--test NAME ..., or test paths); default everything
#       PROFILE    for integration: the PBX version the simulators answer as (v58, v69, v70; default v58)
#       EXECUTION  for integration: controller (the action plugins, the default: every target) or module
#                  (vodia_pbx_execution=module: the targets with the alias module_path, see below)
#
# The module path runs the targets that meet the modules' own adapter: argument validation by AnsibleModule, check
# mode, diff, results, warnings and no_log, credentials from the environment of the host that runs the module, task
# keywords, a loop of tasks (each item a module process). Targets of what runs the same code on both paths (the roles,
# TLS, injected faults, version profiles, the refusal to touch accounts of another kind, vodia_call_queue and
# vodia_call_queues, whose modules are the adapters of vodia_hunt_group and vodia_hunt_groups with another field table,
# the reference checks and saved plans, engine logic whose hand-over of facts to a module's arguments the unit tests
# of the action adapter and, through real ansible-playbook and ansible-runner runs on the module path,
# tests/runner/test_fact_cache.py and test_saved_plan_workflow.py check) run on the controller path only; a target
# opts in with the line module_path in its aliases file.
#
# Sanity runs on one Python version take turns (flock): ansible-test keeps their tool venvs in ~/.ansible/test/venv,
# keyed by Python version and requirements, and two cores could create the same one at the same moment.
# A shellcheck on PATH is used by the shellcheck sanity test (without one, ansible-test skips it with a warning).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)

# The pip versions ansible-test pins for its --venv bootstrap: 2.16 -> 23.1.2, 2.19 -> 24.2, 2.20 and 2.21 -> 25.2.
ANSIBLE_TEST_PIPS=(23.1.2 24.2 25.2)

case ${1:-} in
install)
    [ $# -eq 3 ] || { echo "usage: $0 install CORE PYTHON" >&2; exit 2; }
    core=$2 python=$3
    venv="$root/.venv-$core"
    if [ ! -f "$venv/.installed" ]; then
        rm -rf "$venv"
        "$python" -m venv "$venv"
        "$venv/bin/pip" install -q --upgrade pip
        "$venv/bin/pip" install -q "ansible-core==$core.*" requests pyyaml cryptography
        touch "$venv/.installed"
    fi
    "$root/tests/tools/prepare_ansible_test.sh" "$venv/bin/python" "${ANSIBLE_TEST_PIPS[@]}"
    ;;
run)
    [ $# -ge 4 ] || { echo "usage: $0 run VENV CELL STEP [SELECTION... | PROFILE [EXECUTION [--exclude TARGET]...]]" >&2; exit 2; }
    venv=$2 cell=$3 step=$4
    shift 4
    selection=("$@")
    [ -x "$venv/bin/ansible-test" ] || { echo "no ansible-test in $venv (make venv, or matrix.sh install)" >&2; exit 2; }
    mkdir -p "$cell" && cell=$(cd "$cell" && pwd)
    tree=$(cd "$root" && tests/tools/collection_tree.sh "$cell")
    python=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    core=$("$venv/bin/python" -c 'from ansible.release import __version__; print(__version__)')
    cd "$tree"
    case $step in
    sanity)
        echo "=== ansible-core $core on Python $python: sanity, in $tree ==="
        mkdir -p ~/.ansible/test
        flock ~/.ansible/test/sanity-python"$python".lock \
            "$venv/bin/ansible-test" sanity --venv --python "$python" --color no "${selection[@]+"${selection[@]}"}"
        ;;
    units)
        echo "=== ansible-core $core on Python $python: units, in $tree ==="
        "$venv/bin/ansible-test" units --venv --python "$python" --color no "${selection[@]+"${selection[@]}"}"
        ;;
    integration)
        # After the profile and the execution path, "--exclude TARGET" pairs leave targets out of this cell.
        profile=${selection[0]:-v58} execution=${selection[1]:-controller}
        excluded=("${selection[@]:2}")
        case $execution in
        controller) vars=() targets=() ;;
        module) vars=(--var vodia_pbx_execution=module) targets=(module_path/) ;;
        *) echo "unknown execution path $execution (controller or module)" >&2; exit 2 ;;
        esac
        for ((i = 0; i < ${#excluded[@]}; i += 2)); do
            [ "${excluded[i]}" = --exclude ] && [ -n "${excluded[i + 1]:-}" ] ||
                { echo "integration takes PROFILE [EXECUTION [--exclude TARGET]...]" >&2; exit 2; }
        done
        targets+=("${excluded[@]+"${excluded[@]}"}")
        echo "=== ansible-core $core on Python $python: integration, PBX profile $profile, $execution path, in $tree ==="
        "$venv/bin/python" tests/tools/with_simulator.py --config tests/integration/integration_config.yml \
            --profile "$profile" "${vars[@]+"${vars[@]}"}" -- \
            "$venv/bin/ansible-test" integration --venv --python "$python" --color no "${targets[@]+"${targets[@]}"}"
        ;;
    *)
        echo "unknown step $step (sanity, units or integration)" >&2
        exit 2
        ;;
    esac
    ;;
*)
    echo "usage: $0 install CORE PYTHON | run VENV CELL STEP [SELECTION... | PROFILE [EXECUTION [--exclude TARGET]...]]" >&2
    exit 2
    ;;
esac
