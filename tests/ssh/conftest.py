# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The sshd_server fixture: a throw-away OpenSSH server on 127.0.0.1 (tests/tools/sshd.py)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))

from sshd import sshd_server  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
