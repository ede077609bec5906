# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The /rest/ API: routing, scopes and the handlers.

Checks run in this order, so that each failure has one predictable status:
401/403 credentials, 404 unknown route, 405 method, 403 scope, 404 domain,
404 account, 400 body.
"""

import copy
import time

from pbxsim import __version__
from pbxsim.accounts import (
    ACCOUNT_KEY_BY_TYPE, ACCOUNT_TYPES, DEFAULT_ACCOUNT_KEY, SettingsError, convert_settings, copy_settings,
    acd_summary, default_settings, flag_summary, hunt_summary, is_valid_account_id, known_fields, user_summary,
)
from pbxsim.auth import authenticate
from pbxsim.messages import ApiError, Response, parse_json_object
from pbxsim.profiles import EMPTY_OBJECT


class Route:
    """A path pattern such as rest/domain/{domain}/hunts with its method handlers."""

    def __init__(self, pattern, handlers):
        self.segments = tuple(pattern.split("/"))
        self.handlers = handlers
        self.system_scope = "{domain}" not in self.segments

    def match(self, segments):
        """Return the placeholder values when the segments fit this pattern, else None."""
        if len(segments) != len(self.segments):
            return None
        params = {}
        for expected, actual in zip(self.segments, segments):
            if expected.startswith("{"):
                if not actual:
                    return None
                params[expected[1:-1]] = actual
            elif expected != actual:
                return None
        return params

    def allowed(self):
        """The Allow header value for a 405 answer."""
        return ", ".join(sorted(self.handlers))


class Context:
    """Everything a handler needs: the PBX, the request, who asked and the path values."""

    def __init__(self, state, request, principal, params, domain):
        self.state = state
        self.request = request
        self.principal = principal
        self.params = params
        self.domain = domain

    def account(self):
        """The account named in the path, or ApiError 404."""
        account = self.domain["accounts"].get(self.params["account"])
        if account is None:
            raise ApiError(404, "account %s not found" % self.params["account"])
        return account


def get_status(context):
    """GET /rest/system/status: version and counters (field names are our choice)."""
    data = context.state.data
    domains = data["domains"].values()
    return Response(200, {
        "version": data["version"],
        "build": "pbxsim %s" % __version__,
        "uptime": int(time.time() - context.state.started),
        "started": int(context.state.started),
        "domains": len(data["domains"]),
        "accounts": sum(len(domain["accounts"]) for domain in domains),
        "calls": 0,
        "registrations": 0,
    })


def list_domains(context):
    """GET /rest/system/domains: an object keyed by tenant id (notes 4 and 5)."""
    result = {}
    for domain in context.state.data["domains"].values():
        result[domain["id"]] = {
            "name": domain["name"], "display": domain["display"], "alias": list(domain["alias"]),
            "country": domain["country"], "area": domain["area"],
        }
    return Response(200, result)


def _summaries(context, account_type, summary):
    """One summary per account of a type, in creation order."""
    accounts = context.domain["accounts"]
    return Response(200, [summary(name, account["settings"]) for name, account in accounts.items() if account["type"] == account_type])


def list_hunts(context):
    """GET /rest/domain/{d}/hunts: the vendor list shape (S1)."""
    return _summaries(context, "hunts", hunt_summary)


def list_acds(context):
    """GET /rest/domain/{d}/acds: call queues in the shape of the vendor's agent groups page."""
    return _summaries(context, "acds", acd_summary)


def list_srvflags(context):
    """GET /rest/domain/{d}/srvflags: service flags, {name, display} (notes section 5; shape our choice)."""
    return _summaries(context, "srvflags", flag_summary)


def _option_list(kind):
    def handler(context):
        return Response(200, copy.deepcopy(context.domain["options"][kind]))
    handler.__doc__ = "GET the tenant's %s option list: [{id, name}, ...] (notes section 5; shape our choice)." % kind
    return handler


def list_users(context):
    """GET /rest/domain/{d}/users: every account of the tenant (domains_lists_api page)."""
    return Response(200, [user_summary(name, account) for name, account in context.domain["accounts"].items()])


def get_user_settings(context):
    """GET /rest/domain/{d}/user_settings/{id}: flat settings of any account type, no type field."""
    return Response(200, copy_settings(context.account()["settings"]))


def _fields_kept(update, account, state):
    """The update without the keys this PBX would silently drop (unknown fields on v70)."""
    if not state.rules.drops_unknown_fields:
        return update
    known = known_fields(account["type"], state.profile)
    return dict((name, value) for name, value in update.items() if name in known)


def update_user_settings(context):
    """POST/PUT user_settings: partial update; the answer is the whole object (S2) or {} (v69, S17/S18)."""
    state = context.state
    account = context.account()
    update = _fields_kept(parse_json_object(context.request.body), account, state)
    try:
        converted = convert_settings(update, state.profile)
    except SettingsError as exc:
        raise ApiError(400, str(exc)) from None
    account["settings"].update(converted)
    if state.rules.settings_answer == EMPTY_OBJECT:
        return Response(200, {})
    return Response(200, copy_settings(account["settings"]))


def _answer(status, content_type_and_body):
    """A Response from a profile's (content type, body) pair."""
    content_type, body = content_type_and_body
    return Response(status, copy.deepcopy(body), content_type=content_type)


def _requested_account_ids(body):
    account_type = body.get("type")
    if not isinstance(account_type, str) or account_type not in ACCOUNT_TYPES:
        raise ApiError(400, "type must be one of %s" % ", ".join(ACCOUNT_TYPES))
    key = ACCOUNT_KEY_BY_TYPE.get(account_type, DEFAULT_ACCOUNT_KEY)
    raw = body.get(key)
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not raw.strip():
        raise ApiError(400, "%s is required for type %s" % (key, account_type))
    account_ids = []
    for account_id in (part.strip() for part in raw.split("/")):
        if not is_valid_account_id(account_id):
            raise ApiError(400, "invalid account id %r" % account_id)
        if account_id not in account_ids:
            account_ids.append(account_id)
    return account_type, account_ids


def _create_account(context, account_type, account_id):
    """Create one account unless it exists or the tenant's max_hunts is reached (both silent)."""
    state = context.state
    accounts = context.domain["accounts"]
    if account_id in accounts:
        return
    if account_type == "hunts" and state.hunt_limit_reached(context.domain):
        return
    accounts[account_id] = {
        "id": state.allocate_account_id(),
        "type": account_type,
        "settings": default_settings(account_type, account_id, state.profile),
    }


def add_accounts(context):
    """POST/PUT addacc: create one or several ("500/501") accounts of one type.

    A profile's success answer does not prove creation: v69 ignores a wrong type and service flags (S17), and
    duplicates and a full max_hunts answer success too (S17, S2).
    """
    state = context.state
    body = parse_json_object(context.request.body)
    if state.rules.unknown_type_ignored and body.get("type") not in ACCOUNT_TYPES:
        return _answer(200, state.rules.addacc_answer)
    account_type, account_ids = _requested_account_ids(body)
    if account_type in state.addacc_ignored_types:
        return _answer(200, state.rules.addacc_answer)
    existing = [account_id for account_id in account_ids if account_id in context.domain["accounts"]]
    if existing and state.rules.honours_on_duplicate and state.on_duplicate == "error":
        raise ApiError(400, "account already exists: %s" % " ".join(existing))
    for account_id in account_ids:
        _create_account(context, account_type, account_id)
    return _answer(200, state.rules.addacc_answer)


def delete_account(context):
    """DELETE addacc/{id}: remove one account of any type."""
    context.account()
    del context.domain["accounts"][context.params["account"]]
    return _answer(200, context.state.rules.delete_answer)


def domain_action(context):
    """POST/PUT domain_action: only delete_selected (S1); unknown ids are skipped silently.

    The route stays on v70 although S2 drops delete_selected: a 70.3 PBX still has
    domain_action for its other actions, so a client sees 400, not 404.
    """
    body = parse_json_object(context.request.body)
    if body.get("type") != "accounts":
        raise ApiError(400, "type must be accounts")
    if body.get("action") != "delete_selected" or not context.state.rules.delete_selected:
        raise ApiError(400, "unsupported action %r" % (body.get("action"),))
    selected = body.get("selected")
    if not isinstance(selected, str):
        raise ApiError(400, "selected must be a space-separated string of account ids")
    for account_id in selected.split():
        context.domain["accounts"].pop(account_id, None)
    return Response(200, {})


ROUTES = (
    Route("rest/system/status", {"GET": get_status}),
    Route("rest/system/domains", {"GET": list_domains}),
    Route("rest/domain/{domain}/hunts", {"GET": list_hunts}),
    Route("rest/domain/{domain}/acds", {"GET": list_acds}),
    Route("rest/domain/{domain}/srvflags", {"GET": list_srvflags}),
    Route("rest/domain/{domain}/dialplans", {"GET": _option_list("dialplans")}),
    Route("rest/domain/{domain}/moh", {"GET": _option_list("moh")}),
    # The names are not translated: every language answers the same list (our choice).
    Route("rest/domain/{domain}/ringtones/{language}", {"GET": _option_list("ringtones")}),
    Route("rest/domain/{domain}/users", {"GET": list_users}),
    Route("rest/domain/{domain}/user_settings/{account}", {
        "GET": get_user_settings, "POST": update_user_settings, "PUT": update_user_settings,
    }),
    Route("rest/domain/{domain}/addacc", {"POST": add_accounts, "PUT": add_accounts}),
    Route("rest/domain/{domain}/addacc/{account}", {"DELETE": delete_account}),
    Route("rest/domain/{domain}/domain_action", {"POST": domain_action, "PUT": domain_action}),
)


def find_route(segments):
    """Return (route, params) for the path segments, or (None, None)."""
    for route in ROUTES:
        params = route.match(segments)
        if params is not None:
            return route, params
    return None, None


def _domain_in_scope(state, principal, route, params):
    """Apply administrator scope, then resolve the tenant named in the path (None for system routes)."""
    if route.system_scope:
        if not principal.is_system:
            raise ApiError(403, "tenant administrators cannot use system endpoints")
        return None
    domain = state.find_domain(params["domain"])
    if not principal.is_system and (domain is None or domain["name"] != principal.domain):
        raise ApiError(403, "no permission for this tenant")
    if domain is None:
        raise ApiError(404, "domain %s not found" % params["domain"])
    return domain


def handle_rest(state, request):
    """Answer one /rest/ request against a PBX."""
    with state.lock:
        try:
            principal = authenticate(state, request.headers.get("Authorization"))
            route, params = find_route(request.segments)
            if route is None:
                raise ApiError(404, "no such endpoint")
            handler = route.handlers.get(request.method)
            if handler is None:
                raise ApiError(405, "method %s not allowed" % request.method, {"Allow": route.allowed()})
            domain = _domain_in_scope(state, principal, route, params)
            return handler(Context(state, request, principal, params, domain))
        except ApiError as exc:
            return exc.response()
