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
  max_concurrent_requests:
    description:
      - At most this many requests to this PBX at once from all the tasks, forks, parallel reads and processes of one user on
        the machine that runs the tasks, such as AWX job slices on one execution node or C(ansible-playbook) runs started
        side by side. A PBX is told apart by scheme, host and port.
      - Each request holds one of the PBX's slots while it is sent and answered, and gives it back while it waits before a
        retry. A process that ends, however it ends, gives back its slots.
      - A request waits up to O(request_lock_timeout) seconds for a free slot, then fails the task without being sent.
      - Processes on other machines (other AWX execution nodes, container group pods, other controllers) are not counted;
        to keep a PBX within a limit across machines, run one job per PBX group. See
        U(https://github.com/vodia-pbx/vodia.pbx/blob/main/docs/pbx-load.md).
      - Give every task that talks to a PBX the same value, for example in C(module_defaults) for C(group/vodia.pbx.vodia)
        or in the environment.
      - Unset or V(0) means no limit. At most V(256).
      - If not set, the value of the E(VODIA_MAX_CONCURRENT_REQUESTS) environment variable is used.
    type: int
  request_lock_dir:
    description:
      - The directory of the lock files of O(max_concurrent_requests), one file per slot and PBX. Only processes that use
        the same directory share the limit.
      - It is made (mode 0700) if it does not exist. It must be on a local file system where C(flock) works.
      - The default is a directory of this user under the system's temporary directory (E(TMPDIR), usually C(/tmp)),
        C(vodia.pbx-request-slots-<uid>). Each AWX job runs in a container of its own, with a temporary directory of its
        own. To share the limit between the jobs on one execution node, set this to a directory of the node that AWX exposes to
        every job (the Jobs setting "Paths to Expose to Isolated Jobs", C(AWX_ISOLATION_SHOW_PATHS)).
      - If not set, the value of the E(VODIA_REQUEST_LOCK_DIR) environment variable is used.
    type: path
  request_lock_timeout:
    description:
      - Seconds a request waits for a free slot of O(max_concurrent_requests) before the task fails with a message that
        names the PBX and the lock files. Nothing is sent to the PBX by a request that gave up.
      - If not set, the value of the E(VODIA_REQUEST_LOCK_TIMEOUT) environment variable is used.
    type: int
    default: 300
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
