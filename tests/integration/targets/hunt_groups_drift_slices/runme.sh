#!/usr/bin/env bash
# The drift report under AWX job slicing, without AWX: the role runs over a tenants inventory once unsliced, then as
# 3 slices split the way AWX splits (hosts sorted by name, slice k gets hosts[k-1::3]) that run side by side, each with
# an awx_job_id of its own. Their set_stats artifacts are merged with a dictionary update in the order the slices
# finished, as AWX merges them for the next workflow node, and vodia.pbx.drift_merge runs with them as extra
# variables. Its report must be the unsliced run's, byte for byte, and so must the summary it publishes.
#
# The simulator's URL and credentials are in integration_config.yml, which ansible-test copies two directories up
# (it gives a script target no -e of its own); "$@" is ansible-test's verbosity, if any.
set -euo pipefail

config=$(cd ../.. && pwd)/integration_config.yml
[ -f "$config" ] || { echo "no $config (with_simulator.py --config writes it)" >&2; exit 1; }
set -- "$@" -e @"$config"

dir=${OUTPUT_DIR:?}/drift_slices
rm -rf "$dir"
mkdir -p "$dir"

# Python (the one ansible-test runs with) starts the simulator from its seed and writes a tenants inventory of it: the
# one simulator under two URLs, which the plugin takes for two PBXs, so that the report has tenants of two PBXs to count.
# Only check mode runs against them, so the second name writes nothing. The credentials reach the plugin and the
# modules through their environment variables, never a file or an argument.
eval "$(python - "$config" "$dir/sim.vodia_tenants.yml" <<'PYTHON'
import json, shlex, sys, urllib.request
config = json.load(open(sys.argv[1]))
for method, path in (('POST', '/_sim/reset'), ('DELETE', '/_sim/journal')):
    urllib.request.urlopen(urllib.request.Request(config['vodia_url'] + path, data=b'{}', method=method)).read()
with open(sys.argv[2], 'w') as inventory:
    json.dump({'plugin': 'vodia.pbx.tenants', 'pbxs': [
        {'name': 'pbx-a', 'url': config['vodia_url']},
        {'name': 'pbx-b', 'url': config['vodia_url'].replace('127.0.0.1', 'localhost')}]}, inventory)
print('export VODIA_USERNAME=%s VODIA_PASSWORD=%s' % (shlex.quote(config['vodia_username']),
                                                       shlex.quote(config['vodia_password'])))
PYTHON
)"

inventory=(-i "$dir/sim.vodia_tenants.yml" -i inventory.yml)

# A run's set_stats data, what AWX keeps as a job's artifacts, goes to the file in DRIFT_ARTIFACTS.
export ANSIBLE_CALLBACK_PLUGINS=$PWD/callback_plugins ANSIBLE_CALLBACKS_ENABLED=drift_artifacts

# Runs the role over the hosts of LIMIT with EXTRA (a JSON object of extra variables); its artifacts go to NAME.json,
# its output to NAME.out. A run with a failed host exits 2.
run_role() {
    local limit=$1 extra=$2 name=$3 rc=0
    shift 3
    DRIFT_ARTIFACTS=$name.json ansible-playbook converge.yml "${inventory[@]}" --limit "$limit" --check "$@" -e "$extra" \
        >"$name.out" || rc=$?
    [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || { echo "the run over $limit exited $rc" >&2; tail -c 3000 "$name.out" >&2; exit 1; }
}

start=$SECONDS
export DRIFT_HOSTS=$dir/hosts
run_role all "{\"hunt_groups_report\": \"$dir/unsliced/drift.json\"}" "$dir/unsliced" "$@"
unset DRIFT_HOSTS
echo "unsliced run: $((SECONDS - start)) s"

# AWX's split of the same inventory: the hosts sorted by name, dealt round robin.
mapfile -t hosts < <(LC_ALL=C sort "$dir/hosts")
[ "${#hosts[@]}" -eq 9 ] || { echo "expected 9 hosts, got: ${hosts[*]}" >&2; exit 1; }

start=$SECONDS
for k in 0 1 2; do
    limit=$(for ((i = k; i < ${#hosts[@]}; i += 3)); do printf '%s,' "${hosts[i]}"; done)
    (
        run_role "${limit%,}" "{\"hunt_groups_report\": \"$dir/slice$k/drift.json\", \"awx_job_id\": $((101 + k)),
                  \"awx_workflow_job_id\": 100}" "$dir/slice$k" "$@"
        echo "$k" >>"$dir/finished"
    ) &
done
wait
echo "3 slices side by side: $((SECONDS - start)) s, finished in the order $(tr '\n' ' ' <"$dir/finished")"

python - "$dir" <<'PYTHON'
import json, sys
folder = sys.argv[1]
artifacts = {}
for slice_number in open(folder + '/finished').read().split():
    artifacts.update(json.load(open('%s/slice%s.json' % (folder, slice_number))))
json.dump(artifacts, open(folder + '/artifacts.json', 'w'))
PYTHON

# As a user runs it: no inventory (the implicit localhost), no variable but the artifacts and the report's path.
start=$SECONDS
DRIFT_ARTIFACTS=$dir/merge.json \
    ansible-playbook vodia.pbx.drift_merge -e @"$dir/artifacts.json" -e hunt_groups_report="$dir/merged/drift.json" \
    >"$dir/merge.out" || { tail -c 3000 "$dir/merge.out" >&2; exit 1; }
echo "merge: $((SECONDS - start)) s"

cmp "$dir/unsliced/drift.json" "$dir/merged/drift.json"
cmp "$dir/unsliced/drift.md" "$dir/merged/drift.md"

python - "$dir" "$VODIA_PASSWORD" <<'PYTHON'
import json, os, sys
folder, password = sys.argv[1], sys.argv[2]


def load(name):
    with open(os.path.join(folder, name), encoding='utf-8') as handle:
        return json.load(handle)


unsliced, merged, artifacts, report = load('unsliced.json'), load('merge.json'), load('artifacts.json'), load(
    'unsliced/drift.json')
checks = {
    # Without awx_job_id, the summary alone, as before.
    'the unsliced run publishes hunt_groups_drift only': sorted(unsliced) == ['hunt_groups_drift'],
    'each slice publishes a part of its own': sorted(artifacts) == [
        'hunt_groups_drift', 'hunt_groups_drift_slice_101', 'hunt_groups_drift_slice_102', 'hunt_groups_drift_slice_103'],
    'the shared key holds one slice only': artifacts['hunt_groups_drift'] != unsliced['hunt_groups_drift'],
    # The merge got the last slice's hunt_groups_drift as an extra variable too; it must not take it for the report.
    'the merge publishes the unsliced summary': merged == unsliced,
    'the report counts tenants and PBXs': report['summary'] == {
        'pbxs': 3, 'failed_pbxs': 1, 'tenants': 8, 'failed_tenants': 0,
        'created': 12, 'updated': 2, 'deleted': 6, 'unchanged': 2},
    'the report is a check-mode report': report['check_mode'] is True,
    'the host that failed is reported': [entry['host'] for entry in report['pbxs'] if entry.get('failed')] == ['pbx-gone'],
}
for root, _dirs, files in os.walk(folder):
    for name in files:
        with open(os.path.join(root, name), encoding='utf-8', errors='replace') as handle:
            if password in handle.read():
                checks['no password in %s' % name] = False
print('\n'.join('%s: %s' % ('ok' if passed else 'FAILED', name) for name, passed in checks.items()))
if not all(checks.values()):
    print(json.dumps(report['summary']), file=sys.stderr)
    sys.exit(1)
PYTHON
