# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the ansible-runner tests share: the collection tree the jobs run."""

from __future__ import annotations

from collection_under_test import collections_path  # noqa: F401  pylint: disable=unused-import
