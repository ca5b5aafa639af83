# SPDX-License-Identifier: GPL-3.0-or-later
"""petrel-cli over BOSH (XEP-0206) to Prosody's mod_bosh, over HTTPS with
the fixture's private CA."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from prosody_fixture import (DELIVERY_OPTIONS, ServerTestCase,  # noqa: E402
                             run_tests)


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


if __name__ == "__main__":
    run_tests()
