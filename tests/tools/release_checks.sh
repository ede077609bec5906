#!/usr/bin/env bash
# Release checks for vodia.pbx: what Galaxy, Automation Hub certification and execution-environment
# builders will do with the collection, run before a release.
#
# Usage: tests/tools/release_checks.sh COLLECTION_TREE_DIR OUTPUT_DIR
#   COLLECTION_TREE_DIR  a directory holding ansible_collections/vodia/pbx (tests/tools/collection_tree.sh
#                        DIR makes one from a checkout), or the collection directory itself
#   OUTPUT_DIR           created if needed; receives the tools' venv, the tarball, the installed
#                        collection, the execution-environment build context and one log per check
#
# Checks (all run; the script fails at the end if any failed):
#   1. build       ansible-galaxy collection build from the tree
#   2. ansible-doc every module, inventory plugin and role of the installed tarball renders without warnings
#   3. docs-lint   antsibull-docs lint-collection-docs --plugin-docs on the tree
#   4. importer    galaxy-importer on the tarball with certification settings (required tags,
#                  version >= 1.0.0, ansible-lint); ansible-lint findings count as failures
#   5. ee          ansible-builder create on execution-environment.yml with the built tarball,
#                  and ansible-builder introspect of the installed collection
#
# The tools are installed from PyPI into OUTPUT_DIR/venv, so a fresh machine needs only Python 3.11+.
# Environment: PYTHON (default python3) creates the venv; REUSE_VENV=1 keeps an existing one.
set -euo pipefail

ANSIBLE_CORE_SPEC='ansible-core>=2.19,<2.20'
ANTSIBULL_DOCS_VERSION=2.28.0
GALAXY_IMPORTER_VERSION=0.4.44
ANSIBLE_BUILDER_VERSION=3.2.0
ANSIBLE_LINT_VERSION=26.10.1

usage() {
    echo "usage: $0 COLLECTION_TREE_DIR OUTPUT_DIR" >&2
    exit 2
}

[ "$#" -eq 2 ] || usage

tree_arg=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)

if [ -f "$tree_arg/ansible_collections/vodia/pbx/galaxy.yml" ]; then
    collection="$tree_arg/ansible_collections/vodia/pbx"
elif [ -f "$tree_arg/galaxy.yml" ]; then
    collection="$tree_arg"
else
    echo "error: no ansible_collections/vodia/pbx/galaxy.yml under $tree_arg" >&2
    exit 2
fi

venv="$out/venv"
logs="$out/logs"
installed="$out/collections"
ee_dir="$out/ee"
mkdir -p "$logs"

log() {
    printf '\n=== %s\n' "$*"
}

# --- Tools -------------------------------------------------------------------------------------------

if [ "${REUSE_VENV:-0}" != 1 ] || [ ! -x "$venv/bin/ansible-builder" ]; then
    log "Installing tools into $venv"
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip >"$logs/pip.log" 2>&1
    if ! "$venv/bin/pip" install -q "$ANSIBLE_CORE_SPEC" "antsibull-docs==$ANTSIBULL_DOCS_VERSION" \
        "galaxy-importer==$GALAXY_IMPORTER_VERSION" "ansible-builder==$ANSIBLE_BUILDER_VERSION" \
        "ansible-lint==$ANSIBLE_LINT_VERSION" >>"$logs/pip.log" 2>&1; then
        tail -n 30 "$logs/pip.log" >&2
        echo "error: installing the tools failed; see $logs/pip.log" >&2
        exit 1
    fi
fi
# galaxy-importer and antsibull-docs call ansible-doc and ansible-lint by name.
export PATH="$venv/bin:$PATH"
export ANSIBLE_NOCOLOR=1
"$venv/bin/pip" freeze 2>/dev/null | grep -iE '^(ansible[-_]core|ansible[-_]lint|antsibull[-_]docs|galaxy[-_]importer|ansible[-_]builder)==' \
    | tee "$logs/versions.txt"

failed=()
passed=()

# run_check NAME COMMAND...: runs COMMAND with its output in logs/NAME.log and records the result.
run_check() {
    local name=$1
    shift
    log "$name"
    if "$@" >"$logs/$name.log" 2>&1; then
        passed+=("$name")
        echo "PASS $name"
    else
        failed+=("$name")
        tail -n 40 "$logs/$name.log"
        echo "FAIL $name (full output: $logs/$name.log)"
    fi
}

# --- 1. Build ------------------------------------------------------------------------------------------

version=$(sed -n 's/^version:[[:space:]]*["'\'']\{0,1\}\([^"'\'' ]*\).*/\1/p' "$collection/galaxy.yml")
tarball="$out/vodia-pbx-$version.tar.gz"

# Inside `if`, bash ignores set -e in called functions: every step below says `|| return 1`.
build() {
    rm -f "$out"/vodia-pbx-*.tar.gz
    (cd "$collection" && ansible-galaxy collection build --force --output-path "$out") || return 1
    [ -f "$tarball" ] || {
        echo "expected $tarball (version $version from galaxy.yml)"
        return 1
    }
    rm -rf "$installed"
    ansible-galaxy collection install --force -p "$installed" "$tarball" || return 1
}
run_check build build

if [ ! -f "$tarball" ]; then
    echo "FAIL: no tarball, the remaining checks need it" >&2
    exit 1
fi

# --- 2. ansible-doc ------------------------------------------------------------------------------------

# render_doc TYPE NAME: ansible-doc must exit 0, name the plugin, print its options, and warn about nothing.
render_doc() {
    local type=$1 name=$2 text errors
    errors=$(mktemp)
    if ! text=$(ansible-doc -t "$type" "$name" 2>"$errors"); then
        echo "ansible-doc -t $type $name failed:"
        cat "$errors"
        rm -f "$errors"
        return 1
    fi
    if grep -qE 'WARNING|ERROR' "$errors"; then
        echo "ansible-doc -t $type $name warned:"
        cat "$errors"
        rm -f "$errors"
        return 1
    fi
    rm -f "$errors"
    if ! grep -q "$name" <<<"$text" || ! grep -qi 'options' <<<"$text"; then
        echo "ansible-doc -t $type $name rendered no documentation:"
        echo "$text"
        return 1
    fi
    echo "ok: ansible-doc -t $type $name ($(wc -l <<<"$text") lines)"
}

# A subshell, so that the collection path set here reaches no other check.
ansible_doc_all() (
    local root="$installed/ansible_collections/vodia/pbx" file name status=0 count=0
    export ANSIBLE_COLLECTIONS_PATH="$installed"
    export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
    for file in "$root"/plugins/modules/*.py; do
        name=$(basename "$file" .py)
        [ "$name" = __init__ ] && continue
        count=$((count + 1))
        render_doc module "vodia.pbx.$name" || status=1
    done
    for file in "$root"/plugins/inventory/*.py; do
        [ -e "$file" ] || continue
        name=$(basename "$file" .py)
        count=$((count + 1))
        render_doc inventory "vodia.pbx.$name" || status=1
    done
    for file in "$root"/roles/*/meta/argument_specs.yml; do
        [ -e "$file" ] || continue
        name=$(basename "$(dirname "$(dirname "$file")")")
        count=$((count + 1))
        render_doc role "vodia.pbx.$name" || status=1
    done
    for name in "$root"/roles/*/; do
        if [ ! -e "$name/meta/argument_specs.yml" ]; then
            echo "role $(basename "$name") has no meta/argument_specs.yml, so ansible-doc cannot document it"
            status=1
        fi
    done
    if [ "$count" -eq 0 ]; then
        echo "no modules or roles found under $root"
        status=1
    fi
    return "$status"
)
run_check ansible-doc ansible_doc_all

# --- 3. antsibull-docs ---------------------------------------------------------------------------------

docs_lint() {
    # The collection must be found under its ansible_collections root for the plugin docs.
    local root
    root=$(cd "$collection/../../.." && pwd) || return 1
    ANSIBLE_COLLECTIONS_PATH="$root" antsibull-docs lint-collection-docs --plugin-docs "$collection" || return 1
}
run_check docs-lint docs_lint

# --- 4. galaxy-importer --------------------------------------------------------------------------------

importer() {
    local work="$out/importer"
    rm -rf "$work"
    mkdir -p "$work/tmp" || return 1
    cat >"$work/galaxy-importer.cfg" <<EOF || return 1
[galaxy-importer]
CHECK_REQUIRED_TAGS = True
REQUIRE_V1_OR_GREATER = True
RUN_ANSIBLE_DOC = True
RUN_ANSIBLE_LINT = True
OFFLINE_ANSIBLE_LINT = True
CHECK_CHANGELOG = True
TMP_ROOT_DIR = $work/tmp
EOF
    # The importer writes importer_result.json into the current directory.
    (cd "$work" && GALAXY_IMPORTER_CONFIG="$work/galaxy-importer.cfg" python -m galaxy_importer.main "$tarball") \
        >"$work/importer.log" 2>&1 || {
        cat "$work/importer.log"
        echo "galaxy-importer rejected the collection"
        return 1
    }
    cat "$work/importer.log"
    [ -s "$work/importer_result.json" ] || {
        echo "galaxy-importer wrote no importer_result.json"
        return 1
    }
    # The importer accepts a collection that ansible-lint objects to, logging the findings as
    # warnings; certification review does not. Any warning or error fails this check.
    if grep -E '^(WARNING|ERROR)' "$work/importer.log"; then
        echo "galaxy-importer reported the warnings or errors above"
        return 1
    fi
}
run_check importer importer

# --- 5. Execution environment -------------------------------------------------------------------------

execution_environment() {
    [ -f "$collection/execution-environment.yml" ] || {
        echo "no execution-environment.yml in the collection"
        return 1
    }
    rm -rf "$ee_dir"
    mkdir -p "$ee_dir" || return 1
    cp "$collection/execution-environment.yml" "$tarball" "$ee_dir/" || return 1
    # The definition names the tarball it packs; a version bump must update it.
    if ! grep -qF "$(basename "$tarball")" "$ee_dir/execution-environment.yml"; then
        echo "execution-environment.yml does not name $(basename "$tarball"); update it for version $version"
        return 1
    fi
    (cd "$ee_dir" && ansible-builder create -f execution-environment.yml -c context --output-filename Containerfile) \
        || return 1
    [ -s "$ee_dir/context/Containerfile" ] || {
        echo "ansible-builder create wrote no Containerfile"
        return 1
    }
    [ -f "$ee_dir/context/_build/collections/$(basename "$tarball")" ] || {
        echo "the build context does not hold the collection tarball"
        return 1
    }
    grep -n 'ansible-galaxy collection install' "$ee_dir/context/Containerfile"
    # What the collection adds to an image: its requirements.txt through meta/execution-environment.yml.
    ansible-builder introspect --sanitize "$installed" >"$ee_dir/introspect.txt" || return 1
    cat "$ee_dir/introspect.txt"
    grep -q 'requests.*from collection vodia.pbx' "$ee_dir/introspect.txt" || {
        echo "introspection does not show the collection's Python requirement (requests)"
        return 1
    }
}
run_check ee execution_environment

# --- Summary -------------------------------------------------------------------------------------------

log "Summary"
echo "passed: ${passed[*]:-none}"
echo "failed: ${failed[*]:-none}"
echo "logs:   $logs"
[ "${#failed[@]}" -eq 0 ]
