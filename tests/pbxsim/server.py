# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP(S) transport and the in-process API.

    from pbxsim.server import start_simulator
    with start_simulator() as sim:
        requests.get(sim.url + "/rest/domain/localhost/hunts", auth=("admin", "Sim-Admin-Pass-2026"))

start_simulators(count) serves several independent PBXs, one port each.
"""

import http
import os
import shutil
import socket
import socketserver
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pbxsim import __version__
from pbxsim.dispatch import is_control_path, process
from pbxsim.messages import BODY_LIMIT, Request, Response
from pbxsim.profiles import DEFAULT_PROFILE
from pbxsim.seed import load_seed_file
from pbxsim.state import PbxState

# Idle keep-alive connections are closed after this many seconds, freeing their thread.
IDLE_TIMEOUT = 60
MAX_LINE = 65537
WILDCARD_HOSTS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


class BadRequestBody(Exception):
    """The body could not be read; the connection cannot be reused."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class SimRequestHandler(BaseHTTPRequestHandler):
    """Reads one request, hands it to dispatch.process and writes the answer (JSON, or text on some v70 writes)."""

    protocol_version = "HTTP/1.1"
    server_version = "pbxsim/%s" % __version__
    # Headers and body go out in one write; without TCP_NODELAY small answers could wait for delayed ACKs.
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT
    # BaseHTTPRequestHandler sets this per request; the class default only names it.
    close_connection = True
    # The load gauge of the request being answered, until it is counted out (None for control requests).
    _gauge = None

    def version_string(self):
        return self.server_version

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()
        self.server.track(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            super().log_message(format, *args)

    def _dispatch(self):
        # Control requests are the tests' own, not load on the PBX.
        self._gauge = None if is_control_path(self.path) else self.server.pbx.load
        if self._gauge is not None:
            self._gauge.enter()
        try:
            self._answer()
        finally:
            self._leave_gauge()

    def _leave_gauge(self):
        """The request is no longer in flight. Called just before the first byte of the answer (or the drop) goes out:
        a client cannot see the answer, and send its next request, before the gauge has counted this one out, so
        the peak never exceeds what clients had in flight at once."""
        if self._gauge is not None:
            self._gauge.leave()
            self._gauge = None

    def _answer(self):
        try:
            body = self._read_body()
        except BadRequestBody as exc:
            self.close_connection = True
            self._send(Response(exc.status, {"error": str(exc)}))
            return
        path, _mark, query = self.path.partition("?")
        request = Request(self.command, path, query, self.headers, body, self.client_address[0])
        outcome = process(self.server.pbx, request, self.server.pause)
        if outcome.response is None:
            self._drop()
            return
        if outcome.hang_seconds:
            self.server.pause(outcome.hang_seconds)
        try:
            self._send(outcome.response)
        except OSError:
            # The client gave up (typically after a hang); nothing left to answer.
            self.close_connection = True

    def __getattr__(self, name):
        # BaseHTTPRequestHandler answers 501 for methods without a do_METHOD; routing them all
        # through _dispatch gives 405 on known routes for any verb, as the API promises.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            size = int(length)
        except ValueError:
            raise BadRequestBody(400, "invalid Content-Length") from None
        if size < 0:
            raise BadRequestBody(400, "invalid Content-Length")
        if size > BODY_LIMIT:
            raise BadRequestBody(413, "request body too large")
        return self.rfile.read(size)

    def _read_chunked(self):
        chunks = []
        total = 0
        while True:
            try:
                size = int(self.rfile.readline(MAX_LINE).split(b";")[0].strip(), 16)
            except ValueError:
                raise BadRequestBody(400, "invalid chunked body") from None
            if size == 0:
                while self.rfile.readline(MAX_LINE) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > BODY_LIMIT:
                raise BadRequestBody(413, "request body too large")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(MAX_LINE)

    def _send(self, response):
        body = response.encode()
        try:
            reason = http.HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        headers = [
            ("Server", self.version_string()),
            ("Date", self.date_time_string()),
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(body))),
        ]
        headers.extend(sorted(response.headers.items()))
        if self.close_connection:
            headers.append(("Connection", "close"))
        head = "HTTP/1.1 %d %s\r\n%s\r\n" % (response.status, reason, "".join("%s: %s\r\n" % item for item in headers))
        self._leave_gauge()
        self.wfile.write(head.encode("latin-1") + (b"" if self.command == "HEAD" else body))
        self.log_request(response.status, len(body))

    def _drop(self):
        """Close the connection without a byte of answer."""
        self.close_connection = True
        self._leave_gauge()
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class SimHTTPServer(ThreadingHTTPServer):
    """One PBX on one port: a thread per connection, all sharing the PBX state."""

    daemon_threads = True
    # Keep-alive clients may hold connections open; closing must not wait for them.
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address, pbx, ssl_context=None, verbose=False):
        self.pbx = pbx
        self.verbose = verbose
        self.stopping = threading.Event()
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, SimRequestHandler)
        if ssl_context is not None:
            # The handshake then runs in the connection's own thread, not in the accept loop.
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def server_bind(self):
        # HTTPServer.server_bind calls getfqdn(), which can wait for DNS; the name is unused here.
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)

    def pause(self, seconds):
        """Sleep for latency or a hang, waking early when the server stops."""
        self.stopping.wait(seconds)

    def track(self, connection):
        """Remember an open connection so stop() can close it."""
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection):
        """Forget a connection that has been closed."""
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self):
        """Shut every open connection so keep-alive clients do not wait forever."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SimHTTPServer6(SimHTTPServer):
    """The same server on an IPv6 socket."""

    address_family = socket.AF_INET6


def format_url(scheme, host, port):
    """URL clients should use; wildcard bind addresses are shown as loopback."""
    host = WILDCARD_HOSTS.get(host, host)
    if ":" in host:
        host = "[%s]" % host
    return "%s://%s:%d" % (scheme, host, port)


class Simulator:
    """One running PBX: .url, .port, .state (PbxState), .ca_file (with TLS) and .stop()."""

    def __init__(self, server, scheme, ca_file=None):
        self.server = server
        self.state = server.pbx
        self.port = server.server_address[1]
        self.url = format_url(scheme, server.server_address[0], self.port)
        self.ca_file = ca_file
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()
        self._stopped = False
        self._cleanups = []

    def stop(self):
        """Stop serving, close open connections and wake sleeping handlers. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.server.close_connections()
        self._thread.join(5)
        for cleanup in self._cleanups:
            cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


class SimulatorGroup:
    """Several independent PBXs started together: .simulators, .urls, .ca_file, .stop()."""

    def __init__(self, simulators, ca_file=None, tls_dir_to_remove=None):
        self.simulators = simulators
        self.urls = [simulator.url for simulator in simulators]
        self.ca_file = ca_file
        self._tls_dir_to_remove = tls_dir_to_remove

    def stop(self):
        """Stop every PBX and remove a temporary TLS directory."""
        for simulator in self.simulators:
            simulator.stop()
        if self._tls_dir_to_remove:
            shutil.rmtree(self._tls_dir_to_remove, ignore_errors=True)
            self._tls_dir_to_remove = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def _tls_setup(tls_dir):
    """Return (ssl context, CA file, temp dir to remove or None)."""
    from pbxsim.tlsutil import create_tls_files, server_context
    temporary = None
    if tls_dir is None:
        tls_dir = temporary = tempfile.mkdtemp(prefix="pbxsim-tls-")
    else:
        os.makedirs(tls_dir, exist_ok=True)
    ca_file, cert_file, key_file = create_tls_files(tls_dir)
    return server_context(cert_file, key_file), ca_file, temporary


def _seed_data(seed):
    """Accept None (built-in seed), a seed dict, or a path to a YAML/JSON seed file."""
    if isinstance(seed, str):
        return load_seed_file(seed)
    return seed


def start_simulators(count=1, host="127.0.0.1", port=0, seed=None, tls=False, tls_dir=None, on_duplicate="ok",
                     faults=None, random_seed=None, hunt_groups=0, tenants=0, verbose=False, profile=DEFAULT_PROFILE,
                     call_queues=0):
    """Start COUNT independent PBXs; port 0 picks free ports, port P uses P..P+count-1.

    profile is one of pbxsim.profiles.PROFILES; every PBX of the group answers as that release line.
    """
    seed = _seed_data(seed)
    ssl_context, ca_file, temporary_dir = _tls_setup(tls_dir) if tls else (None, None, None)
    server_class = SimHTTPServer6 if ":" in host else SimHTTPServer
    simulators = []
    try:
        for index in range(count):
            pbx = PbxState(seed, on_duplicate, faults, None if random_seed is None else random_seed + index, hunt_groups, tenants,
                           profile, call_queues)
            server = server_class((host, port + index if port else 0), pbx, ssl_context, verbose)
            simulators.append(Simulator(server, "https" if tls else "http", ca_file))
    except BaseException:
        SimulatorGroup(simulators, ca_file, temporary_dir).stop()
        raise
    return SimulatorGroup(simulators, ca_file, temporary_dir)


def start_simulator(**options):
    """Start one PBX (same options as start_simulators) and return its Simulator.

    Stopping it also removes the temporary TLS directory, if one was made.
    """
    group = start_simulators(1, **options)
    simulator = group.simulators[0]
    simulator._cleanups.append(group.stop)  # pylint: disable=protected-access
    return simulator
