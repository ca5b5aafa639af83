# SPDX-License-Identifier: GPL-3.0-or-later
"""XEP-0199 ping and XEP-0030 disco#info against Prosody and a slixmpp peer."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from prosody_fixture import ServerTestCase, SlixPeer, run_tests  # noqa: E402


def strings_in(value):
    """Every string anywhere in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


def parse_json_output(stdout):
    """disco --json output: one JSON document, or one object per line."""
    try:
        return [json.loads(stdout)]
    except ValueError:
        return [json.loads(line) for line in stdout.splitlines()
                if line.strip()]


class PingTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bob = SlixPeer(cls.server, "bob", resource="slix")
        cls.addClassCleanup(cls.bob.close)

    def test_ping_own_server(self):
        self.assertSucceeded(self.cli("alice").run("ping"))

    def test_ping_server_by_jid(self):
        self.assertSucceeded(self.cli("alice").run("ping", "localhost"))

    def test_ping_online_peer(self):
        self.assertSucceeded(self.cli("alice").run("ping",
                                                   "bob@localhost/slix"))

    def test_ping_offline_resource_fails(self):
        result = self.cli("alice").run("ping", "bob@localhost/gone")
        self.assertFailedWith(result,
                              r"unavailable|not.found|error|offline")

    def test_ping_remote_domain_fails(self):
        # s2s is off in the fixture: Prosody answers not-allowed at once.
        result = self.cli("alice").run("ping", "example.invalid")
        self.assertFailedWith(result, r"not.allowed|error|remote")


class DiscoTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bob = SlixPeer(cls.server, "bob", resource="slix")
        cls.addClassCleanup(cls.bob.close)

    def disco_json(self, *args):
        result = self.cli("alice").run("disco", *args, "--json")
        self.assertSucceeded(result)
        docs = parse_json_output(result.stdout)
        return set(s for d in docs for s in strings_in(d)), result

    def test_disco_own_server_lists_identity_and_features(self):
        result = self.cli("alice").run("disco")
        self.assertSucceeded(result)
        for feature in ("http://jabber.org/protocol/disco#info",
                        "urn:xmpp:ping", "urn:xmpp:carbons:2"):
            self.assertIn(feature, result.stdout)
        self.assertIn("server", result.stdout)
        self.assertIn("im", result.stdout)

    def test_disco_json_is_json(self):
        strings, result = self.disco_json()
        for feature in ("http://jabber.org/protocol/disco#info",
                        "urn:xmpp:ping", "urn:xmpp:carbons:2"):
            self.assertIn(feature, strings, result)
        self.assertIn("server", strings, result)
        self.assertIn("im", strings, result)

    def test_disco_server_by_jid(self):
        strings, result = self.disco_json("localhost")
        self.assertIn("urn:xmpp:ping", strings, result)

    def test_disco_of_own_account_lists_pep(self):
        # Prosody answers for the bare JID (XEP-0163 section 4).
        strings, result = self.disco_json("alice@localhost")
        self.assertIn("account", strings, result)
        self.assertIn("pep", strings, result)

    def test_disco_slixmpp_peer(self):
        strings, result = self.disco_json("bob@localhost/slix")
        self.assertIn("http://jabber.org/protocol/disco#info", strings,
                      result)
        self.assertIn("urn:xmpp:ping", strings, result)
        self.assertIn("client", strings, result)

    def test_disco_offline_resource_fails(self):
        result = self.cli("alice").run("disco", "bob@localhost/gone")
        self.assertFailedWith(result,
                              r"unavailable|not.found|error|offline")


if __name__ == "__main__":
    run_tests()
