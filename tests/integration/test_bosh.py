# SPDX-License-Identifier: GPL-3.0-or-later
"""petrel-cli over BOSH (XEP-0206) to Prosody's mod_bosh, over HTTPS with
the fixture's private CA."""

import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from prosody_fixture import (DELIVERY_OPTIONS, ServerTestCase,  # noqa: E402
                             run_tests)


class CutProxy:
    """A loopback TCP forwarder (TLS passes through) that can cut every
    connection at once and refuse new ones for a while: what a lost
    network looks like to HTTPS."""

    def __init__(self, target):
        self.target = target
        self.refusing = False
        self.accepted = 0
        self._conns = []
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            if self.refusing:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                  b"\x01\x00\x00\x00\x00\x00\x00\x00")
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self.accepted += 1
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b),
                                 daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self, refuse_seconds=0):
        """Reset every open connection; refuse new ones for a while."""
        self.refusing = refuse_seconds > 0
        with self._lock:
            conns, self._conns = self._conns, []
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
                c.close()
            except OSError:
                pass
        if refuse_seconds:
            threading.Timer(refuse_seconds, self._stop_refusing).start()

    def _stop_refusing(self):
        self.refusing = False

    def close(self):
        self._sock.close()
        self.cut()


def is_message(body, sender):
    def match(e):
        return (e.get("event") == "message" and e.get("body") == body
                and e.get("from", "").split("/")[0] == sender)
    return match


class BoshTest(ServerTestCase):

    server_options = dict(DELIVERY_OPTIONS, web=True)

    def bosh_cli(self, user, resource=None):
        return self.cli(user, bosh=self.server.bosh_url(), transport="bosh",
                        resource=resource)

    def test_login_over_bosh(self):
        cli = self.bosh_cli("alice")
        mark = self.log_mark()
        result = cli.run("ping", verbose=True)
        self.assertSucceeded(result)
        log = self.log_since(mark)
        # The login really went through mod_bosh, with the restart after
        # SASL, and ended with a terminate.
        self.assertIn("POST /http-bind", log)
        self.assertIn("xmpp:restart='true'", log)
        self.assertIn("Authenticated as alice@localhost", log)
        self.assertIn("type='terminate'", log)

    def test_message_round_trip_over_bosh(self):
        bob = self.listen(self.bosh_cli("bob", resource="listen"))
        bob.wait_online()
        alice = self.listen(self.bosh_cli("alice", resource="listen"))
        alice.wait_online()

        self.assertSucceeded(self.bosh_cli("alice", resource="send").run(
            "send", "bob@localhost", "over bosh"))
        got = bob.wait_for(is_message("over bosh", "alice@localhost"))
        self.assertEqual(got["from"], "alice@localhost/send")

        self.assertSucceeded(self.bosh_cli("bob", resource="send").run(
            "send", "alice@localhost", "and back"))
        alice.wait_for(is_message("and back", "bob@localhost"))

    def test_wrong_ca_is_refused(self):
        from prosody_fixture import make_ca
        import tempfile
        d = tempfile.mkdtemp(prefix="petrel-ca-")
        other_ca, _key = make_ca(d, cn="Unrelated CA")
        cli = self.cli("alice", bosh=self.server.bosh_url(),
                       transport="bosh", ca_file=other_ca)
        result = cli.run("ping")
        self.assertNotEqual(result.returncode, 0, repr(result))
        self.assertRegex(result.stderr, "(?i)certificate")

    def bob_behind_proxy(self):
        proxy = CutProxy(("127.0.0.1", self.server.https_port))
        self.addCleanup(proxy.close)
        url = "https://%s:%d%s" % (self.server.domain, proxy.port,
                                   self.server.BOSH_PATH)
        bob = self.listen(self.cli("bob", bosh=url, transport="bosh",
                                   resource="cut"))
        bob.wait_online()
        return proxy, bob

    def test_short_cut_is_bridged_by_resending_the_request(self):
        """Connections reset and refused for a second: the transport sends
        the lost requests again with the same rid (XEP-0124 §14), so the
        BOSH session (and the XMPP session in it) simply goes on; what was
        sent meanwhile arrives once."""
        proxy, bob = self.bob_behind_proxy()
        alice = self.cli("alice", resource="tcp")
        self.assertSucceeded(alice.run("send", "bob@localhost", "before"))
        bob.wait_for(is_message("before", "alice@localhost"))

        mark = self.log_mark()
        connections = proxy.accepted
        proxy.cut(refuse_seconds=1)
        bodies = ["during-%d" % i for i in range(3)]
        for body in bodies:
            self.assertSucceeded(alice.run("send", "bob@localhost", body))
        for body in bodies:
            bob.wait_for(is_message(body, "alice@localhost"), timeout=30)
        log = self.log_since(mark)
        self.assertGreater(proxy.accepted, connections)
        self.assertNotIn("New BOSH session", log)
        self.assertNotIn("resuming existing session", log)
        self.assertFalse([e for e in bob.seen
                          if e.get("event") == "disconnected"], bob.seen)

        self.assertEqual(bob.stop(), 0)
        printed = [e.get("body") for e in bob.seen
                   if e.get("event") == "message"]
        for body in ["before"] + bodies:
            self.assertEqual(printed.count(body), 1, printed)

    def test_long_cut_loses_nothing(self):
        """The network goes for longer than the resends of one request: a
        new BOSH session asks to resume the XMPP session (XEP-0198).
        Prosody 0.12's mod_smacks fails inside that request and never
        answers it ("attempt to index a nil value (field 'rawsend')"), so
        Petrel gives up the resumption after a third of its deadline and
        binds a new session; the message comes once either way (live or
        from the archive)."""
        proxy, bob = self.bob_behind_proxy()
        alice = self.cli("alice", resource="tcp")
        mark = self.log_mark()
        proxy.cut(refuse_seconds=6)
        self.assertSucceeded(alice.run("send", "bob@localhost", "during"))
        bob.wait_for(is_message("during", "alice@localhost"), timeout=60)
        self.assertIn("<resume", self.log_since(mark))
        time.sleep(1)
        got = [e for e in bob.seen
               if e.get("event") == "message" and e.get("body") == "during"]
        self.assertEqual(len(got), 1, got)

    def test_archive_catch_up_over_bosh(self):
        """Messages that arrived while the account was offline come from
        the archive (XEP-0313) over BOSH."""
        bob_cli = self.bosh_cli("bob", resource="mam")
        self.assertSucceeded(bob_cli.run("sync"))
        alice = self.cli("alice", resource="tcp")
        bodies = ["offline-%d" % i for i in range(4)]
        for body in bodies:
            self.assertSucceeded(alice.run("send", "bob@localhost", body))
        mark = self.log_mark()
        self.assertSucceeded(bob_cli.run("sync"))
        log = self.log_since(mark)
        self.assertIn("urn:xmpp:mam:2", log)
        self.assertIn("POST /http-bind", log)
        result = bob_cli.run("history", "alice@localhost", "--json")
        self.assertSucceeded(result)
        stored = [r.get("body") for r in result.json_lines()
                  if r.get("direction") == "in"]
        for body in bodies:
            self.assertEqual(stored.count(body), 1, stored)


if __name__ == "__main__":
    run_tests()
