# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A throw-away OpenSSH server on 127.0.0.1, for tests that need a real SSH hop.

    from sshd import start_sshd

    with start_sshd(directory) as server:     # directory: an empty temporary directory; stops sshd on leaving
        server.port, server.client_key, server.log_file

As a pytest fixture, import ``sshd_server`` into a conftest.py (tests/ssh/conftest.py does). By hand:

    python tests/tools/sshd.py                # prints the port and the key, serves until Ctrl-C

The server has its own host key, configuration, pid file and log in the directory. It listens on 127.0.0.1 only
and lets in root with the generated client key and nothing else. The system's own sshd configuration and service
are never read, changed or started. Needs root: sshd only runs as root, and may have to be installed with apt-get.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import pytest

SSHD = '/usr/sbin/sshd'
# sshd refuses to start without its privilege separation directory; the system service creates it when it starts,
# which never happens here.
PRIVILEGE_SEPARATION_DIR = '/run/sshd'
READY_TIMEOUT = 10
# A free port can be taken by someone else between our probe and sshd's bind; try a few.
BIND_ATTEMPTS = 3

SSHD_CONFIG = '''\
# Written by tests/tools/sshd.py for one test run; nothing here comes from /etc/ssh.
ListenAddress 127.0.0.1
Port {port}
AddressFamily inet
HostKey {directory}/host_key
PidFile {directory}/sshd.pid
AuthorizedKeysFile {directory}/authorized_keys
AllowUsers root
PermitRootLogin prohibit-password
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The key files live in a pytest temporary directory, not in ~root/.ssh.
StrictModes no
AllowAgentForwarding no
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
# Ansible copies modules with sftp; the built-in server needs no extra binary.
Subsystem sftp internal-sftp
# VERBOSE logs each accepted key, so a test can see that a client really logged in.
LogLevel VERBOSE
'''


class SshdError(RuntimeError):
    """The test SSH server could not be installed or started."""


@dataclass
class SshServer:
    """A running sshd child process and what a client needs to reach it."""

    directory: pathlib.Path
    port: int
    client_key: str
    log_file: str
    process: subprocess.Popen
    host: str = '127.0.0.1'
    user: str = 'root'

    def log(self) -> str:
        with open(self.log_file, encoding='utf-8', errors='replace') as handle:
            return handle.read()

    def stop(self) -> None:
        """Stop sshd and the connections it still serves. Safe to call twice."""
        if self.process.poll() is None:
            # Each connection is served by a child of the listener that runs in its own session, so it outlives the
            # listener; a client's ControlPersist master would then keep it (and itself) alive for another minute.
            for pid in _child_pids(self.process.pid):
                _terminate(pid)
            self.process.terminate()
        try:
            self.process.wait(timeout=READY_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *_exception):
        self.stop()


def ensure_openssh_server() -> None:
    """Install openssh-server with apt-get when /usr/sbin/sshd is missing (a fresh CI machine)."""
    if os.path.exists(SSHD):
        return
    if os.geteuid() != 0 or shutil.which('apt-get') is None:
        raise SshdError('%s is missing and cannot be installed here: run as root on a machine with apt-get, '
                        'or install openssh-server first.' % SSHD)
    # DEBIAN_FRONTEND: no question may wait for an answer. Container images ship a policy-rc.d that stops the
    # package from starting the system's ssh service; on a full machine the package starts it, as any install would.
    environment = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    for command in (['apt-get', 'update', '-q'],
                    ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'openssh-server']):
        completed = subprocess.run(command, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, check=False)
        if completed.returncode != 0:
            raise SshdError('%s is missing and `%s` failed (exit code %d):\n%s'
                            % (SSHD, ' '.join(command), completed.returncode, completed.stdout[-3000:]))
    if not os.path.exists(SSHD):
        raise SshdError('openssh-server is installed, yet %s does not exist.' % SSHD)


def start_sshd(directory) -> SshServer:
    """Start sshd for root on a free port of 127.0.0.1 with keys made in ``directory``; returns when it answers."""
    ensure_openssh_server()
    directory = pathlib.Path(directory).resolve()
    os.makedirs(PRIVILEGE_SEPARATION_DIR, mode=0o755, exist_ok=True)
    _make_key(directory / 'host_key')
    client_key = _make_key(directory / 'client_key')
    shutil.copyfile(client_key + '.pub', directory / 'authorized_keys')
    for attempt in range(1, BIND_ATTEMPTS + 1):
        server = _launch(directory, _free_port(), client_key, attempt)
        if _wait_until_ready(server):
            return server
        server.stop()
        failure = 'sshd did not start (exit code %s). Its log, %s:\n%s' % (server.process.returncode, server.log_file, server.log())
        if 'Address already in use' not in failure:
            break
    raise SshdError(failure)


@pytest.fixture(scope='session')
def sshd_server(tmp_path_factory):
    """One sshd for the whole test session; see the module documentation."""
    with start_sshd(tmp_path_factory.mktemp('sshd')) as server:
        yield server


def _make_key(path: pathlib.Path) -> str:
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'vodia.pbx test', '-f', str(path)],
                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=True)
    return str(path)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _launch(directory: pathlib.Path, port: int, client_key: str, attempt: int) -> SshServer:
    config = directory / 'sshd_config'
    config.write_text(SSHD_CONFIG.format(port=port, directory=directory), encoding='utf-8')
    log_file = str(directory / ('sshd-%d.log' % attempt))
    # -D: stay in the foreground as our child; -E: log to a file instead of syslog. Messages sshd prints before it
    # opens the log (a bad configuration) go to the same file through stderr.
    with open(log_file, 'ab') as early_output:
        process = subprocess.Popen([SSHD, '-D', '-f', str(config), '-E', log_file],  # pylint: disable=consider-using-with
                                   stdin=subprocess.DEVNULL, stdout=early_output, stderr=early_output)
    return SshServer(directory=directory, port=port, client_key=client_key, log_file=log_file, process=process)


def _wait_until_ready(server: SshServer) -> bool:
    """True once the port answers with an SSH banner; False if sshd exits or stays silent."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            with socket.create_connection((server.host, server.port), timeout=1) as connection:
                # The banner tells our sshd apart from whatever else might have bound the port first.
                if connection.recv(64).startswith(b'SSH-2.0-'):
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def _child_pids(parent: int) -> list:
    children = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry, encoding='utf-8', errors='replace') as handle:
                stat = handle.read()
        except OSError:
            continue  # the process has just ended
        # The command name in parentheses may contain spaces; the parent pid is the second field after it.
        if int(stat.rsplit(')', 1)[1].split()[1]) == parent:
            children.append(int(entry))
    return children


def _terminate(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def main() -> int:
    directory = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix='sshd-')
    with start_sshd(directory) as server:
        print('ssh -p %d -i %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1'
              % (server.port, server.client_key), flush=True)
        print('log: %s  (Ctrl-C stops it)' % server.log_file, flush=True)
        try:
            server.process.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
