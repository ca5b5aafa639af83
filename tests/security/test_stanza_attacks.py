# SPDX-License-Identifier: GPL-3.0-or-later
"""Who may say this? (SECURITY.md) — against a real Prosody.

bob runs petrel-cli (the service and its store); mallory is a second
account on the same server and sends forged stanzas to bob's full JID.
Each test is named after the attack and cites the CVE of the incident
class.  Each ends with a barrier message from mallory, so the assertions
run after the victim has processed the attack, and checks that the victim
is still up.
"""

import os
import re
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from security_fixture import AttackTestCase, RawPeer, run_tests  # noqa: E402

VICTIM = "bob@localhost/listen"
CARBONS = "urn:xmpp:carbons:2"
FORWARD = "urn:xmpp:forward:0"


def forged_carbon(kind, inner_from, inner_to, body):
    return ("<message to='%s' type='chat' id='%s'>"
            "<%s xmlns='%s'><forwarded xmlns='%s'>"
            "<message xmlns='jabber:client' from='%s' to='%s' type='chat'"
            " id='%s'><body>%s</body></message>"
            "</forwarded></%s></message>"
            % (VICTIM, uuid.uuid4().hex, kind, CARBONS, FORWARD,
               inner_from, inner_to, uuid.uuid4().hex, body, kind))


class WhoMaySayThis(AttackTestCase):

    def assertNoMessage(self, listener, body):
        for e in listener.seen:
            self.assertNotEqual(e.get("body"), body,
                                "the forged message was shown: %r" % e)

    def assertNotStored(self, cli, peer, body):
        for row in self.history(cli, peer):
            self.assertNotEqual(row.get("body"), body,
                                "the forged message was stored: %r" % row)

    # CVE-2017-5589…5593, CVE-2017-5858, CVE-2019-16235, CVE-2020-26547
    def test_carbon_received_from_other_account_is_dropped_cve_2017_5589(self):
        cli, listener = self.victim()
        mallory = self.attacker()
        mallory.send_raw(forged_carbon("received", "alice@localhost/phone",
                                       "bob@localhost", "forged-received"))
        self.barrier(mallory, listener)
        self.assertNoMessage(listener, "forged-received")
        self.assertNotStored(cli, "alice@localhost", "forged-received")
        self.assertNotStored(cli, "mallory@localhost", "forged-received")
        self.assertListenerAlive(listener)

    # CVE-2017-5589 class, the <sent/> direction: a message "bob sent".
    def test_carbon_sent_from_other_account_is_dropped_cve_2017_5589(self):
        cli, listener = self.victim()
        mallory = self.attacker()
        mallory.send_raw(forged_carbon("sent", "bob@localhost/phone",
                                       "alice@localhost", "forged-sent"))
        self.barrier(mallory, listener)
        self.assertNoMessage(listener, "forged-sent")
        self.assertNotStored(cli, "alice@localhost", "forged-sent")
        self.assertListenerAlive(listener)

    # RFC 6121 §2.1.6; CVE-2015-8688, CVE-2016-9928, CVE-2019-16236,
    # CVE-2014-0364
    def test_roster_push_from_other_account_is_refused_cve_2015_8688(self):
        cli, listener = self.victim()
        mallory = self.attacker()
        mallory.send_raw("<iq type='set' id='push-1' to='%s'>"
                         "<query xmlns='jabber:iq:roster'>"
                         "<item jid='evil@localhost' name='Evil'"
                         " subscription='both'/></query></iq>" % VICTIM)
        error = mallory.wait_for(["id=\"push-1\"", "type=\"error\""])
        self.assertIn("service-unavailable", error)
        self.barrier(mallory, listener)
        for e in listener.seen:
            if e.get("event") == "roster":
                self.assertNotIn("evil@localhost", repr(e))
        roster = cli.run("roster", "list", "--json")
        self.assertSucceeded(roster)
        self.assertNotIn("evil@localhost", roster.stdout)
        self.assertListenerAlive(listener)

    # SECURITY.md: IQ replies match the request by id *and* by the entity
    # it was sent to (CVE-2019-16236 class: a guessed id is not enough).
    def test_iq_reply_from_wrong_entity_is_ignored_cve_2019_16236(self):
        carol = self.attacker("carol", "target")
        mallory = self.attacker()
        cli = self.cli("bob", resource="disco")
        proc = cli.popen("disco", "carol@localhost/target", "--json")
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        request = carol.wait_for(["http://jabber.org/protocol/disco#info",
                                  "type=\"get\""])
        iq_id = re.search(r'id="([^"]+)"', request).group(1)
        # The stranger answers first, with the right id, …
        mallory.send_raw("<iq type='result' id='%s' to='bob@localhost/disco'>"
                         "<query xmlns='http://jabber.org/protocol/disco#info'>"
                         "<identity category='client' type='pc'/>"
                         "<feature var='urn:x:spoofed'/></query></iq>" % iq_id)
        # … then the entity that was asked.
        mallory.send_raw("<message to='bob@localhost/disco'><body>x</body>"
                         "</message>")
        carol.send_raw("<iq type='result' id='%s' to='bob@localhost/disco'>"
                       "<query xmlns='http://jabber.org/protocol/disco#info'>"
                       "<identity category='client' type='pc'/>"
                       "<feature var='urn:x:genuine'/></query></iq>" % iq_id)
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("urn:x:genuine", out)
        self.assertNotIn("urn:x:spoofed", out)

    # XEP-0313; CVE-2019-16237: archive results count only for an open
    # query, with its queryid, from the archive that was queried.
    def test_mam_result_from_other_account_is_dropped_cve_2019_16237(self):
        cli, listener = self.victim()
        mallory = self.attacker()
        for queryid in ("", "q1", "1", "sync"):
            mallory.send_raw(
                "<message to='%s'><result xmlns='urn:xmpp:mam:2'"
                " queryid='%s' id='%s'><forwarded xmlns='%s'>"
                "<delay xmlns='urn:xmpp:delay' stamp='2020-01-01T00:00:00Z'/>"
                "<message xmlns='jabber:client' from='alice@localhost/x'"
                " to='bob@localhost' type='chat'><body>injected-mam</body>"
                "</message></forwarded></result></message>"
                % (VICTIM, queryid, uuid.uuid4().hex, FORWARD))
        self.barrier(mallory, listener)
        self.assertNoMessage(listener, "injected-mam")
        self.assertNotStored(cli, "alice@localhost", "injected-mam")
        self.assertListenerAlive(listener)
        # A catch-up from the real archive meanwhile stores nothing forged.
        sync = cli.run("sync", "--json")
        self.assertSucceeded(sync)
        self.assertNotStored(cli, "alice@localhost", "injected-mam")

    # XEP-0402/XEP-0223; CVE-2023-28686: private PEP data (bookmarks) only
    # from the own bare JID.  Petrel has no bookmarks yet: the event must
    # change nothing, not be shown as a message, and not end the session.
    def test_pep_bookmarks_event_from_other_account_is_dropped_cve_2023_28686(self):
        cli, listener = self.victim()
        mallory = self.attacker()
        mallory.send_raw(
            "<message to='%s' type='headline'>"
            "<event xmlns='http://jabber.org/protocol/pubsub#event'>"
            "<items node='urn:xmpp:bookmarks:1'><item id='trap@conf.localhost'>"
            "<conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'"
            " name='Trap'><nick>bob</nick></conference></item></items>"
            "</event></message>" % VICTIM)
        self.barrier(mallory, listener)
        for e in listener.seen:
            self.assertNotIn("trap@conf.localhost", repr(e))
            self.assertNotEqual(e.get("type"), "headline", e)
        self.assertListenerAlive(listener)

    # CVE-2016-10376: nothing that runs commands or changes settings is
    # reachable by other entities.
    def test_commands_and_settings_refused_to_strangers_cve_2016_10376(self):
        cli, listener = self.victim()
        mallory = self.attacker()
        attempts = {
            "cmd-1": "<command xmlns='http://jabber.org/protocol/commands'"
                     " node='config' action='execute'/>",
            "cmd-2": "<query xmlns='jabber:iq:private'><storage"
                     " xmlns='storage:bookmarks'/></query>",
            "cmd-3": "<enable xmlns='urn:xmpp:carbons:2'/>",
            "cmd-4": "<block xmlns='urn:xmpp:blocking'>"
                     "<item jid='alice@localhost'/></block>",
        }
        for iq_id, payload in attempts.items():
            mallory.send_raw("<iq type='set' id='%s' to='%s'>%s</iq>"
                             % (iq_id, VICTIM, payload))
        for iq_id in attempts:
            reply = mallory.wait_for(["id=\"%s\"" % iq_id])
            self.assertIn("type=\"error\"", reply)
        self.barrier(mallory, listener)
        self.assertListenerAlive(listener)


if __name__ == "__main__":
    run_tests()
