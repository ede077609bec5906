# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Route a request to the control API or through the fault layer to the REST API.

Nothing here knows about sockets: the transport gets an Outcome back and carries it out.
"""

from pbxsim.auth import presented_user
from pbxsim.control import handle_control
from pbxsim.messages import Response, split_path
from pbxsim.rest import handle_rest

FAULT_BODY = {"error": "simulated fault"}
CONTROL_SEGMENT = "_sim"


class Outcome:
    """What to send: a Response, or None to drop the connection; hang_seconds delays it."""

    def __init__(self, response, hang_seconds=0.0):
        self.response = response
        self.hang_seconds = hang_seconds


def _fault_response(decision):
    headers = {"Retry-After": decision.retry_after} if decision.retry_after else {}
    return Response(decision.status, dict(FAULT_BODY), headers)


def _answer_with_faults(state, request, sleep):
    """Apply latency and the chosen fault around the real REST handling."""
    decision = state.faults.decide(request.method, request.decoded_path)
    if decision.latency:
        sleep(decision.latency)
    response = None
    if decision.action is None or decision.apply_first:
        response = handle_rest(state, request)
    if decision.action == "status":
        return Outcome(_fault_response(decision)), "error"
    if decision.action == "drop":
        return Outcome(None), "drop"
    if decision.action == "hang":
        return Outcome(response, decision.hang_seconds), "hang"
    return Outcome(response), None


def is_control_path(raw_path):
    """True for a request to the /_sim/ control API (raw_path may hold a query string)."""
    return split_path(raw_path.partition("?")[0])[:1] == [CONTROL_SEGMENT]


def process(state, request, sleep):
    """Answer one request; sleep(seconds) is how latency waits (interruptible on stop)."""
    segments = request.segments
    if segments[:1] == [CONTROL_SEGMENT]:
        return Outcome(handle_control(state, request))
    if segments[:1] == ["rest"]:
        outcome, fault = _answer_with_faults(state, request, sleep)
    else:
        outcome, fault = Outcome(Response(404, {"error": "no such endpoint"})), None
    status = outcome.response.status if outcome.response is not None else 0
    state.journal.record(request.method, request.path, status, presented_user(request.headers.get("Authorization")), fault)
    return outcome
