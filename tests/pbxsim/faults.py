# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: latency, random errors, drops, hangs and "fail the next N" rules.

Faults only ever apply to /rest/* requests. The configuration is plain JSON-able data
so that the control API can show and merge it.
"""

import copy
import fnmatch
import random
import threading

DEFAULT_FAULTS = {
    "latency_ms": 0.0,
    "jitter_ms": 0.0,
    "error_rate": 0.0,
    "error_codes": [500, 502, 503],
    "retry_after": None,
    "drop_rate": 0.0,
    "hang_rate": 0.0,
    "hang_seconds": 30.0,
    "fail_next": [],
}

RATE_KEYS = ("error_rate", "drop_rate", "hang_rate")
DURATION_KEYS = ("latency_ms", "jitter_ms", "hang_seconds")
RULE_KEYS = ("method", "path", "status", "count", "retry_after", "apply", "hang_seconds")
SPECIAL_RULE_ACTIONS = ("drop", "hang")
GLOB_CHARACTERS = "*?["


class FaultConfigError(ValueError):
    """A fault configuration that cannot be used."""


class Decision:
    """What the fault layer wants done with one request.

    action is None (answer normally), "status" (answer with status), "drop" (close the
    connection without answering) or "hang" (answer normally, hang_seconds late).
    apply_first means the request is processed before the fault replaces the answer.
    """

    def __init__(self, latency=0.0, action=None, status=None, retry_after=None, hang_seconds=0.0, apply_first=False):
        self.latency = latency
        self.action = action
        self.status = status
        self.retry_after = retry_after
        self.hang_seconds = hang_seconds
        self.apply_first = apply_first


def _number(value, key, low=0.0, high=None):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FaultConfigError("%s must be a number" % key)
    if value < low or (high is not None and value > high):
        raise FaultConfigError("%s must be between %s and %s" % (key, low, "infinity" if high is None else high))
    return float(value)


def _status_code(value, key):
    if isinstance(value, bool) or not isinstance(value, int) or not 400 <= value <= 599:
        raise FaultConfigError("%s must be an HTTP status between 400 and 599" % key)
    return value


def _retry_after(value, key):
    """Retry-After is sent as given: seconds (number) or an HTTP date (string); None for none."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise FaultConfigError("%s must be seconds or an HTTP date" % key)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise FaultConfigError("%s must be seconds or an HTTP date" % key)


def normalise_rule(rule):
    """Validate one fail_next rule and fill in its defaults."""
    if not isinstance(rule, dict):
        raise FaultConfigError("a fail_next rule must be an object")
    unknown = sorted(set(rule) - set(RULE_KEYS))
    if unknown:
        raise FaultConfigError("unknown fail_next keys: %s" % ", ".join(unknown))
    path = rule.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise FaultConfigError("fail_next path must be a string starting with /")
    method = rule.get("method", "*")
    if not isinstance(method, str) or not method:
        raise FaultConfigError("fail_next method must be a string such as POST or *")
    status = rule.get("status", 503)
    if status not in SPECIAL_RULE_ACTIONS:
        status = _status_code(status, "fail_next status")
    count = rule.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FaultConfigError("fail_next count must be a positive integer")
    apply_first = rule.get("apply", False)
    if not isinstance(apply_first, bool):
        raise FaultConfigError("fail_next apply must be true or false")
    hang_seconds = rule.get("hang_seconds")
    return {
        "method": method.upper(),
        "path": _strip_trailing_slash(path),
        "status": status,
        "count": count,
        "retry_after": _retry_after(rule.get("retry_after"), "fail_next retry_after"),
        "apply": apply_first,
        "hang_seconds": None if hang_seconds is None else _number(hang_seconds, "fail_next hang_seconds"),
    }


def normalise_update(update):
    """Validate a (partial) fault configuration; returns the normalised keys given."""
    if not isinstance(update, dict):
        raise FaultConfigError("faults must be a JSON object")
    unknown = sorted(set(update) - set(DEFAULT_FAULTS))
    if unknown:
        raise FaultConfigError("unknown fault keys: %s" % ", ".join(unknown))
    clean = {}
    for key, value in update.items():
        if key in RATE_KEYS:
            clean[key] = _number(value, key, 0.0, 1.0)
        elif key in DURATION_KEYS:
            clean[key] = _number(value, key)
        elif key == "error_codes":
            if not isinstance(value, list) or not value:
                raise FaultConfigError("error_codes must be a non-empty list of status codes")
            clean[key] = [_status_code(code, "error_codes") for code in value]
        elif key == "retry_after":
            clean[key] = _retry_after(value, key)
        else:
            if not isinstance(value, list):
                raise FaultConfigError("fail_next must be a list of rules")
            clean[key] = [normalise_rule(rule) for rule in value]
    return clean


def _strip_trailing_slash(path):
    return path[:-1] if len(path) > 1 and path.endswith("/") else path


def path_matches(pattern, path):
    """Exact match, or a shell-style glob when the pattern has * ? or [ (where * also spans /)."""
    if any(char in pattern for char in GLOB_CHARACTERS):
        return fnmatch.fnmatchcase(path, pattern)
    return pattern == path


class FaultPlan:
    """The live fault configuration of one PBX, plus its random number generator."""

    def __init__(self, initial=None, random_seed=None):
        self._lock = threading.Lock()
        self._initial = copy.deepcopy(DEFAULT_FAULTS)
        self._initial.update(normalise_update(initial or {}))
        self._config = copy.deepcopy(self._initial)
        self._random = random.Random(random_seed)

    def describe(self):
        """Return a copy of the current configuration."""
        with self._lock:
            return copy.deepcopy(self._config)

    def merge(self, update):
        """Merge keys into the configuration; fail_next rules are appended, not replaced."""
        clean = normalise_update(update)
        with self._lock:
            rules = clean.pop("fail_next", [])
            self._config.update(clean)
            self._config["fail_next"].extend(rules)
            return copy.deepcopy(self._config)

    def clear(self):
        """Switch every fault off."""
        with self._lock:
            self._config = copy.deepcopy(DEFAULT_FAULTS)

    def restore_initial(self):
        """Go back to the faults given at start-up (command line or start_simulator)."""
        with self._lock:
            self._config = copy.deepcopy(self._initial)

    def decide(self, method, path):
        """Pick the fault (if any) for one /rest/ request; path is decoded, without query."""
        path = _strip_trailing_slash(path)
        with self._lock:
            config = self._config
            latency = config["latency_ms"] / 1000.0
            if config["jitter_ms"]:
                latency += self._random.uniform(0.0, config["jitter_ms"]) / 1000.0
            decision = self._take_rule(method, path) or self._draw_random_fault()
            decision.latency = latency
            return decision

    def _take_rule(self, method, path):
        rules = self._config["fail_next"]
        for rule in rules:
            if rule["method"] in ("*", method) and path_matches(rule["path"], path):
                rule["count"] -= 1
                if rule["count"] == 0:
                    rules.remove(rule)
                return self._rule_decision(rule)
        return None

    def _rule_decision(self, rule):
        status = rule["status"]
        hang_seconds = self._config["hang_seconds"] if rule["hang_seconds"] is None else rule["hang_seconds"]
        if status in SPECIAL_RULE_ACTIONS:
            return Decision(action=status, hang_seconds=hang_seconds, apply_first=rule["apply"] or status == "hang")
        return Decision(action="status", status=status, retry_after=rule["retry_after"], apply_first=rule["apply"])

    def _draw_random_fault(self):
        """One draw splits [0, 1) into drop, hang and error bands, in that order."""
        config = self._config
        if not (config["drop_rate"] or config["hang_rate"] or config["error_rate"]):
            return Decision()
        draw = self._random.random()
        if draw < config["drop_rate"]:
            return Decision(action="drop")
        draw -= config["drop_rate"]
        if draw < config["hang_rate"]:
            return Decision(action="hang", hang_seconds=config["hang_seconds"], apply_first=True)
        draw -= config["hang_rate"]
        if draw < config["error_rate"]:
            status = self._random.choice(config["error_codes"])
            return Decision(action="status", status=status, retry_after=config["retry_after"])
        return Decision()
