# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # How every vodia.pbx module reaches a PBX, and what they all share: each is in the vodia
    # action group (meta/runtime.yml) so module_defaults can carry these options. Kept in one
    # place so that the documentation cannot drift from plugins/module_utils/argument_specs.py.
    DOCUMENTATION = r'''
attributes:
  platform:
    platforms: all
  action_group:
    support: full
    membership:
      - vodia.pbx.vodia
options:
  url:
    description:
      - Base URL of the Vodia PBX web interface, made of scheme, host and optional port,
        for example V(https://pbx.example.com:8443).
      - The REST API is reached under C(/rest/) below this URL.
      - An C(http://) URL works but sends the password in clear text, so the module warns about it.
      - If not set, the value of the E(VODIA_URL) environment variable is used.
    type: str
    required: true
  username:
    description:
      - Administrator account used for HTTP Basic authentication.
      - A system administrator (for example V(admin)) reaches every tenant; a tenant administrator
        (V(admin@<domain>)) reaches only its own tenant.
      - The account needs API access enabled on the PBX.
      - If not set, the value of the E(VODIA_USERNAME) environment variable is used.
    type: str
    required: true
  password:
    description:
      - Password of O(username).
      - It is never shown in output, results, diffs or error messages.
      - If not set, the value of the E(VODIA_PASSWORD) environment variable is used.
    type: str
    required: true
  validate_certs:
    description:
      - Whether to verify the PBX's TLS certificate.
      - Set to V(false) only for a PBX you trust on a network you trust; prefer O(ca_path) for a
        self-signed certificate.
      - If not set, the value of the E(VODIA_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM file with the certificate authority (or the self-signed certificate) that
        signed the PBX's certificate.
      - If not set, the value of the E(VODIA_CA_PATH) environment variable is used, and without it
        the system's trusted authorities.
    type: path
  timeout:
    description:
      - Seconds to wait for the PBX to connect and to answer each request.
      - If not set, the value of the E(VODIA_TIMEOUT) environment variable is used.
    type: int
    default: 30
  retries:
    description:
      - How often a request is sent again after a dropped connection or an answer that says "try again"
        (HTTP 429, 500, 502, 503, 504), waiting as the PBX's C(Retry-After) asks or with exponential backoff.
      - Only requests whose repetition is harmless are repeated (reads, settings updates, deletions). Creating an
        account is never repeated blindly; the module reads first whether it exists.
      - A read that times out is sent once more (within O(retries)); a second timeout fails the task, so a PBX that
        hangs fails a read within about twice O(timeout). A write that times out is not repeated, since the PBX may
        have carried it out; the next run reads before it writes.
      - Each retry is listed in the task result under C(http_retries).
      - If not set, the value of the E(VODIA_RETRIES) environment variable is used.
    type: int
    default: 3
notes:
  - When the task runs on the controller (C(connection=local), C(delegate_to=localhost), or the implicit
    C(localhost)), an action plugin of the same name does the work in the controller's own process, with no
    module process per task. Everywhere else (a jump host over SSH, C(become), C(async)) the module runs on the
    target host as usual. Both ways validate, report, mask the password and honour check mode, diff mode,
    C(module_defaults) and C(environment) alike.
  - Set the variable C(vodia_pbx_execution=module) (for example in group_vars or with C(-e)) to always run the
    module instead; V(auto), the default, chooses as described above.
requirements:
  - requests >= 2.25.0 (Python library, on the host that runs the task; for tasks on the controller, in the
    Python that runs Ansible)
'''
