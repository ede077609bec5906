# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Saved plans, on every module that converges accounts (plugins/module_utils/saved_plan.py). docs/saved-plans.md
    # explains them at length.
    DOCUMENTATION = r'''
options:
  save_plan:
    description:
      - In check mode, adds what this task plans to the host's part of a saved plan, the host fact
        C(vodia_pbx_saved_plan), after the entries of the earlier tasks of the play that saved theirs.
      - The entry holds the PBX URL, the domain and the kind, and per account the action, the Vodia fields to write
        with the values they hold now, and a fingerprint (SHA-256) of the account's settings as read. It holds no
        password and no header. A later real run given the plan as O(saved_plan) writes exactly that, or refuses.
      - Only in check mode; a real run with V(true) fails before any request.
      - The role P(vodia.pbx.hunt_groups#role) writes the plan of a whole play to a file and to AWX artifacts
        (C(hunt_groups_save_plan)); see C(docs/saved-plans.md).
    type: bool
    default: false
  plan_ttl:
    description:
      - How long, in seconds, a plan this task saves can be applied. The host's part of the plan expires at the
        earliest expiry of its tasks, and so does the plan document of a play.
      - Between 60 seconds and 90 days. The default is one day.
    type: int
    default: 86400
  saved_plan:
    description:
      - A plan saved by a check-mode run with O(save_plan), to apply. Either the plan document of a play (with
        C(hosts)) or one host's part of it (the host fact C(vodia_pbx_saved_plan)).
      - The task finds its entry by a digest of the PBX URL, the domain, the kind, its accounts as given (names,
        states and fields) and, for a task of many accounts, whether it purges. Without one, the desired state differs from the plan, and the task fails
        before any request, naming the accounts that differ from the plan's entries for the same PBX, domain and kind.
      - A plan made by another version of the collection, or past its expiry, is refused before any request.
      - Otherwise the task plans afresh and checks references as always, then compares with the entry before any
        write. When an account's action, the fields to write or the fingerprint of its settings differ, the task
        fails, writes nothing, and lists the differences in RV(plan_differences). An account the fresh plan leaves
        alone, since the PBX already holds what the plan would write (a run that stopped half way), is not written
        again and is reported in RV(saved_plan.already_done).
      - The writes are then made in the order of the plan. In check mode the task verifies and reports without
        writing.
    type: dict
  saved_plan_so_far:
    description:
      - The host's part of the plan made by earlier tasks of the play, to which a task with O(save_plan) adds its
        entry.
      - You do not normally set it; the collection hands the host fact C(vodia_pbx_saved_plan) to the task through
        this option.
    type: dict
'''
