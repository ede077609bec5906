# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The /_sim/ control API for tests, benchmarks and chaos runs.

No PBX credentials are needed, so it only answers peers on the loopback interface.
Control requests never pass through the fault layer, are not journaled and are not counted as load.
"""

import ipaddress
from urllib.parse import parse_qs

from pbxsim.accounts import ACCOUNT_TYPES
from pbxsim.faults import FaultConfigError
from pbxsim.messages import ApiError, Response, parse_json_object
from pbxsim.state import DUPLICATE_MODES


def is_loopback(address):
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


def _optional_json_object(request):
    return parse_json_object(request.body) if request.body else {}


def _query_int(query, name):
    values = query.get(name)
    if not values:
        return 0
    try:
        return int(values[0])
    except ValueError:
        raise ApiError(400, "%s must be an integer" % name) from None


def health(state, _request):
    """GET /_sim/health: cheap readiness probe."""
    return Response(200, {"ok": True, "version": state.data["version"]})


def get_journal(state, request):
    """GET /_sim/journal[?since=SEQ&method=M&path_prefix=P]."""
    query = parse_qs(request.query)
    answer = state.journal.query(
        since=_query_int(query, "since"),
        method=query.get("method", [None])[0],
        path_prefix=query.get("path_prefix", [None])[0],
    )
    answer["peak_in_flight"] = state.load.describe()["peak_in_flight"]
    return Response(200, answer)


def clear_journal(state, _request):
    """DELETE /_sim/journal: also starts a new load peak, so that one clear begins a measurement."""
    state.journal.clear()
    state.load.clear()
    return Response(200, {})


def get_load(state, _request):
    """GET /_sim/load: requests in flight now, the most at once since the last clear, and the requests counted."""
    return Response(200, state.load.describe())


def clear_load(state, _request):
    """DELETE /_sim/load: a new peak, the journal kept."""
    state.load.clear()
    return Response(200, state.load.describe())


def take_snapshot(state, _request):
    """POST /_sim/snapshot: save the PBX data."""
    return Response(200, {"snapshot": state.take_snapshot()})


def restore_snapshot(state, request):
    """POST /_sim/restore {"snapshot": id}."""
    snapshot_id = parse_json_object(request.body).get("snapshot")
    if not isinstance(snapshot_id, str):
        raise ApiError(400, "snapshot must be a snapshot id string")
    if not state.restore_snapshot(snapshot_id):
        raise ApiError(404, "snapshot %s not found" % snapshot_id)
    return Response(200, {})


def reset(state, _request):
    """POST /_sim/reset: seed data, start-up faults, empty journal."""
    state.reset()
    return Response(200, {})


def dump_state(state, _request):
    """GET /_sim/state."""
    return Response(200, state.dump())


def get_faults(state, _request):
    """GET /_sim/faults."""
    return Response(200, state.faults.describe())


def merge_faults(state, request):
    """POST /_sim/faults: merge keys; fail_next rules are appended."""
    try:
        return Response(200, state.faults.merge(parse_json_object(request.body)))
    except FaultConfigError as exc:
        raise ApiError(400, str(exc)) from None


def clear_faults(state, _request):
    """DELETE /_sim/faults: every fault off (until reset restores the start-up faults)."""
    state.faults.clear()
    return Response(200, state.faults.describe())


def _config(state):
    limits = dict((name, domain["max_hunts"]) for name, domain in state.data["domains"].items() if domain["max_hunts"] is not None)
    return {"on_duplicate": state.on_duplicate, "version": state.data["version"], "profile": state.profile, "max_hunts": limits,
            "addacc_ignored_types": list(state.addacc_ignored_types)}


def get_config(state, _request):
    """GET /_sim/config: run-time switches, the profile and the tenants' hunt group limits."""
    with state.lock:
        return Response(200, _config(state))


def _max_hunts_update(state, update):
    """Validate {"domain": N or null} and return [(domain record, limit)]; nothing is changed here."""
    if not isinstance(update, dict):
        raise ApiError(400, "max_hunts must be an object of domain name to limit")
    changes = []
    for name, limit in update.items():
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ApiError(400, "max_hunts of %s must be a non-negative integer or null" % name)
        domain = state.find_domain(name)
        if domain is None:
            raise ApiError(404, "domain %s not found" % name)
        changes.append((domain, limit))
    return changes


def set_config(state, request):
    """POST /_sim/config {"on_duplicate": "ok"|"error", "version": "70.3.1", "max_hunts": {"localhost": 3},
    "addacc_ignored_types": ["srvflags"]}.

    The profile is not among the keys: the seed data was built for it at start-up.
    max_hunts lives in the PBX data, so snapshots keep it and reset brings back the seed's.
    addacc_ignored_types are the account types whose addacc answers success and creates nothing (the v69 profile
    starts with ["srvflags"], S17); reset brings back the profile's.
    """
    update = _optional_json_object(request)
    unknown = sorted(set(update) - {"on_duplicate", "version", "max_hunts", "addacc_ignored_types"})
    if unknown:
        raise ApiError(400, "unknown config keys: %s" % ", ".join(unknown))
    if "on_duplicate" in update and update["on_duplicate"] not in DUPLICATE_MODES:
        raise ApiError(400, "on_duplicate must be one of %s" % ", ".join(DUPLICATE_MODES))
    if "version" in update and not isinstance(update["version"], str):
        raise ApiError(400, "version must be a string")
    ignored = update.get("addacc_ignored_types")
    if ignored is not None and (not isinstance(ignored, list) or not all(item in ACCOUNT_TYPES for item in ignored)):
        raise ApiError(400, "addacc_ignored_types must be a list of account types: %s" % ", ".join(ACCOUNT_TYPES))
    with state.lock:
        limits = _max_hunts_update(state, update.get("max_hunts", {}))
        state.on_duplicate = update.get("on_duplicate", state.on_duplicate)
        state.data["version"] = update.get("version", state.data["version"])
        if ignored is not None:
            state.addacc_ignored_types = tuple(ignored)
        for domain, limit in limits:
            domain["max_hunts"] = limit
        return Response(200, _config(state))


CONTROL_ROUTES = {
    "health": {"GET": health},
    "journal": {"GET": get_journal, "DELETE": clear_journal},
    "load": {"GET": get_load, "DELETE": clear_load},
    "snapshot": {"POST": take_snapshot},
    "restore": {"POST": restore_snapshot},
    "reset": {"POST": reset},
    "state": {"GET": dump_state},
    "faults": {"GET": get_faults, "POST": merge_faults, "DELETE": clear_faults},
    "config": {"GET": get_config, "POST": set_config},
}


def handle_control(state, request):
    """Answer one /_sim/ request."""
    try:
        if not is_loopback(request.client_ip):
            raise ApiError(403, "the control API only answers loopback clients")
        segments = request.segments
        handlers = CONTROL_ROUTES.get(segments[1]) if len(segments) == 2 else None
        if handlers is None:
            raise ApiError(404, "no such control endpoint")
        handler = handlers.get(request.method)
        if handler is None:
            raise ApiError(405, "method %s not allowed" % request.method, {"Allow": ", ".join(sorted(handlers))})
        return handler(state, request)
    except ApiError as exc:
        return exc.response()
