#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault tests: "never lose a message" (docs: DESIGN.md, Invariants).

petrel-cli talks to a fixture Prosody (MAM, carbons, stream management with
resumption) through fault_proxy.FaultProxy, which terminates direct TLS so
it can act on single stanzas.  Every scenario ends with the same checks:

- the receiver's store (`history PEER --json`) holds every message exactly
  once, in the order it was sent, and `listen` printed each one once;
- the sender's store shows every message it sent as `sent` or later.

How each fault is made to happen at a chosen moment, not by chance:

  cut before ack    the proxy forwards the first chat <message> upstream,
                    then cuts before the next <a/> comes down
  half delivered    the proxy forwards the first half of the first chat
                    <message> the server delivers, then cuts
  ack lost          the proxy forwards a chat <message> down whole and cuts
                    before the client's <a/> goes up
  not resumable     variants of the three above where the proxy answers the
                    client's <resume/> with <failed/><item-not-found/> (what
                    Prosody says once the session expired), so the client
                    binds afresh, resends and catches up from the archive
  silent link       the proxy stops forwarding both ways at the 3rd message
                    and keeps the sockets open: only the client's keepalive
                    can notice
  server restart    the 20th chat <message> upstream triggers kill -9 of
                    Prosody (held while it dies), which comes back 1 s later
  reset before TLS  the receiver's link is cut and for 2 s every new
                    connection is accepted and reset at once
  client killed     the 6th <message> freezes the link; once the outbox
                    holds all 20 messages the sender gets SIGKILL; then
                    `flush` (or `listen`) sends what is queued
  unreachable       the proxy refuses connections: `send --timeout 3`
                    exits 8 with everything queued
  archive gap       the archive drops the stanza-id the client last knew
                    (Prosody over its item quota) while 130 messages
                    arrive; `sync` must fetch all that are left
  500 each way      two senders and two listeners through one proxy that
                    resets every connection every 2.5 ± 0.5 s (seeded), while
                    the senders are fed 50 lines a second

Every scenario runs over TCP (direct TLS) and, in the classes named
WebSocket…, over WebSocket (RFC 7395) to Prosody's mod_websocket: the proxy
then terminates HTTPS and splits the WebSocket frames instead of the XML
stream (WebSocketSplitter), so the same rules cut, stall and answer at the
same stanzas.

Run one:  /usr/bin/python3 tests/integration/test_faults.py -v ServerRestartTest
          /usr/bin/python3 tests/integration/test_faults.py -v WebSocketSendCutTest
"""

import collections
import itertools
import os
import re
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fault_proxy import (  # noqa: E402
    FaultProxy, TlsTermination, Unit, chat_message, stanza)
from prosody_fixture import (  # noqa: E402
    DELIVERY_OPTIONS, Listener, PetrelCli, ServerTestCase, run_tests)

# What Prosody answers a <resume/> for a session it no longer has.
SM_FAILED = (b"<failed xmlns='urn:xmpp:sm:3'>"
             b"<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
             b"</failed>")

SENT_OR_LATER = ("sent", "delivered", "displayed")

_ELEMENT_NAME = re.compile(rb"\s*<([^\s/>]+)")


def ws_frame(payload, masked=False):
    """One final text frame (RFC 6455 §5.2) carrying PAYLOAD; what a server
    sends is unmasked."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x81, n | (0x80 if masked else 0))
    elif n < 65536:
        head = struct.pack("!BBH", 0x81, 126 | (0x80 if masked else 0), n)
    else:
        head = struct.pack("!BBQ", 0x81, 127 | (0x80 if masked else 0), n)
    if not masked:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class WebSocketSplitter:
    """The FaultProxy splitter for XMPP over WebSocket: the HTTP upgrade
    passes as one "raw" unit, then every frame is a unit.  A text frame
    (one element, RFC 7395) is "open", "close" or "stanza", its data the
    unmasked element for the rules, its wire the frame as received;
    control frames (ping, pong, close) are "raw"."""

    def __init__(self, direction=None):
        self.direction = direction
        self.buf = bytearray()
        self.upgraded = False

    def feed(self, data):
        self.buf += data
        units = []
        if not self.upgraded:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return units
            units.append(Unit(self.direction, "raw", self.buf[:end + 4]))
            del self.buf[:end + 4]
            self.upgraded = True
        while True:
            unit = self._frame()
            if unit is None:
                return units
            units.append(unit)

    def _frame(self):
        buf = self.buf
        if len(buf) < 2:
            return None
        opcode = buf[0] & 0x0F
        masked = buf[1] & 0x80
        n = buf[1] & 0x7F
        pos = 2
        if n == 126:
            if len(buf) < 4:
                return None
            n = struct.unpack_from("!H", buf, 2)[0]
            pos = 4
        elif n == 127:
            if len(buf) < 10:
                return None
            n = struct.unpack_from("!Q", buf, 2)[0]
            pos = 10
        key = b""
        if masked:
            if len(buf) < pos + 4:
                return None
            key = bytes(buf[pos:pos + 4])
            pos += 4
        if len(buf) < pos + n:
            return None
        wire = bytes(buf[:pos + n])
        payload = bytes(buf[pos:pos + n])
        del buf[:pos + n]
        if masked:
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        if opcode != 0x1:
            return Unit(self.direction, "raw", payload, wire=wire)
        m = _ELEMENT_NAME.match(payload)
        name = m.group(1).decode("utf-8", "replace") if m else ""
        kind = {"open": "open", "close": "close"}.get(name, "stanza")
        return Unit(self.direction, kind, payload, name=name, wire=wire)
EXIT_QUEUED = 8

_users = itertools.count(1)


def bodies(tag, n):
    """Unique bodies in send order: TAG-m0001 …"""
    return ["%s-m%04d" % (tag, i) for i in range(1, n + 1)]


class Sender:
    """`send TO --stdin` in the background, fed BODIES a line every
    INTERVAL seconds (all at once with 0); stdin is closed at the end."""

    def __init__(self, cli, to, lines, interval=0.0, timeout=60,
                 account=None, extra=()):
        self.out = tempfile.TemporaryFile(mode="w+")
        self.err = tempfile.TemporaryFile(mode="w+")
        self.proc = cli.popen("send", to, "--stdin", "--timeout", timeout,
                              *extra, account=account,
                              stdin=subprocess.PIPE, stdout=self.out,
                              stderr=self.err)
        self.fed = 0
        self._thread = threading.Thread(target=self._feed,
                                        args=(list(lines), interval),
                                        daemon=True)
        self._thread.start()

    def _feed(self, lines, interval):
        try:
            for line in lines:
                self.proc.stdin.write(line + "\n")
                self.proc.stdin.flush()
                self.fed += 1
                if interval:
                    time.sleep(interval)
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass

    def wait(self, timeout):
        """(exit code or None if still running after TIMEOUT, stdout,
        stderr)."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        self._thread.join(timeout=1)
        return self.proc.returncode, self.output()

    def output(self):
        self.out.seek(0)
        self.err.seek(0)
        return "stdout: %s\nstderr: %s" % (self.out.read()[-2000:],
                                           self.err.read()[-4000:])

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._thread.join(timeout=1)

    def close(self):
        self.kill()
        self.out.close()
        self.err.close()


def history(cli, peer, account=None):
    r = cli.run("history", peer, "--json", "--limit", 100000,
                account=account, timeout=60)
    if r.returncode != 0:
        raise AssertionError("history failed: %r" % r)
    return r.json_lines()


def drain(listener):
    """Move every event LISTENER has read so far into listener.seen (after
    stop(): all it printed)."""
    import queue
    while True:
        try:
            e = listener.events.get_nowait()
        except queue.Empty:
            return
        if e is not None:
            listener.seen.append(e)


def printed_bodies(listener):
    return [e.get("body") for e in listener.seen
            if e.get("event") == "message"]


def wait_bodies(listener, want, timeout):
    """Block until LISTENER printed a message event for every body in
    WANT; AssertionError naming what is missing."""
    want = set(want)

    def done(_event=None):
        return want <= set(printed_bodies(listener))

    if done():
        return
    try:
        listener.wait_for(done, timeout)
    except AssertionError:
        got = set(printed_bodies(listener))
        missing = sorted(want - got)
        raise AssertionError(
            "listener printed %d of %d messages in %ss; missing %d: %s …; "
            "exit %r; stderr tail:\n%s"
            % (len(want & got), len(want), timeout, len(missing),
               missing[:10], listener.proc.poll(),
               "".join(listener.stderr_lines)[-3000:])) from None


def online_events(listener):
    return [e for e in listener.seen if e.get("event") == "online"]


def wait_reconnected(listener, times=1, timeout=60):
    """Block until LISTENER came online again TIMES times after its first
    login; returns that "online" event."""
    listener.wait_for(lambda e: len(online_events(listener)) > times,
                      timeout)
    return online_events(listener)[times]


def order_report(got, want):
    """Why GOT is not WANT: missing, duplicated, first out-of-order."""
    counts = collections.Counter(got)
    missing = [b for b in want if counts[b] == 0]
    dups = sorted(b for b, c in counts.items() if c > 1)
    seen = []
    for b in got:
        if b not in seen:
            seen.append(b)
    wanted_order = [b for b in want if b in counts]
    first_bad = next((i for i, (a, b) in enumerate(zip(seen, wanted_order))
                      if a != b), None)
    parts = ["%d stored, %d expected" % (len(got), len(want))]
    if missing:
        parts.append("missing %d: %s" % (len(missing), missing[:10]))
    if dups:
        parts.append("duplicated %d: %s" % (len(dups), dups[:10]))
    if first_bad is not None:
        parts.append("out of order from position %d: %s"
                     % (first_bad, seen[first_bad:first_bad + 5]))
    return "; ".join(parts)


class FaultCase(ServerTestCase):
    """A Prosody with MAM, carbons and resumable sessions; each test takes
    fresh users, so archives and sessions of other tests do not mix."""

    server_options = dict(DELIVERY_OPTIONS)
    # "tcp" (direct TLS) or "websocket" (see over_websocket()).
    transport = "tcp"

    @property
    def over_websocket(self):
        return self.transport == "websocket"

    def users_pair(self):
        n = next(_users)
        a, b = "alice%d" % n, "bob%d" % n
        self.server.add_user(a, "alice-secret-%d" % n)
        self.server.add_user(b, "bob-secret-%d" % n)
        return a, b

    def upstream(self):
        port = self.server.https_port if self.over_websocket \
            else self.server.direct_tls_port
        return ("127.0.0.1", port)

    def tls_proxy(self, **kw):
        if self.over_websocket:
            s = self.server
            kw.setdefault("splitter", WebSocketSplitter)
            tls = TlsTermination(s.cert_file, s.key_file, s.ca_file,
                                 s.domain, alpn=None)
        else:
            tls = TlsTermination.for_server(self.server)
        proxy = FaultProxy(self.upstream(), tls=tls, **kw)
        self.addCleanup(proxy.close)
        return proxy

    def plain_proxy(self, **kw):
        proxy = FaultProxy(self.upstream(), **kw)
        self.addCleanup(proxy.close)
        return proxy

    def sm_failed(self):
        """What the proxy answers a <resume/> with to refuse it."""
        return ws_frame(SM_FAILED) if self.over_websocket else SM_FAILED

    def account(self, user, proxy=None, resource=None):
        """A profile with USER's account, over PROXY or straight to the
        server (direct TLS, or the WebSocket pinned either way)."""
        cli = PetrelCli(self.server)
        if self.over_websocket:
            port = proxy.port if proxy else self.server.https_port
            url = "wss://%s:%d%s" % (self.server.domain, port,
                                     self.server.WEBSOCKET_PATH)
            cli.add_account(user, websocket=url, resource=resource)
        else:
            cli.add_account(user, direct_tls=True,
                            port=proxy.port if proxy else None,
                            resource=resource)
        return cli

    def sender(self, cli, to, lines, **kw):
        s = Sender(cli, self.server.jid(to), lines, **kw)
        self.addCleanup(s.close)
        return s

    def assertSends(self, sender, timeout):
        code, output = sender.wait(timeout)
        self.assertEqual(code, 0, "send did not finish with 0 in %ss "
                         "(fed %d lines):\n%s" % (timeout, sender.fed,
                                                  output))

    # -- the checks every scenario ends with ---------------------------------

    def assertStoredOnceInOrder(self, cli, peer, want, direction="in"):
        """PEER's conversation in CLI's store holds WANT exactly once each,
        in order (other bodies are ignored)."""
        wanted = set(want)
        records = history(cli, self.server.jid(peer))
        got = [r.get("body") for r in records
               if r.get("direction") == direction
               and r.get("body") in wanted]
        if got != list(want):
            self.fail("%s messages stored for the conversation with %s: %s"
                      % ({"in": "incoming", "out": "outgoing"}[direction],
                         peer, order_report(got, list(want))))
        return records

    def assertAllSent(self, cli, peer, want):
        """Every message in WANT is in CLI's store once, outgoing, and
        `sent` or later."""
        records = self.assertStoredOnceInOrder(cli, peer, want, "out")
        wanted = set(want)
        bad = [(r.get("body"), r.get("state")) for r in records
               if r.get("direction") == "out" and r.get("body") in wanted
               and r.get("state") not in SENT_OR_LATER]
        self.assertEqual(bad, [], "outgoing messages not sent or later "
                         "(%d of %d): %s" % (len(bad), len(want), bad[:10]))
        ids = [r.get("origin_id") for r in records
               if r.get("direction") == "out" and r.get("body") in wanted]
        self.assertTrue(all(ids), "outgoing messages without origin-id")

    def assertPrintedOnce(self, listener, want):
        drain(listener)
        counts = collections.Counter(printed_bodies(listener))
        twice = sorted(b for b in want if counts[b] > 1)
        self.assertEqual(twice, [], "listen printed these more than once")

    def assertDelivered(self, sender_cli, sender_user, listener,
                        receiver_cli, receiver_user, want):
        """The common end of a one-way scenario."""
        wait_bodies(listener, want, 60)
        code = listener.stop()
        self.assertPrintedOnce(listener, want)
        self.assertEqual(code, 0, "listen ended with %r; stderr tail:\n%s"
                         % (code, "".join(listener.stderr_lines)[-3000:]))
        self.assertStoredOnceInOrder(receiver_cli, sender_user, want)
        self.assertAllSent(sender_cli, receiver_user, want)


def watch_bodies(proxy, direction):
    """A rule that records every chat message going DIRECTION."""
    return proxy.on(direction, chat_message(), "mark", times=None)


def count_body(rule, body):
    needle = (">%s<" % body).encode()
    return sum(1 for u in rule.units if needle in u.data)


class SendCutTest(FaultCase):
    """Cut after a message went to the server, before its ack came back."""

    def run_cut_before_ack(self, tag, resumable):
        alice, bob = self.users_pair()
        proxy = self.tls_proxy()
        sent = proxy.on("up", chat_message(), "mark")
        cut = proxy.on("down", stanza("a"), "cut_before", after=sent)
        up = watch_bodies(proxy, "up")
        if not resumable:
            proxy.on("up", stanza("resume"), ("reply", self.sm_failed()))
        a = self.account(alice, proxy)
        b = self.account(bob)
        listener = self.listen(b)
        listener.wait_online()
        want = bodies(tag, 5)
        s = self.sender(a, bob, want, timeout=60)
        self.assertTrue(cut.wait(30), "the cut never happened")
        self.assertSends(s, 90)
        self.assertGreaterEqual(len(proxy.connections), 2)
        self.assertDelivered(a, alice, listener, b, bob, want)
        return up, want

    def test_cut_before_ack_resumed(self):
        self.run_cut_before_ack("cba-res", resumable=True)

    def test_cut_before_ack_not_resumed(self):
        up, want = self.run_cut_before_ack("cba-new", resumable=False)
        # The message the server already had went up again (same id) on
        # the fresh session: the receiver had to deduplicate it.
        self.assertGreaterEqual(count_body(up, want[0]), 2,
                                "the first message was not resent: %r"
                                % up.units)


class ReceiveCutTest(FaultCase):
    """Cuts on the receiving side."""

    def receiver_with(self, tag, rules, resumed, n=5):
        alice, bob = self.users_pair()
        proxy = self.tls_proxy()
        fired = rules(proxy)
        a = self.account(alice)
        b = self.account(bob, proxy)
        listener = self.listen(b)
        listener.wait_online()
        want = bodies(tag, n)
        s = self.sender(a, bob, want, timeout=60)
        self.assertSends(s, 90)
        self.assertTrue(fired.wait(30), "the fault never happened")
        again = wait_reconnected(listener)
        self.assertEqual(again.get("resumed"), resumed, repr(again))
        # Time for the catch-up (and for a duplicate to show, if any).
        time.sleep(1.5)
        self.assertDelivered(a, alice, listener, b, bob, want)

    def test_half_delivered_resumed(self):
        self.receiver_with("half-res", lambda p: p.on(
            "down", chat_message(), "cut_half"), resumed=True)

    def test_half_delivered_not_resumed(self):
        def rules(p):
            p.on("up", stanza("resume"), ("reply", self.sm_failed()))
            return p.on("down", chat_message(), "cut_half")
        self.receiver_with("half-new", rules, resumed=False)

    def test_stored_ack_lost_resumed(self):
        def rules(p):
            got = p.on("down", chat_message(), "mark", nth=2)
            return p.on("up", stanza("a"), "cut_before", after=got)
        self.receiver_with("ack-res", rules, resumed=True)

    def test_stored_ack_lost_not_resumed(self):
        def rules(p):
            p.on("up", stanza("resume"), ("reply", self.sm_failed()))
            got = p.on("down", chat_message(), "mark", nth=2)
            return p.on("up", stanza("a"), "cut_before", after=got)
        self.receiver_with("ack-new", rules, resumed=False)


class SilentLinkTest(FaultCase):
    """The link goes silent (no RST, no FIN): only keepalives notice."""

    def test_silent_while_sending(self):
        alice, bob = self.users_pair()
        proxy = self.tls_proxy()
        stalled = proxy.on("up", chat_message(), "stall", nth=3)
        a = self.account(alice, proxy)
        b = self.account(bob)
        listener = self.listen(b)
        listener.wait_online()
        want = bodies("silent-send", 5)
        s = self.sender(a, bob, want, timeout=90)
        self.assertTrue(stalled.wait(30))
        self.assertSends(s, 120)
        self.assertDelivered(a, alice, listener, b, bob, want)

    def test_silent_while_receiving(self):
        alice, bob = self.users_pair()
        proxy = self.tls_proxy()
        stalled = proxy.on("down", chat_message(), "stall", nth=2)
        a = self.account(alice)
        b = self.account(bob, proxy)
        listener = self.listen(b)
        listener.wait_online()
        want = bodies("silent-recv", 5)
        s = self.sender(a, bob, want, timeout=60)
        self.assertSends(s, 90)
        self.assertTrue(stalled.wait(30))
        wait_bodies(listener, want, 90)
        self.assertDelivered(a, alice, listener, b, bob, want)


class ServerRestartTest(FaultCase):
    """kill -9 of Prosody in the middle of a conversation."""

    def test_kill_9_while_sending(self):
        alice, bob = self.users_pair()
        proxy = self.tls_proxy()
        server = self.server
        restarted = threading.Event()

        def crash(_unit):
            server.crash()
            time.sleep(1.0)
            server.launch()
            restarted.set()

        killed = proxy.on("up", chat_message(), crash, nth=20)
        a = self.account(alice, proxy)
        b = self.account(bob)
        listener = self.listen(b)
        listener.wait_online()
        want = bodies("kill9", 60)
        s = self.sender(a, bob, want, interval=0.02, timeout=60)
        self.assertTrue(killed.wait(30), "never got to the 20th message")
        self.assertTrue(restarted.wait(30), "prosody did not come back")
        self.assertSends(s, 120)
        self.assertDelivered(a, alice, listener, b, bob, want)
        # Both clients lost their sessions with the server's memory.
        online = [e for e in listener.seen if e.get("event") == "online"]
        self.assertGreaterEqual(len(online), 2, "listener never came back")


class ResetOnConnectTest(FaultCase):
    """Connections accepted and reset at once, before TLS (a load balancer
    whose server is gone), while the client reconnects."""

    def test_reset_before_tls(self):
        alice, bob = self.users_pair()
        proxy = self.plain_proxy()
        a = self.account(alice)
        b = self.account(bob, proxy)
        listener = self.listen(b)
        listener.wait_online()
        proxy.reset_new(2.0)
        proxy.cut()
        want = bodies("reset-tls", 5)
        s = self.sender(a, bob, want, timeout=60)
        self.assertSends(s, 90)
        wait_reconnected(listener, timeout=60)
        self.assertGreaterEqual(proxy.refused, 1, "no connection was reset")
        self.assertDelivered(a, alice, listener, b, bob, want)


class ClientRestartTest(FaultCase):
    """The sending client dies with messages in its outbox."""

    def test_killed_with_outbox_then_flush(self):
        alice, bob = self.users_pair()
        proxy = self.tls_proxy()
        frozen = proxy.on("up", chat_message(), "stall", nth=6)
        a = self.account(alice, proxy)
        b = self.account(bob)
        listener = self.listen(b)
        listener.wait_online()
        want = bodies("killed", 20)
        s = self.sender(a, bob, want, timeout=120)
        self.assertTrue(frozen.wait(30), "never got to the 6th message")
        # Wait until the outbox holds every line, then kill -9.
        deadline = time.monotonic() + 30
        while True:
            out = [r for r in history(a, self.server.jid(bob))
                   if r.get("direction") == "out"]
            if len(out) >= len(want) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(len(out), len(want), "outbox: %r" % out)
        self.assertEqual(s.proc.poll(), None, "send ended early:\n%s"
                         % s.output())
        s.kill()
        pending = [r["body"] for r in out if r.get("state") == "pending"]
        self.assertIn(want[-1], pending, "the last message must still be "
                      "queued when the client dies: %r" % out)
        proxy.clear_rules()
        r = a.run("flush", "--timeout", 60, timeout=90)
        self.assertSucceeded(r)
        self.assertDelivered(a, alice, listener, b, bob, want)

    def unreachable_then(self, tag, deliver):
        alice, bob = self.users_pair()
        proxy = self.tls_proxy()
        proxy.refuse()
        a = self.account(alice, proxy)
        b = self.account(bob)
        listener = self.listen(b)
        listener.wait_online()
        want = bodies(tag, 5)
        r = a.run("send", self.server.jid(bob), "--stdin", "--timeout", 3,
                  input="".join(w + "\n" for w in want), timeout=60)
        self.assertEqual(r.returncode, EXIT_QUEUED, repr(r))
        self.assertRegex(r.stderr, r"petrel-cli: queued")
        out = [x for x in history(a, self.server.jid(bob))
               if x.get("direction") == "out"]
        self.assertEqual([x["body"] for x in out], want)
        self.assertEqual({x["state"] for x in out}, {"pending"}, repr(out))
        proxy.accept()
        deliver(a)
        self.assertDelivered(a, alice, listener, b, bob, want)

    def test_unreachable_queued_then_flush(self):
        def deliver(a):
            self.assertSucceeded(a.run("flush", "--timeout", 30, timeout=60))
        self.unreachable_then("unreach-flush", deliver)

    def test_unreachable_queued_then_listen_flushes(self):
        def deliver(a):
            with Listener(a) as alice_listener:
                alice_listener.wait_online()
                # listen sends the queue; wait for the last "sent" state.
                def all_sent(_e):
                    return len({x.get("id") for x in alice_listener.seen
                                if x.get("event") == "state"
                                and x.get("state") in SENT_OR_LATER}) >= 5
                alice_listener.wait_for(all_sent, 30)
        self.unreachable_then("unreach-listen", deliver)


class ArchiveGapTest(FaultCase):
    """The last stanza-id the client knows is gone from the archive
    (Prosody truncated it: over quota; or it expired) when it catches up:
    it must still fetch everything the archive holds since then, not only
    the newest page."""

    # Prosody's file archive keeps 120 items per user; over that mod_mam
    # truncates it to 118, dropping the oldest.
    server_options = dict(DELIVERY_OPTIONS,
                          config_extra="storage_archive_item_limit = 120\n")

    def test_catch_up_after_the_known_id_was_truncated(self):
        alice, bob = self.users_pair()
        a = self.account(alice)
        b = self.account(bob)
        first = bodies("gap0", 1)
        self.assertSends(self.sender(b, alice, first), 60)
        r = a.run("sync", "--json", timeout=60)
        self.assertSucceeded(r)
        self.assertStoredOnceInOrder(a, bob, first)
        # While alice is away: 130 more; the archive drops the oldest,
        # gap0-m0001 (the one alice knows) among them.
        want = bodies("gap", 130)
        self.assertSends(self.sender(b, alice, want), 120)
        r = a.run("sync", "--json", timeout=120)
        self.assertSucceeded(r)
        # The newest 100 are certainly still in the archive.
        self.assertStoredOnceInOrder(a, bob, want[-100:])


class LoadTest(FaultCase):
    """500 messages each way while every connection is reset every few
    seconds."""

    server_options = dict(DELIVERY_OPTIONS, log_level="info")

    N = int(os.environ.get("PETREL_FAULT_MESSAGES", "500"))
    PERIOD = 2.5
    JITTER = 0.5
    INTERVAL = 0.02  # 50 lines a second: cuts land mid-stream

    def test_500_each_way_with_cuts(self):
        alice, bob = self.users_pair()
        proxy = self.plain_proxy()
        a_send = self.account(alice, proxy, resource="send")
        a_listen = self.account(alice, proxy, resource="listen")
        b_send = self.account(bob, proxy, resource="send")
        b_listen = self.account(bob, proxy, resource="listen")
        la = self.listen(a_listen)
        lb = self.listen(b_listen)
        la.wait_online()
        lb.wait_online()
        a_want = bodies("a2b", self.N)
        b_want = bodies("b2a", self.N)
        proxy.cut_every(self.PERIOD, jitter=self.JITTER, seed=500)
        t0 = time.monotonic()
        sa = self.sender(a_send, bob, a_want, interval=self.INTERVAL,
                         timeout=60)
        sb = self.sender(b_send, alice, b_want, interval=self.INTERVAL,
                         timeout=60)
        self.assertSends(sa, 240)
        self.assertSends(sb, 240)
        sending = time.monotonic() - t0
        cuts_while_sending = len(proxy.cut_log)
        wait_bodies(lb, a_want, 120)
        wait_bodies(la, b_want, 120)
        proxy.stop_cutting()
        print("\n%d each way: senders done in %.1fs; %d cuts (%d while "
              "sending), %d connections cut, %d connections in all"
              % (self.N, sending, len(proxy.cut_log), cuts_while_sending,
                 proxy.cuts, len(proxy.connections)), file=sys.stderr)
        if self.N >= 500:
            self.assertGreaterEqual(cuts_while_sending, 3,
                                    "too few cuts to mean anything")
        for listener in (la, lb):
            code = listener.stop()
            self.assertEqual(code, 0, "listen ended with %r; stderr tail:\n%s"
                             % (code, "".join(listener.stderr_lines)[-3000:]))
        self.assertPrintedOnce(la, b_want)
        self.assertPrintedOnce(lb, a_want)
        self.assertStoredOnceInOrder(b_listen, alice, a_want)
        self.assertStoredOnceInOrder(a_listen, bob, b_want)
        self.assertAllSent(a_send, bob, a_want)
        self.assertAllSent(b_send, alice, b_want)


def over_websocket(base):
    """BASE's scenarios over WebSocket, as class WebSocket<BASE>."""
    name = "WebSocket" + base.__name__
    cls = type(name, (base,), {
        "transport": "websocket",
        "server_options": dict(base.server_options, web=True),
        "__doc__": "%s (over WebSocket)" % (base.__doc__ or name),
    })
    globals()[name] = cls
    return cls


for _base in (SendCutTest, ReceiveCutTest, SilentLinkTest, ServerRestartTest,
              ResetOnConnectTest, ClientRestartTest, ArchiveGapTest,
              LoadTest):
    over_websocket(_base)
del _base


if __name__ == "__main__":
    run_tests()
