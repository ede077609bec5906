# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP Basic authentication and administrator scopes (notes section 1)."""

import base64
import binascii
import hmac

from pbxsim.messages import ApiError

REALM = "pbxsim"
CHALLENGE = {"WWW-Authenticate": 'Basic realm="%s"' % REALM}


class Principal:
    """An authenticated administrator; domain is None for a system administrator."""

    def __init__(self, name, domain=None):
        self.name = name
        self.domain = domain

    @property
    def is_system(self):
        """System administrators reach every tenant and /rest/system/*."""
        return self.domain is None


def parse_basic(header):
    """Return (user, password) from an Authorization header, or None if it is not usable Basic."""
    if not header:
        return None
    scheme, _space, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, separator, password = decoded.partition(":")
    if not separator:
        return None
    return user, password


def presented_user(header):
    """The user name a request claims to be, for the journal; None without Basic credentials."""
    credentials = parse_basic(header)
    return credentials[0] if credentials else None


def _find_admin(state, user):
    """Return (admin record, tenant name or None); system administrators win over tenants."""
    system_admins = state.data["system_admins"]
    if user in system_admins:
        return system_admins[user], None
    local, separator, domain_name = user.rpartition("@")
    if not separator:
        return None, None
    domain = state.find_domain(domain_name)
    if domain is None or local not in domain["admins"]:
        return None, None
    return domain["admins"][local], domain["name"]


def authenticate(state, header):
    """Check the credentials of a /rest/ request; raise ApiError 401 or 403 when refused."""
    credentials = parse_basic(header)
    if credentials is None:
        raise ApiError(401, "authentication required", CHALLENGE)
    user, password = credentials
    admin, domain_name = _find_admin(state, user)
    # compare_digest keeps the comparison time independent of where the passwords differ.
    if admin is None or not hmac.compare_digest(admin["password"].encode("utf-8"), password.encode("utf-8")):
        raise ApiError(401, "invalid user name or password", CHALLENGE)
    if not admin["api_access"]:
        raise ApiError(403, "API access is not enabled for this administrator")
    return Principal(user, domain_name)
