# SPDX-License-Identifier: GPL-3.0-or-later
"""Messages between two petrel-cli users through a real Prosody.

Concurrent sessions of one account use distinct resources: two sessions
with the same full JID would make Prosody close the older one.
"""

import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from prosody_fixture import ServerTestCase, run_tests  # noqa: E402


def is_message(body=None, sender=None):
    def match(e):
        return (e.get("event") == "message"
                and (body is None or e.get("body") == body)
                and (sender is None
                     or e.get("from", "").split("/")[0] == sender))
    return match


class MessageTest(ServerTestCase):

    users = {"alice": "alice-secret-1", "bob": "bob-secret-2",
             "carol": "carol-secret-3"}

    def listening(self, user, resource="listen"):
        listener = self.listen(self.cli(user, resource=resource))
        listener.wait_online()
        return listener

    def test_message_round_trip_alice_to_bob(self):
        bob = self.listening("bob")
        alice = self.listening("alice")
        alice_send = self.cli("alice", resource="send")
        bob_send = self.cli("bob", resource="send")

        self.assertSucceeded(alice_send.run("send", "bob@localhost",
                                            "hello bob ✓"))
        got = bob.wait_for(is_message("hello bob ✓", "alice@localhost"))
        self.assertEqual(got["account"], "bob@localhost")
        self.assertEqual(got["from"], "alice@localhost/send")
        self.assertEqual(got["to"].split("/")[0], "bob@localhost")
        self.assertEqual(got["type"], "chat")
        self.assertTrue(got.get("id"), got)
        self.assertRegex(got["time"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        when = datetime.datetime.fromisoformat(
            got["time"].replace("Z", "+00:00"))
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - when).total_seconds()), 120, got)

        self.assertSucceeded(bob_send.run("send", "alice@localhost",
                                          "hi alice"))
        reply = alice.wait_for(is_message("hi alice", "bob@localhost"))
        self.assertEqual(reply["from"], "bob@localhost/send")
        self.assertEqual(reply["account"], "alice@localhost")

    def test_send_stdin_sends_one_message_per_line(self):
        bob = self.listening("bob", resource="stdin-listen")
        alice = self.cli("alice", resource="stdin-send")
        lines = ["first line", "second line", "third: <b>&amp;</b>"]
        self.assertSucceeded(alice.run("send", "bob@localhost", "--stdin",
                                       input="\n".join(lines) + "\n"))
        bodies = [bob.wait_for(is_message(text, "alice@localhost"))["body"]
                  for text in lines]
        self.assertEqual(bodies, lines)
        received = [e["body"] for e in bob.seen
                    if is_message(sender="alice@localhost")(e)
                    and e["body"] in lines]
        self.assertEqual(received, lines, "order or count differs")

    def test_markup_in_body_arrives_as_text(self):
        bob = self.listening("bob", resource="markup")
        alice = self.cli("alice", resource="markup")
        body = "</body><body>x</body> & 'quotes' \"too\" <![CDATA[ ]]>"
        self.assertSucceeded(alice.run("send", "bob@localhost", body))
        bob.wait_for(is_message(body, "alice@localhost"))

    def test_message_to_offline_contact_waits_on_server(self):
        # Exit 0 means the server took the message: it must be there for
        # carol when she comes online later, without alice still running.
        # (carol has never been online, so no session of hers lingers.)
        alice = self.cli("alice", resource="offline-send")
        self.assertSucceeded(alice.run("send", "carol@localhost",
                                       "while you were out"))
        carol = self.listen(self.cli("carol", resource="offline-listen"))
        got = carol.wait_for(is_message("while you were out",
                                        "alice@localhost"))
        self.assertEqual(got["type"], "chat")
        # Offline delivery keeps the original send time (XEP-0203).
        self.assertTrue(got.get("time"), got)

    def test_listen_prints_only_json_lines(self):
        bob = self.listening("bob", resource="json-only")
        alice = self.cli("alice", resource="json-only")
        self.assertSucceeded(alice.run("send", "bob@localhost", "ping?"))
        bob.wait_for(is_message("ping?"))
        bob.stop()
        bad = [e for e in bob.seen if e.get("event") == "<not json>"]
        self.assertEqual(bad, [])
        for e in bob.seen:
            self.assertIn("event", e)

    def test_listen_for_seconds_exits_by_itself(self):
        cli = self.cli("bob", resource="timed")
        result = cli.run("listen", "--json", "--for", "1", timeout=30)
        self.assertSucceeded(result)
        events = [e["event"] for e in result.json_lines()]
        self.assertIn("online", events)


if __name__ == "__main__":
    run_tests()
