# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the stanza-level security tests (tests/security/).

The server is the real Prosody of tests/integration/prosody_fixture.py; the
victim is petrel-cli (its service and store); the attacker is `RawPeer`, a
second account on the same server that writes whatever XML it likes.
Prosody stamps the attacker's real full JID on everything it sends, which
is exactly the position of a stranger on the network: it may say anything
inside a stanza, but not who it is.

RawPeer is a slixmpp client without protocol plugins, so it answers
nothing by itself: every stanza it receives lands in `stanzas` (as XML
text) and the test decides what to answer.
"""

import os
import queue
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from prosody_fixture import (  # noqa: E402,F401
    Listener, PetrelCli, ServerTestCase, run_tests)


class RawPeer:
    """A logged-in account that sends raw XML and records all it receives."""

    def __init__(self, server, user, resource="raw", timeout=20):
        self.server = server
        self.jid = "%s/%s" % (server.jid(user), resource)
        self.password = server.users[user]
        self.stanzas = queue.Queue()
        self.seen = []
        self._ready = threading.Event()
        self._failed = None
        self._loop = None
        self.xmpp = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise AssertionError("raw peer did not log in in %ss" % timeout)
        if self._failed:
            raise AssertionError("raw peer failed: %s" % self._failed)

    def _run(self):
        try:
            self._run_loop()
        except BaseException as e:  # noqa: BLE001 - reported to the test
            self._failed = repr(e)
            self._ready.set()

    def _run_loop(self):
        import asyncio
        import logging
        logging.getLogger("slixmpp").setLevel(logging.CRITICAL)
        import slixmpp
        from slixmpp.xmlstream.handler import Callback
        from slixmpp.xmlstream.matcher import MatchXPath

        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        xmpp = slixmpp.ClientXMPP(self.jid, self.password)
        xmpp.loop = self._loop
        xmpp.ca_certs = self.server.ca_file
        port = self.server.c2s_port
        xmpp.default_port = port
        xmpp.use_ipv6 = False
        xmpp.default_domain = xmpp.boundjid.domain
        self.xmpp = xmpp

        def record(stanza):
            self.stanzas.put(str(stanza))

        # Every stanza, IQs included, goes to the test and nowhere else.
        for name in ("iq", "message", "presence"):
            xmpp.register_handler(Callback(
                "raw-" + name, MatchXPath("{jabber:client}%s" % name),
                record))

        async def session_start(_event):
            xmpp.send_presence()
            self._ready.set()

        def fail(reason):
            self._failed = repr(reason)
            self._ready.set()

        xmpp.add_event_handler("session_start", session_start)
        xmpp.add_event_handler("failed_auth", fail)
        xmpp.add_event_handler("connection_failed", fail)
        xmpp.connect(("127.0.0.1", port), force_starttls=True)
        self._loop.run_forever()
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(
            asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    def send_raw(self, xml):
        done = threading.Event()

        def go():
            self.xmpp.send_raw(xml)
            done.set()
        self._loop.call_soon_threadsafe(go)
        if not done.wait(10):
            raise AssertionError("raw peer could not send")

    def wait_for(self, needle, timeout=20):
        """The first received stanza whose XML contains every NEEDLE."""
        needles = [needle] if isinstance(needle, str) else list(needle)
        for s in self.seen:
            if all(n in s for n in needles):
                return s
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("raw peer %s got nothing with %r; saw %r"
                                     % (self.jid, needles, self.seen[-10:]))
            try:
                s = self.stanzas.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(s)
            if all(n in s for n in needles):
                return s

    def close(self):
        if self._loop is None or self._loop.is_closed():
            return
        import asyncio

        async def bye():
            try:
                await asyncio.wait_for(self.xmpp.disconnect(wait=1.0),
                                       timeout=3)
            except Exception:  # noqa: BLE001 - closing anyway
                pass
            self._loop.stop()
        try:
            asyncio.run_coroutine_threadsafe(bye(), self._loop)
        except RuntimeError:
            return
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class AttackTestCase(ServerTestCase):
    """bob is the victim (petrel-cli), mallory the attacker, alice a contact
    whose name the attacker abuses, carol a bystander."""

    users = {"alice": "alice-secret-1", "bob": "bob-secret-2",
             "mallory": "mallory-secret-3", "carol": "carol-secret-4"}
    # The archive is on, so a real catch-up runs next to forged results.
    server_options = {"mam": True}

    def victim(self, resource="listen", verbose=False):
        """petrel-cli listen for bob, online; returns (cli, listener)."""
        cli = self.cli("bob", resource=resource)
        listener = self.listen(cli, verbose=verbose)
        listener.wait_online()
        return cli, listener

    def attacker(self, user="mallory", resource="raw"):
        peer = RawPeer(self.server, user, resource)
        self.addCleanup(peer.close)
        return peer

    def barrier(self, attacker, listener, victim_bare="bob@localhost"):
        """A plain chat message from the attacker after the attack: once the
        victim shows it, everything sent before it was processed."""
        import uuid
        token = "barrier-%s" % uuid.uuid4().hex[:8]
        attacker.send_raw("<message to='%s' type='chat' id='%s'>"
                          "<body>%s</body></message>"
                          % (victim_bare, token, token))
        listener.wait_for(lambda e: e.get("event") == "message"
                          and e.get("body") == token)
        return token

    def history(self, cli, peer):
        result = cli.run("history", peer, "--json")
        self.assertSucceeded(result)
        return result.json_lines()

    def assertListenerAlive(self, listener):
        self.assertIsNone(listener.proc.poll(),
                          "petrel-cli listen ended: %s"
                          % "".join(listener.stderr_lines)[-3000:])
