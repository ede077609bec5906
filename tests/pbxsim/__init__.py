# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Vodia PBX REST API simulator for the vodia.pbx collection's tests.

Start it with ``PYTHONPATH=tests python3 -m pbxsim`` or in-process with
``pbxsim.server.start_simulator()``. See docs/simulator.md.
"""

__version__ = "1.0.0"
