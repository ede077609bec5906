# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport-neutral request and response objects shared by the REST and control layers."""

import json
from urllib.parse import unquote

BODY_LIMIT = 1024 * 1024


class Request:
    """One HTTP request as the API layers see it.

    path is the raw path without the query string; segments are its parts, each
    URL-decoded after splitting, so an encoded '/' stays inside its segment.
    """

    def __init__(self, method, path, query, headers, body, client_ip):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.client_ip = client_ip
        self.segments = split_path(path)

    @property
    def decoded_path(self):
        """The path with every segment decoded, used for fault rule matching."""
        return "/" + "/".join(self.segments)


JSON_TYPE = "application/json"


class Response:
    """An answer: status, body, extra headers and the body's content type.

    A JSON body is any JSON-able value. Any other content type (v70's "text/plain"
    answers) takes a str body, sent as UTF-8.
    """

    def __init__(self, status, body=None, headers=None, content_type=JSON_TYPE):
        self.status = status
        self.body = {} if body is None else body
        self.headers = headers or {}
        self.content_type = content_type

    def encode(self):
        """The body as bytes: strict JSON (no NaN) or the text itself, UTF-8."""
        if self.content_type != JSON_TYPE:
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


class ApiError(Exception):
    """Raised by handlers to answer with an error status and {"error": message}."""

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self):
        """The error as a Response."""
        return Response(self.status, {"error": self.message}, self.headers)


def split_path(path):
    """Split a raw path into decoded segments, ignoring one trailing slash.

    Empty inner segments ("//") are kept as empty strings so they match no route, and
    undecodable bytes become U+FFFD so the segment names nothing that exists.
    """
    trimmed = path[1:] if path.startswith("/") else path
    if trimmed.endswith("/"):
        trimmed = trimmed[:-1]
    if not trimmed:
        return []
    return [unquote(segment, errors="replace") if "%" in segment else segment for segment in trimmed.split("/")]


def _reject_constant(name):
    raise ValueError("%s is not JSON" % name)


def parse_json_object(body):
    """Parse a strict JSON object body or raise ApiError(400)."""
    if not body:
        raise ApiError(400, "request body must be a JSON object")
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "request body is not valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(400, "request body must be a JSON object")
    return value
