# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entry point for ``python -m pbxsim``."""

import sys

from pbxsim.cli import main

sys.exit(main())
