# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Git repositories for the git delivery tests, reached through git itself.

- ``bare_repository``: a bare repository on disk, as file:// and local paths reach it.
- ``GitHttpServer``: the smart HTTP protocol of ``git http-backend`` (git's own CGI program) behind a local HTTP server
  that asks for basic authentication, records every Authorization header it gets, and refuses a wrong one, as an HTTPS
  git server refuses a wrong token. Plain HTTP on 127.0.0.1: what is tested is how the token reaches git (askpass),
  not TLS.
- ``hold_pushes``: a pre-receive hook that holds the first pushes until all of them have arrived, so that they update
  the branch at the same moment.
- ``tree`` and ``commits``: what a branch of a bare repository holds.
"""

from __future__ import annotations

import base64
import os
import subprocess
import threading

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def git(*args, cwd=None):
    environment = dict(os.environ, GIT_AUTHOR_NAME='Someone', GIT_AUTHOR_EMAIL='someone@example.com',
                       GIT_COMMITTER_NAME='Someone', GIT_COMMITTER_EMAIL='someone@example.com')
    return subprocess.run(['git'] + list(args), cwd=cwd, env=environment, check=True, capture_output=True,
                          text=True).stdout


def bare_repository(path):
    git('init', '-q', '--bare', str(path))
    return str(path)


def tree(bare, branch='main'):
    """{path: text} of the branch's newest commit."""
    names = git('--git-dir', bare, 'ls-tree', '-r', '--name-only', 'refs/heads/%s' % branch).split()
    return dict((name, git('--git-dir', bare, 'show', 'refs/heads/%s:%s' % (branch, name))) for name in names)


def commits(bare, branch='main'):
    """The branch's commits, newest first; [] when it does not exist."""
    if not git('--git-dir', bare, 'for-each-ref', 'refs/heads/%s' % branch).strip():
        return []
    return git('--git-dir', bare, 'rev-list', 'refs/heads/%s' % branch).split()


def hold_pushes(bare, count, timeout_seconds=20):
    """Make the first ``count`` pushes wait in the pre-receive hook until all of them are there (or the timeout)."""
    arrivals = os.path.join(bare, 'arrivals')
    os.mkdir(arrivals)
    hook = os.path.join(bare, 'hooks', 'pre-receive')
    with open(hook, 'w', encoding='utf-8') as handle:
        handle.write('#!/bin/sh\n'
                     'cat >/dev/null\n'
                     'touch "%(arrivals)s/$$"\n'
                     'waited=0\n'
                     'while [ "$(ls "%(arrivals)s" | wc -l)" -lt %(count)d ] && [ $waited -lt %(ticks)d ]; do\n'
                     '    sleep 0.05; waited=$((waited + 1))\n'
                     'done\n'
                     % dict(arrivals=arrivals, count=count, ticks=timeout_seconds * 20))
    os.chmod(hook, 0o755)
    return arrivals


def cgi_split(output):
    """The header block and the body of a CGI program's output (headers end at the first empty line)."""
    ends = [(output.find(separator), separator) for separator in (b'\r\n\r\n', b'\n\n') if separator in output]
    position, separator = min(ends)
    return output[:position], output[position + len(separator):]


class GitHttpServer:
    """git http-backend over HTTP with basic authentication, serving the bare repositories below ``root``."""

    def __init__(self, root, username, token):
        self.root = str(root)
        self.expected = 'Basic ' + base64.b64encode(('%s:%s' % (username, token)).encode()).decode()
        self.authorizations = []
        self.refused = 0
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), self._handler())
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()

    def credentials_seen(self):
        """The user:password pairs git sent, decoded."""
        return [base64.b64decode(header.split(' ', 1)[1]).decode() for header in self.authorizations if header]

    def _handler(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):  # pylint: disable=arguments-differ
                pass

            def do_GET(self):  # pylint: disable=invalid-name
                self.backend()

            def do_POST(self):  # pylint: disable=invalid-name
                self.backend()

            def backend(self):
                authorization = self.headers.get('Authorization', '')
                outer.authorizations.append(authorization)
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else b''
                if authorization != outer.expected:
                    outer.refused += 1
                    self.send_response(401)
                    self.send_header('WWW-Authenticate', 'Basic realm="git"')
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                    return
                path, _sep, query = self.path.partition('?')
                environment = dict(
                    os.environ, GIT_PROJECT_ROOT=outer.root, GIT_HTTP_EXPORT_ALL='1', PATH_INFO=path,
                    QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_USER='deploy', REMOTE_ADDR='127.0.0.1',
                    CONTENT_TYPE=self.headers.get('Content-Type', ''), CONTENT_LENGTH=str(len(body)),
                    HTTP_CONTENT_ENCODING=self.headers.get('Content-Encoding', ''),
                    GIT_PROTOCOL=self.headers.get('Git-Protocol', ''))
                completed = subprocess.run(['git', 'http-backend'], input=body, env=environment, capture_output=True,
                                           check=False)
                head, payload = cgi_split(completed.stdout)
                status = 200
                headers = []
                for line in head.decode('latin-1').splitlines():
                    name, _colon, value = line.partition(':')
                    if name.lower() == 'status':
                        status = int(value.split()[0])
                    elif name:
                        headers.append((name, value.strip()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header('Content-Length', str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
