#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""XMPP over WebSocket (RFC 7395) against Prosody's mod_websocket.

Every account here connects with `--websocket wss://localhost:PORT/…`
(the fixture's HTTPS port on 127.0.0.1, certificate for localhost from the
private CA): login, a message round trip between two accounts, stream
management resumption after the TCP connection under the WebSocket is
reset, archive catch-up after a reconnect, the order of transports in
auto, and discovery (XEP-0156) from the fixture's host-meta documents
through an HTTPS proxy.

Run one:  /usr/bin/python3 tests/integration/test_websocket.py -v \
              WebSocketTest.test_login
"""

import collections
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fault_proxy import FaultProxy  # noqa: E402
from prosody_fixture import (  # noqa: E402
    DELIVERY_OPTIONS, ServerTestCase, run_tests)

FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"


def messages(listener):
    return [e for e in listener.seen if e.get("event") == "message"]


def history_bodies(cli, peer):
    r = cli.run("history", peer, "--json", "--limit", 1000, timeout=60)
    if r.returncode != 0:
        raise AssertionError("history failed: %r" % r)
    return [m.get("body") for m in r.json_lines()]


class WebSocketTest(ServerTestCase):

    users = {"alice": "alice-secret-1", "bob": "bob-secret-2",
             "carol": "carol-secret-3", "dave": "dave-secret-4"}
    server_options = dict(DELIVERY_OPTIONS, web=True)

    def ws_cli(self, user, url=None, resource=None):
        return self.cli(user, websocket=url or self.server.websocket_url(),
                        resource=resource)

    def test_login(self):
        cli = self.ws_cli("alice")
        r = cli.run("ping", verbose=True, timeout=30)
        self.assertSucceeded(r)
        log = r.stderr
        # RFC 7395 framing, never a TCP stream header or STARTTLS.
        self.assertIn("<open xmlns='%s' to='localhost' from='alice@localhost'"
                      " version='1.0'/>" % FRAMING, log)
        self.assertIn("<close xmlns='%s'/>" % FRAMING, log)
        self.assertNotIn("<stream:stream", log)
        self.assertNotIn("starttls", log)
        # SASL went over the WebSocket; its payloads stay masked.
        self.assertRegex(log, r"<auth [^>]*mechanism='SCRAM-SHA-1'>\[masked\]")
        self.assertIn("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'", log)

    def test_wrong_password(self):
        cli = self.cli("alice", password="not-the-password",
                       websocket=self.server.websocket_url())
        r = cli.run("ping", timeout=30)
        self.assertFailedWith(r, r"auth")

    def test_pinned_websocket_needs_the_ca(self):
        # The fixture's certificate is from a private CA: without it the
        # WebSocket is refused and nothing falls back to TCP.
        from prosody_fixture import PetrelCli
        cli = PetrelCli(self.server)
        other_ca = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib", "localhost-cert.pem")
        cli.add_account("alice", ca_file=os.path.normpath(other_ca),
                        websocket=self.server.websocket_url())
        r = cli.run("ping", verbose=True, timeout=30)
        self.assertFailedWith(r, r"certificate")
        self.assertNotIn("<auth", r.stderr)

    def test_auto_falls_back_when_tcp_is_unreachable(self):
        # Auto: TCP first; its port refuses, so the WebSocket is next.
        from prosody_fixture import closed_port
        cli = self.cli("alice", port=closed_port(), transport="auto",
                       websocket=self.server.websocket_url())
        r = cli.run("ping", verbose=True, timeout=30)
        self.assertSucceeded(r)
        self.assertIn("<open xmlns='%s'" % FRAMING, r.stderr)

    def test_auto_does_not_fall_back_after_tls_failure(self):
        # TCP answers but its certificate is refused (wrong CA): a
        # security failure ends the attempt; the WebSocket (which would
        # fail the same way) is never tried.
        from prosody_fixture import PetrelCli
        cli = PetrelCli(self.server)
        other_ca = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib", "localhost-cert.pem")
        cli.add_account("alice", ca_file=os.path.normpath(other_ca),
                        transport="auto",
                        websocket=self.server.websocket_url())
        r = cli.run("ping", verbose=True, timeout=30)
        self.assertNotEqual(r.returncode, 0, repr(r))
        self.assertRegex(r.stderr.splitlines()[-1],
                         r"^petrel-cli: tls: .*certificate")
        self.assertNotIn("xmpp-framing", r.stderr)
        self.assertIn("<starttls", r.stderr)

    def test_pinned_websocket_without_endpoint(self):
        # Nothing configured and nothing discovered (no host-meta on
        # https://localhost/): a clear error, no TCP attempt.
        cli = self.cli("alice", transport="websocket")
        r = cli.run("ping", verbose=True, timeout=30)
        self.assertFailedWith(r, r"dns.*WebSocket endpoint")
        self.assertNotIn("<stream:stream", r.stderr)

    def test_message_round_trip(self):
        bob = self.listen(self.ws_cli("bob", resource="listen"))
        bob.wait_online()
        alice = self.listen(self.ws_cli("alice", resource="listen"))
        alice.wait_online()

        sender = self.ws_cli("alice", resource="send")
        self.assertSucceeded(sender.run("send", "bob@localhost",
                                        "over websocket ✓"))
        got = bob.wait_for(lambda e: e.get("event") == "message"
                           and e.get("body") == "over websocket ✓")
        self.assertEqual(got["from"], "alice@localhost/send")

        reply = self.ws_cli("bob", resource="send")
        self.assertSucceeded(reply.run("send", "alice@localhost", "back"))
        got = alice.wait_for(lambda e: e.get("event") == "message"
                             and e.get("body") == "back")
        self.assertEqual(got["from"], "bob@localhost/send")

        # The sender's own store has it as sent (or later).
        r = sender.run("history", "bob@localhost", "--json", timeout=30)
        self.assertSucceeded(r)
        states = [m.get("state") for m in r.json_lines()
                  if m.get("body") == "over websocket ✓"]
        self.assertEqual(len(states), 1, r.stdout)
        self.assertIn(states[0], ("sent", "delivered", "displayed"))

    def test_resume_after_cut(self):
        # A proxy in front of the HTTPS port passes TLS through; resetting
        # it cuts the TCP connection under the WebSocket.
        proxy = FaultProxy(("127.0.0.1", self.server.https_port))
        self.addCleanup(proxy.close)
        url = "wss://localhost:%d%s" % (proxy.port,
                                         self.server.WEBSOCKET_PATH)
        carol = self.ws_cli("carol", url=url)
        listener = self.listen(carol)
        first = listener.wait_online()
        self.assertFalse(first.get("resumed"), first)

        dave = self.ws_cli("dave")
        want = ["cut-%02d" % i for i in range(1, 11)]
        for body in want[:5]:
            self.assertSucceeded(dave.run("send", "carol@localhost", body))
        listener.wait_for(lambda e: e.get("body") == want[4])

        proxy.cut()
        # Sent while Carol's link is down: the server holds them in the
        # hibernating session.
        for body in want[5:]:
            self.assertSucceeded(dave.run("send", "carol@localhost", body))
        again = listener.wait_for(
            lambda e: e.get("event") == "online" and e is not first, 60)
        self.assertTrue(again.get("resumed"), again)
        listener.wait_for(lambda e: e.get("body") == want[-1], 60)
        time.sleep(1.5)  # room for a duplicate to show, if any
        self.assertEqual(listener.stop(), 0)

        printed = collections.Counter(e.get("body")
                                      for e in messages(listener))
        self.assertEqual([b for b in want if printed[b] != 1], [],
                         "printed not exactly once: %r" % printed)
        stored = [b for b in history_bodies(carol, "dave@localhost")
                  if b in want]
        self.assertEqual(stored, want)
        self.assertGreaterEqual(len(proxy.connections), 2)

    def test_archive_catch_up_after_reconnect(self):
        alice = self.ws_cli("alice", resource="catchup")
        listener = self.listen(alice)
        listener.wait_online()
        self.assertEqual(listener.stop(), 0)

        # Alice is offline; Bob writes; Alice comes back over WebSocket
        # and gets everything once (offline delivery and the archive
        # overlap; the store deduplicates).
        bob = self.ws_cli("bob", resource="writer")
        want = ["catchup-%02d" % i for i in range(1, 6)]
        for body in want:
            self.assertSucceeded(bob.run("send", "alice@localhost", body))

        listener = self.listen(alice)
        listener.wait_online()
        for body in want:
            listener.wait_for(lambda e, b=body: e.get("body") == b, 30)
        time.sleep(1.5)
        self.assertEqual(listener.stop(), 0)
        printed = collections.Counter(e.get("body")
                                      for e in messages(listener))
        self.assertEqual([b for b in want if printed[b] != 1], [],
                         "printed not exactly once: %r" % printed)

        r = alice.run("sync", "--json", timeout=60)
        self.assertSucceeded(r)
        stored = [b for b in history_bodies(alice, "bob@localhost")
                  if b in want]
        self.assertEqual(stored, want)


class ConnectProxy:
    """An HTTPS proxy (HTTP CONNECT) on loopback that only knows ROUTES
    {"host:port": (address, port)}: how a network that lets only HTTPS out
    looks, and how the test sends https://localhost/ (port 443, the
    host-meta documents) and the WebSocket port to the fixture."""

    def __init__(self, routes):
        import socket
        import threading
        self.routes = dict(routes)
        self.requests = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.sock.close()

    def _accept(self):
        import threading
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,),
                             daemon=True).start()

    def _serve(self, client):
        import select
        import socket
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                data = client.recv(4096)
                if not data:
                    return
                head += data
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            self.requests.append(line)
            parts = line.split(" ")
            if len(parts) != 3 or parts[0] != "CONNECT" or \
                    parts[1] not in self.routes:
                client.sendall(b"HTTP/1.1 403 Forbidden\r\n\r\n")
                return
            try:
                upstream = socket.create_connection(self.routes[parts[1]])
            except OSError:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\n\r\n")
                return
            with upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                ends = [client, upstream]
                while True:
                    ready, _, _ = select.select(ends, [], [], 60)
                    if not ready:
                        return
                    for end in ready:
                        try:
                            data = end.recv(65536)
                            if not data:
                                return
                            (upstream if end is client else client).sendall(data)
                        except OSError:
                            return


class DiscoveryTest(ServerTestCase):
    """XEP-0156: the WebSocket endpoint comes from the fixture's host-meta
    documents, fetched over HTTPS through an HTTPS proxy."""

    users = {"alice": "alice-secret-1", "bob": "bob-secret-2"}
    server_options = dict(DELIVERY_OPTIONS, host_meta=True)

    def proxied(self, cli):
        proxy = ConnectProxy({
            "localhost:443": ("127.0.0.1", self.server.host_meta.port),
            "localhost:%d" % self.server.https_port:
                ("127.0.0.1", self.server.https_port),
        })
        self.addCleanup(proxy.close)
        env = cli.env()
        for name in ("no_proxy", "NO_PROXY"):
            env.pop(name, None)
        env["https_proxy"] = env["http_proxy"] = proxy.url
        cli.env = lambda: env
        return proxy

    def test_discovered_websocket(self):
        cli = self.cli("alice", transport="websocket")
        proxy = self.proxied(cli)
        r = cli.run("ping", verbose=True, timeout=60)
        self.assertSucceeded(r)
        self.assertIn("<open xmlns='%s'" % FRAMING, r.stderr)
        # host-meta first (port 443), then the WebSocket it named.
        self.assertIn("CONNECT localhost:443 HTTP/1.1", proxy.requests)
        self.assertIn("CONNECT localhost:%d HTTP/1.1" % self.server.https_port,
                      proxy.requests)
        paths = [p for _, p, _ in self.server.host_meta.requests]
        self.assertTrue(any(p.startswith("/.well-known/host-meta")
                            for p in paths), paths)

    def test_auto_only_https_gets_through(self):
        # TCP to the XMPP port is refused; auto discovers the WebSocket
        # and a message goes through it.
        from prosody_fixture import closed_port
        bob = self.cli("bob", resource="listen")
        listener = self.listen(bob)
        listener.wait_online()
        cli = self.cli("alice", port=closed_port(), transport="auto")
        self.proxied(cli)
        r = cli.run("send", "bob@localhost", "through https only",
                    verbose=True, timeout=60)
        self.assertSucceeded(r)
        self.assertIn("<open xmlns='%s'" % FRAMING, r.stderr)
        listener.wait_for(lambda e: e.get("body") == "through https only")


class InsecureLoopbackTest(ServerTestCase):
    """ws:// only when it names this machine and the user forced it.

    Prosody also listens for plain HTTP on a loopback port here, and is
    told to treat WebSocket sessions as secure so it accepts SASL on them.
    """

    users = {"alice": "alice-secret-1"}
    server_options = dict(web=True, http=True,
                          config_extra="consider_websocket_secure = true")

    def plain_url(self, host="127.0.0.1"):
        return "ws://%s:%d%s" % (host, self.server.http_port,
                                 self.server.WEBSOCKET_PATH)

    def test_ws_refused_without_the_flag(self):
        cli = self.cli()
        with self.assertRaisesRegex(AssertionError, "wss://"):
            cli.add_account("alice", websocket=self.plain_url())

    def test_forced_ws_on_loopback_logs_in(self):
        cli = self.cli("alice", websocket=self.plain_url(),
                       insecure_loopback=True)
        r = cli.run("ping", verbose=True, timeout=30)
        self.assertSucceeded(r)
        self.assertIn("<open xmlns='%s' to='localhost'" % FRAMING, r.stderr)
        listed = cli.run("account", "list", "--json").json_lines()
        self.assertEqual(listed[0].get("insecure_loopback"), True)

    def test_forced_ws_elsewhere_is_refused(self):
        # The flag covers this machine only: a plain URL naming another
        # host fails before any byte is sent, as a TLS problem.
        cli = self.cli("alice", websocket=self.plain_url("192.0.2.1"),
                       insecure_loopback=True)
        mark = self.log_mark()
        r = cli.run("ping", timeout=30)
        self.assertEqual(r.returncode, 4, repr(r))
        self.assertNotIn("alice@localhost", self.log_since(mark))


if __name__ == "__main__":
    run_tests()
