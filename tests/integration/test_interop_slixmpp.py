# SPDX-License-Identifier: GPL-3.0-or-later
"""Interop: a python3-slixmpp peer exchanges messages with petrel-cli.

The other side is not our code, so what petrel-cli sends must be ordinary
XMPP that another implementation reads, and the reverse.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from prosody_fixture import (  # noqa: E402
    ServerTestCase, SlixPeer, roster_item, run_tests)


class SlixmppInteropTest(ServerTestCase):

    server_options = {"rosters": {
        "alice": [roster_item("bob@localhost", "Bob", ["Friends"])],
        "bob": [roster_item("alice@localhost", "Alice", ["Friends"])],
    }}

    def test_slixmpp_receives_petrel_message_and_reply_reaches_listener(self):
        # bob (slixmpp) answers every chat message to the sender's bare JID,
        # so the reply reaches alice's listening session rather than the
        # short-lived one that sent the message.
        with SlixPeer(self.server, "bob", resource="slix",
                      reply_with=lambda m: "echo: " + m["body"],
                      reply_to_bare=True) as bob:
            alice = self.listen(self.cli("alice", resource="listen"))
            alice.wait_online()
            sender = self.cli("alice", resource="send")
            body = "hello slixmpp — ünïcödé <&>"
            self.assertSucceeded(sender.run("send", "bob@localhost", body))

            got = bob.wait_message(lambda m: m["body"] == body)
            self.assertEqual(str(got["from"]), "alice@localhost/send")
            self.assertEqual(got["type"], "chat")
            self.assertEqual(got["to"].bare, "bob@localhost")

            reply = alice.wait_for(
                lambda e: e.get("event") == "message"
                and e.get("body") == "echo: " + body)
            self.assertEqual(reply["from"], "bob@localhost/slix")
            self.assertEqual(reply["type"], "chat")

    def test_slixmpp_message_to_petrel_full_jid(self):
        with SlixPeer(self.server, "bob", resource="slix2",
                      direct_tls=True) as bob:
            alice = self.listen(self.cli("alice", resource="full",
                                         direct_tls=True))
            alice.wait_online()
            bob.send_message("alice@localhost/full", "to your resource")
            got = alice.wait_for(lambda e: e.get("event") == "message"
                                 and e.get("body") == "to your resource")
            self.assertEqual(got["from"], "bob@localhost/slix2")
            self.assertEqual(got["to"], "alice@localhost/full")
            self.assertEqual(got["account"], "alice@localhost")

    def test_slixmpp_presence_is_seen_by_listener(self):
        # alice and bob share a subscription, so bob's presence is
        # broadcast to alice's session (RFC 6121 section 4.4).
        alice = self.listen(self.cli("alice", resource="presence"))
        alice.wait_online()
        with SlixPeer(self.server, "bob", resource="slix3"):
            alice.wait_for(lambda e: e.get("event") == "presence"
                           and e.get("from") == "bob@localhost/slix3"
                           and e.get("type", "available") in
                           ("available", None, ""))

    def test_petrel_send_stdin_burst_arrives_in_order_at_slixmpp(self):
        with SlixPeer(self.server, "bob", resource="burst") as bob:
            lines = ["burst %02d" % i for i in range(20)]
            sender = self.cli("alice", resource="burst")
            self.assertSucceeded(sender.run("send", "bob@localhost/burst",
                                            "--stdin",
                                            input="\n".join(lines) + "\n"))
            got = [bob.wait_message(lambda m: m["body"].startswith("burst"))
                   ["body"] for _ in lines]
            self.assertEqual(got, lines)


if __name__ == "__main__":
    run_tests()
