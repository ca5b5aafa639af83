# SPDX-License-Identifier: GPL-3.0-or-later
"""petrel-cli listen on hostile stanzas, through a real Prosody.

mallory sends bob's listening petrel-cli what a server passes on but a
client must survive: unknown stanza types, huge attributes and bodies,
missing ids, JIDs that do not parse, payloads nested in the wrong places,
impossible dates.  The listener must keep running, log what it drops
without the bodies (even with --verbose), and still receive a normal
message afterwards.  Malformed XML itself never gets past Prosody; the
stream-level cases are in test-security-stream.c.
"""

import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from security_fixture import AttackTestCase, run_tests  # noqa: E402

VICTIM = "bob@localhost/listen"
SECRET = "SECRET-BODY-" + uuid.uuid4().hex[:8]


def hostile_stanzas():
    big = "A" * 60000
    deep = "<x xmlns='urn:x:deep'>" * 200 + "</x>" * 200
    yield "<message to='%s' type='bogus'><body>%s-1</body></message>" % (
        VICTIM, SECRET)
    yield "<message to='%s'><body>%s-2</body></message>" % (VICTIM, SECRET)
    yield "<message to='%s' id='%s' type='chat'><body>%s-3</body></message>" % (
        VICTIM, big, SECRET)
    yield "<message to='%s' type='chat' xml:lang='%s'><body>%s-4%s</body>" \
          "</message>" % (VICTIM, big[:4000], SECRET, big)
    yield "<presence to='%s' type='nonsense'><show>%s</show>" \
          "<priority>999999999999</priority><status>%s-5</status>" \
          "</presence>" % (VICTIM, big[:1000], SECRET)
    yield "<iq to='%s' type='get'><ping xmlns='urn:xmpp:ping'/></iq>" % VICTIM
    yield "<iq to='%s' type='wrong' id='w1'><query xmlns='urn:x'/></iq>" % VICTIM
    yield "<iq to='%s' type='get' id='two'><a xmlns='urn:a'/><b xmlns='urn:b'/>" \
          "</iq>" % VICTIM
    yield "<iq to='%s' type='get' id='none'/>" % VICTIM
    yield "<message to='%s' type='chat'><body>%s-6</body>" \
          "<delay xmlns='urn:xmpp:delay' stamp='99999-12-31T23:59:59Z'/>" \
          "<stanza-id xmlns='urn:xmpp:sid:0' id='' by='@@bad@@'/>" \
          "<origin-id xmlns='urn:xmpp:sid:0'/></message>" % (VICTIM, SECRET)
    yield "<message to='%s' type='chat'><body>%s-7</body>" \
          "<delay xmlns='urn:xmpp:delay' stamp='-0001-01-01T00:00:00Z'/>" \
          "</message>" % (VICTIM, SECRET)
    yield "<message to='%s' type='chat'><received xmlns='urn:xmpp:receipts'/>" \
          "<displayed xmlns='urn:xmpp:chat-markers:0'/>" \
          "<composing xmlns='http://jabber.org/protocol/chatstates'/>" \
          "<active xmlns='http://jabber.org/protocol/chatstates'/></message>" \
          % VICTIM
    yield "<message to='%s'><received xmlns='urn:xmpp:carbons:2'/></message>" \
          % VICTIM
    yield "<message to='%s'><sent xmlns='urn:xmpp:carbons:2'><forwarded" \
          " xmlns='urn:xmpp:forward:0'><iq xmlns='jabber:client' type='set'/>" \
          "</forwarded></sent></message>" % VICTIM
    yield "<message to='%s'><result xmlns='urn:xmpp:mam:2'/></message>" % VICTIM
    yield "<message to='%s'><x xmlns='jabber:x:data' type='form'>" \
          "<field var='a' type='bogus'><value>%s</value></field></x>" \
          "<body>%s-8</body></message>" % (VICTIM, big[:8000], SECRET)
    yield "<message to='%s' type='chat'>%s<body>%s-9</body></message>" % (
        VICTIM, deep, SECRET)
    yield "<message to='%s' type='chat'><body>%s-10 \u202e\ufeff\U0001f600" \
          "</body></message>" % (VICTIM, SECRET)
    yield "<presence to='%s'><c xmlns='http://jabber.org/protocol/caps'" \
          " hash='sha-1' node='%s' ver='@@@'/></presence>" % (VICTIM, big[:2000])
    yield "<iq to='%s' type='result' id='never-asked'><query" \
          " xmlns='jabber:iq:roster'><item jid='x@y'/></query></iq>" % VICTIM
    yield "<iq to='%s' type='error' id='never-asked-2'/>" % VICTIM


class HostileInput(AttackTestCase):

    def test_listen_survives_hostile_stanzas_and_logs_no_bodies(self):
        # Every log domain on, as a user reporting a bug would run it; the
        # --verbose switch (the raw protocol log) is the one place that
        # shows bodies, by request.
        os.environ["G_MESSAGES_DEBUG"] = "all"
        self.addCleanup(os.environ.pop, "G_MESSAGES_DEBUG", None)
        cli, listener = self.victim()
        mallory = self.attacker()
        n = 0
        for stanza in hostile_stanzas():
            mallory.send_raw(stanza)
            n += 1
        # IQs that the router must answer (RFC 6120 §8.2.3, §8.3.3).
        for iq_id in ("w1", "two", "none"):
            reply = mallory.wait_for(["id=\"%s\"" % iq_id])
            self.assertIn("type=\"error\"", reply)
        token = self.barrier(mallory, listener)
        self.assertListenerAlive(listener)
        self.assertGreater(n, 15)

        # Bodies of hostile messages may be shown as messages (from
        # mallory, as plain text), but never appear in the log.
        # What was dropped is logged (the router's debug lines).  The
        # listener's stderr is read by its own thread, so its last lines
        # may trail the barrier seen on stdout.
        deadline = time.monotonic() + 15
        log = "".join(listener.stderr_lines)
        while ("dropping an IQ reply nobody asked for" not in log
               and time.monotonic() < deadline):
            time.sleep(0.05)
            log = "".join(listener.stderr_lines)
        self.assertIn("dropping an IQ reply nobody asked for", log)
        for needle in (SECRET, token):
            at = log.find(needle)
            self.assertEqual(at, -1, "a body in the log: …%s…"
                             % log[max(0, at - 300):at + 100])
        for e in listener.seen:
            if e.get("event") == "message" and e.get("time"):
                self.assertRegex(e["time"], r"^\d{4}-\d\d-\d\dT")

        # A normal message after all that.
        alice = self.cli("alice", resource="send")
        self.assertSucceeded(alice.run("send", "bob@localhost",
                                       "still here"))
        listener.wait_for(lambda e: e.get("event") == "message"
                          and e.get("body") == "still here")
        self.assertListenerAlive(listener)
        # The store took the ordinary messages and nothing that broke it.
        rows = self.history(cli, "alice@localhost")
        self.assertIn("still here", [r.get("body") for r in rows])


if __name__ == "__main__":
    run_tests()
