# SPDX-License-Identifier: GPL-3.0-or-later
"""Roster list/add/remove against a real Prosody (RFC 6121 section 2).

The server's roster file is the witness that a change really happened on
the server, not just in petrel-cli's local cache.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from prosody_fixture import (  # noqa: E402
    ServerTestCase, roster_item, run_tests)


class RosterTest(ServerTestCase):

    users = {"alice": "alice-secret-1", "bob": "bob-secret-2"}
    server_options = {"rosters": {"alice": [
        roster_item("bob@localhost", "Bob", ["Friends"]),
        roster_item("carol@localhost", "Carol Ünïcode", ["Work", "Chess"]),
        roster_item("noname@localhost", None, [], subscription="to"),
    ]}}

    def roster(self, cli):
        result = cli.run("roster", "list", "--json")
        self.assertSucceeded(result)
        return {item["jid"]: item for item in result.json_lines()}

    def server_roster_file(self, user):
        path = os.path.join(self.server.data_dir, "localhost", "roster",
                            user + ".dat")
        with open(path) as f:
            return f.read()

    def test_preloaded_roster_is_listed(self):
        items = self.roster(self.cli("alice", resource="list"))
        self.assertEqual(set(items), {"bob@localhost", "carol@localhost",
                                      "noname@localhost"})
        bob = items["bob@localhost"]
        self.assertEqual(bob["name"], "Bob")
        self.assertEqual(bob["subscription"], "both")
        self.assertEqual(bob["groups"], ["Friends"])
        carol = items["carol@localhost"]
        self.assertEqual(carol["name"], "Carol Ünïcode")
        self.assertEqual(sorted(carol["groups"]), ["Chess", "Work"])
        noname = items["noname@localhost"]
        self.assertIn(noname.get("name"), (None, ""))
        self.assertEqual(noname["subscription"], "to")
        self.assertEqual(noname["groups"], [])

    def test_roster_list_text_names_every_contact(self):
        result = self.cli("alice", resource="text").run("roster", "list")
        self.assertSucceeded(result)
        for jid in ("bob@localhost", "carol@localhost", "noname@localhost"):
            self.assertIn(jid, result.stdout)

    def test_roster_add_list_remove(self):
        cli = self.cli("bob", resource="edit")
        self.assertSucceeded(cli.run("roster", "add", "dave@localhost",
                                     "--name", "Dave", "--group", "Work",
                                     "--group", "Team"))
        self.assertIn("dave@localhost", self.server_roster_file("bob"))

        # A fresh profile has no cache: this is the server's answer.
        items = self.roster(self.cli("bob", resource="check"))
        dave = items["dave@localhost"]
        self.assertEqual(dave["name"], "Dave")
        self.assertEqual(sorted(dave["groups"]), ["Team", "Work"])
        self.assertEqual(dave["subscription"], "none")
        # And the profile that made the change sees it too.
        self.assertIn("dave@localhost", self.roster(cli))

        self.assertSucceeded(cli.run("roster", "remove", "dave@localhost"))
        self.assertNotIn("dave@localhost", self.server_roster_file("bob"))
        self.assertNotIn("dave@localhost",
                         self.roster(self.cli("bob", resource="check2")))
        self.assertNotIn("dave@localhost", self.roster(cli))

    def test_roster_add_updates_name_of_existing_contact(self):
        cli = self.cli("bob", resource="rename")
        self.assertSucceeded(cli.run("roster", "add", "erin@localhost",
                                     "--name", "Erin"))
        self.assertSucceeded(cli.run("roster", "add", "erin@localhost",
                                     "--name", "Erin B.", "--group", "G"))
        erin = self.roster(self.cli("bob", resource="rename2"))[
            "erin@localhost"]
        self.assertEqual(erin["name"], "Erin B.")
        self.assertEqual(erin["groups"], ["G"])
        self.assertSucceeded(cli.run("roster", "remove", "erin@localhost"))

    def test_roster_push_reaches_a_listening_session(self):
        listener = self.listen(self.cli("bob", resource="pushed"))
        listener.wait_online()
        other = self.cli("bob", resource="pusher")
        self.assertSucceeded(other.run("roster", "add", "frank@localhost",
                                       "--name", "Frank"))

        def has_frank(e):
            if e.get("event") != "roster":
                return False
            return any(i.get("jid") == "frank@localhost"
                       for i in e.get("items", []))
        listener.wait_for(has_frank)
        self.assertSucceeded(other.run("roster", "remove", "frank@localhost"))

    def test_removing_unknown_contact_fails_cleanly(self):
        cli = self.cli("bob", resource="unknown")
        result = cli.run("roster", "remove", "nobody@localhost")
        # Prosody answers item-not-found; either way no crash, one line.
        if result.returncode != 0:
            self.assertFailedWith(result, r".")


if __name__ == "__main__":
    run_tests()
