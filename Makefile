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

.PHONY: test-profiles integration-v69 integration-v70 test-fleet-v69 test-fleet-v70 demo-profiles
.PHONY: help venv tree demo bench chaos test test-matrix test-oldest test-newest test-2.20 test-simulator test-fleet test-tenants test-reliability test-ssh test-runner release-checks changelog-lint sanity units integration integration-controller integration-module lint build clean

help:
	@echo "make demo   - run the example playbook against the embedded PBX simulator"
	@echo "make test   - simulator tests, sanity, unit and integration tests, ansible-lint, build"
	@echo "make bench  - fleet and simulator benchmarks (not part of make test)"

venv: $(VENV)/.installed

$(VENV)/.installed: tests/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r tests/requirements-dev.txt
	tests/tools/prepare_ansible_test.sh $(BIN)/python $(ANSIBLE_TEST_PIPS)
	touch $@

# ansible-test needs the collection at .../ansible_collections/vodia/pbx, as a real copy.
tree: venv
	@tests/tools/collection_tree.sh $(COLLECTIONS) >/dev/null

test: test-simulator changelog-lint sanity units integration test-fleet test-tenants test-reliability test-ssh test-runner test-profiles lint release-checks test-oldest test-newest
	@echo "make test: all suites passed"

test-simulator: venv
	PYTHONPATH=tests $(BIN)/pytest -q tests/simulator

# The fleet example (inventory + role) against three simulated PBXs.
test-fleet: tree
	VODIA_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=tests $(BIN)/pytest -q tests/fleet

# The tenants example (vodia.pbx.tenants inventory + the role) against two simulated PBXs with six tenants each.
test-tenants: tree
	VODIA_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=tests $(BIN)/pytest -q tests/tenants

# 50 forks on one PBX, and the fleet converging through injected faults (make chaos alone: about a minute).
test-reliability: tree
	VODIA_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=tests $(BIN)/pytest -q -s tests/reliability

# Delegated tasks run as real modules over SSH: a throw-away sshd on 127.0.0.1 (installs openssh-server if missing; needs root).
test-ssh: tree
	VODIA_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=tests $(BIN)/pytest -q tests/ssh

chaos: tree
	VODIA_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=tests $(BIN)/pytest -q -s tests/reliability/test_chaos.py

# The fleet example as AWX runs it: ansible-runner run() and transmit | worker | process, credentials in the environment.
test-runner: tree
	VODIA_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=tests $(BIN)/pytest -q tests/runner

# Galaxy / Automation Hub / execution-environment checks on the built collection; installs its own tools from PyPI.
release-checks: tree
	REUSE_VENV=1 tests/tools/release_checks.sh $(COLLECTIONS) $(BUILD)/release-checks

sanity: tree
	cd $(TREE) && $(ANSIBLE_TEST) sanity --venv --python $(TEST_PYTHON) --color no

units: tree
	cd $(TREE) && $(ANSIBLE_TEST) units --venv --python $(TEST_PYTHON) --color no

# The integration suite runs twice: through the action plugins in the controller's process (the default for tasks on
# the controller), and through the modules (vodia_pbx_execution=module, as on a jump host), so both paths keep every promise.
integration: integration-controller integration-module

INTEGRATION = cd $(TREE) && $(BIN)/python tests/tools/with_simulator.py --config tests/integration/integration_config.yml

integration-controller: tree
	$(INTEGRATION) -- $(ANSIBLE_TEST) integration --venv --python $(TEST_PYTHON) --color no

integration-module: tree
	$(INTEGRATION) --var vodia_pbx_execution=module -- $(ANSIBLE_TEST) integration --venv --python $(TEST_PYTHON) --color no

# The PBX versions in the field: every suite above runs against the simulator's default profile, v58 (the vendor's
# page); these run the integration suite (controller path), the fleet suites and the demo against the 69.x and 70.x
# profiles too (docs/simulator.md, docs/compatibility.md). The two profiles run side by side, each integration run in
# its own copy of the collection (ansible-test keeps its output inside the collection); on 2 cores that saves about
# a third of the time, as much of it is spent waiting for timeouts and process start-ups.
test-profiles: tree
	$(MAKE) --no-print-directory -j2 integration-v69 integration-v70
	$(MAKE) --no-print-directory -j2 test-fleet-v69 test-fleet-v70
	$(MAKE) --no-print-directory demo-profiles

integration-v69 integration-v70: integration-v%: venv
	@tests/tools/collection_tree.sh $(BUILD)/profile-v$* >/dev/null
	cd $(BUILD)/profile-v$*/ansible_collections/vodia/pbx && $(BIN)/python tests/tools/with_simulator.py \
		--config tests/integration/integration_config.yml --profile v$* -- \
		$(ANSIBLE_TEST) integration --venv --python $(TEST_PYTHON) --color no

# The mixed-version fleet test starts its own profiles; it runs once, in test-fleet.
test-fleet-v69 test-fleet-v70: test-fleet-v%: tree
	VODIA_SIM_PROFILE=v$* VODIA_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=tests $(BIN)/pytest -q -p no:cacheprovider \
		--ignore tests/fleet/test_mixed_versions.py tests/fleet

demo-profiles: build
	rm -rf $(DEMO)-profiles && mkdir -p $(DEMO)-profiles/collections
	$(BIN)/ansible-galaxy collection install --force -p $(DEMO)-profiles/collections $(BUILD)/vodia-pbx-*.tar.gz
	for profile in v58 v69 v70; do \
		$(BIN)/python tests/tools/demo.py $(DEMO)-profiles/collections $(DEMO)-profiles/$$profile $$profile || exit 1; \
	done

lint: tree
	cd $(TREE) && ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/ansible-lint --offline --profile production

build: tree
	cd $(TREE) && $(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

DEMO := $(BUILD)/demo

demo: build
	rm -rf $(DEMO) && mkdir -p $(DEMO)/collections
	$(BIN)/ansible-galaxy collection install --force -p $(DEMO)/collections $(BUILD)/vodia-pbx-*.tar.gz
	$(BIN)/python tests/tools/demo.py $(DEMO)/collections $(DEMO)

# Benchmarks, outside make test (about 65 minutes on 2 cores); figures in docs/performance.md and docs/simulator.md.
# The uri and loop approaches run once per scenario: each of their runs takes minutes.
FLEET_BENCH := $(BIN)/python benchmarks/fleet_bench.py --collections $(COLLECTIONS) --json $(BUILD)/bench.jsonl

CONTROLLER_BENCH := $(BIN)/python benchmarks/controller_bench.py --collections $(COLLECTIONS) --json $(BUILD)/bench.jsonl

bench: tree
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

# The version matrix: ansible-core 2.16 and 2.19 on Python 3.11, 2.20 and 2.21 on Python 3.12 (pyenv).
# make test runs the default cell (2.19) plus the oldest and the newest; make test-matrix runs every cell.
PY311 ?= $(PYTHON)
PY312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12 2>/dev/null))
MATRIX := tests/tools/matrix.sh

test-oldest: tree
	$(MATRIX) 2.16 $(PY311) $(TREE) sanity units integration

test-newest: tree
	@test -n "$(PY312)" || { echo "Python 3.12 is needed for ansible-core 2.21 (pyenv install 3.12)"; exit 1; }
	$(MATRIX) 2.21 $(PY312) $(TREE) sanity units integration

test-matrix: test test-2.20

test-2.20: tree
	@test -n "$(PY312)" || { echo "Python 3.12 is needed for ansible-core 2.20 (pyenv install 3.12)"; exit 1; }
	$(MATRIX) 2.20 $(PY312) $(TREE) sanity units

clean:
	rm -rf $(BUILD) tests/output .venv-2.*
