# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one error family of vodia.pbx: every failure the collection knows is a VodiaError.

Each error's message says what went wrong and what to do; ``facts()`` adds what a task result may
show about it. Nothing here ever holds a credential.
"""

from __future__ import annotations


class VodiaError(Exception):
    """Base of every error vodia.pbx raises on purpose."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def facts(self) -> dict:
        """Extra keys for the failed task's result."""
        return {}


class VodiaConfigError(VodiaError):
    """The connection settings cannot work; raised before any request."""


class VodiaInputError(VodiaError):
    """A task's input cannot be turned into what the PBX needs; raised before any request."""


class VodiaApiError(VodiaError):
    """A request to the PBX failed, or its answer cannot be trusted. ``status`` is None when no HTTP answer arrived."""

    def __init__(self, message: str, method: str | None = None, path: str | None = None, status: int | None = None,
                 body: str | None = None):
        super().__init__(message)
        self.method = method
        self.path = path
        self.status = status
        self.body = body

    def facts(self) -> dict:
        return {'method': self.method, 'path': self.path, 'status': self.status, 'response': self.body}

    def with_message(self, message: str) -> VodiaApiError:
        """The same failed request, explained differently."""
        return VodiaApiError(message, self.method, self.path, self.status, self.body)


class RequestSlotError(VodiaApiError):
    """A request was not sent: the limit on requests to one PBX at once (max_concurrent_requests) gave this process no
    slot in time, or its lock files cannot be used. ``status`` is None, as no answer arrived; unlike a lost answer, the
    PBX cannot have carried the request out, so it is never read back to find out."""

    def __init__(self, message: str, method: str | None = None, path: str | None = None):
        super().__init__(message, method, path)

    def with_message(self, message: str) -> RequestSlotError:
        return RequestSlotError(message, self.method, self.path)


class WrongKindError(VodiaError):
    """The account exists on the PBX but is not of the kind the task manages: it must not be touched."""


class VodiaReferenceError(VodiaError):
    """A field names an account the tenant does not have, or a deletion would leave a reference dangling; raised
    before any write. ``problems`` lists each one as data."""

    def __init__(self, message: str, problems: list):
        super().__init__(message)
        self.problems = problems

    def facts(self) -> dict:
        return {'reference_problems': self.problems}


class PartialConvergeError(VodiaError):
    """Converging several accounts stopped at one of them; ``results`` reports the ones before it."""

    def __init__(self, message: str, cause: VodiaApiError, results: list):
        super().__init__(message)
        self.cause = cause
        self.results = results

    def facts(self) -> dict:
        return dict(self.cause.facts(), results=self.results)


class VodiaGitError(VodiaError):
    """Delivering files to a git repository failed. Nothing was pushed by force, ever; what git printed is masked
    before it reaches the message, so the message holds no credential."""


class VodiaPlanError(VodiaError):
    """A saved plan cannot be applied: it expired, was made by another version, was made for another desired state, or
    the PBX changed since it was made; raised before any write. ``differences`` lists what differs, as data."""

    def __init__(self, message: str, differences: list):
        super().__init__(message)
        self.differences = differences

    def facts(self) -> dict:
        return {'plan_differences': self.differences}
