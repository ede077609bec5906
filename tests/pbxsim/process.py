# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the simulator as a subprocess and talk to its control API (standard library only).

    from pbxsim.process import launch
    sim = launch(["--pbx-count", "2"])
    sim.urls, sim.ca_file, sim.control("POST", "/_sim/reset")
    sim.stop()    # SIGTERM, returns the exit code
"""

import json
import os
import queue
import ssl
import subprocess
import sys
import threading
import urllib.error
import urllib.request

from pbxsim.cli import build_parser

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LISTENING = "listening on "
CA_LINE = "ca certificate "


class LaunchError(RuntimeError):
    """The simulator did not print its start-up lines in time."""


def _expected_lines(args):
    options = build_parser().parse_args(list(args))
    return options.pbx_count + (1 if options.tls else 0)


def _read_lines(stream, lines):
    for line in iter(stream.readline, ""):
        lines.put(line.rstrip("\n"))
    lines.put(None)


def control_request(base_url, method, path, body=None, ca_file=None, timeout=10):
    """Call a /_sim/ endpoint; returns (status, decoded JSON body)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(base_url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    context = ssl.create_default_context(cafile=ca_file) if ca_file else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:
            return answer.status, json.loads(answer.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read().decode("utf-8") or "null")


class SimProcess:
    """A simulator subprocess: .urls, .url (the first), .ca_file, .process, .control(), .stop()."""

    def __init__(self, process, urls, ca_file, reader):
        self.process = process
        self._reader = reader
        self.urls = urls
        self.url = urls[0]
        self.ca_file = ca_file

    def control(self, method, path, body=None, index=0):
        """Call the control API of PBX number index; returns (status, body)."""
        return control_request(self.urls[index], method, path, body, self.ca_file)

    def reset_all(self):
        """Every PBX back to its seed, with an empty journal; raises if one refuses."""
        for index in range(len(self.urls)):
            status, body = self.control("POST", "/_sim/reset", index=index)
            if status != 200:
                raise RuntimeError("PBX %d refused the reset: %s %s" % (index, status, body))

    def stop(self, timeout=10):
        """Send SIGTERM and wait; returns the exit code (killed after timeout)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        # Let the reader thread see end-of-file before the pipe is closed under it.
        self._reader.join(2)
        if self.process.stdout and not self._reader.is_alive():
            self.process.stdout.close()
        return self.process.returncode


def launch(args=(), timeout=10.0, python=None, stderr=None):
    """Start ``python -m pbxsim ARGS`` and wait for its start-up lines."""
    args = list(args)
    if "--port" not in args:
        args = ["--port", "0"] + args
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [TESTS_DIR, env.get("PYTHONPATH")]))
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [python or sys.executable, "-m", "pbxsim"] + args,
        stdout=subprocess.PIPE, stderr=stderr, env=env, text=True, encoding="utf-8",
    )
    lines = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    urls, ca_file = [], None
    try:
        for _index in range(_expected_lines(args)):
            line = lines.get(timeout=timeout)
            if line is None:
                raise LaunchError("simulator exited with %s before starting" % process.wait())
            if line.startswith(LISTENING):
                urls.append(line[len(LISTENING):])
            elif line.startswith(CA_LINE):
                ca_file = line[len(CA_LINE):]
    except queue.Empty:
        process.kill()
        raise LaunchError("simulator printed nothing within %s seconds" % timeout) from None
    except BaseException:
        process.kill()
        raise
    return SimProcess(process, urls, ca_file, reader)
