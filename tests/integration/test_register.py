# SPDX-License-Identifier: GPL-3.0-or-later
"""Creating accounts with `petrel-cli account register` (XEP-0077).

Against a real Prosody with allow_registration = true (mod_register sends
both the legacy fields and a data form, so the data form path is the one
taken): a new account can log in and send a message at once; a name that
is taken, a server that does not register, and a form field nobody asked
for each end with one clear line and the documented exit code.
"""

import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from prosody_fixture import (  # noqa: E402
    PetrelCli, ServerTestCase, make_ca, run_tests)

EXIT_USAGE = 1
EXIT_TLS = 4
EXIT_SERVER = 7


def is_message(body, sender):
    def match(e):
        return (e.get("event") == "message" and e.get("body") == body
                and e.get("from", "").split("/")[0] == sender)
    return match


class RegisterTest(ServerTestCase):

    users = {"bob": "bob-secret-2"}
    server_options = {"registration": True}

    def new_cli(self):
        return PetrelCli(self.server)

    def register(self, cli, user, password, *extra, port=None,
                 direct_tls=False, verbose=False, ca_file=None):
        """`account register` for USER on the fixture; returns the result."""
        pwfile = os.path.join(cli.profile, "pw-%s" % uuid.uuid4().hex)
        with open(pwfile, "w") as f:
            f.write(password + "\n")
        os.chmod(pwfile, 0o600)
        if port is None:
            port = (self.server.direct_tls_port if direct_tls
                    else self.server.c2s_port)
        args = ["account", "register", self.server.jid(user),
                "--password-file", pwfile, "--host", "127.0.0.1",
                "--port", port, "--ca-file", ca_file or self.server.ca_file,
                *extra]
        if direct_tls:
            args.append("--direct-tls")
        try:
            return cli.run(*args, verbose=verbose)
        finally:
            os.unlink(pwfile)

    def accounts(self, cli):
        result = cli.run("account", "list")
        self.assertSucceeded(result)
        return result.stdout.split()

    def test_register_then_log_in_and_send(self):
        carol = self.new_cli()
        mark = self.log_mark()
        result = self.register(carol, "carol", "carol-new-secret")
        self.assertSucceeded(result)
        self.assertEqual(result.stdout, "")
        self.assertEqual(self.accounts(carol), ["carol@localhost"])
        self.assertIn("User account created: carol@localhost",
                      self.log_since(mark))

        # The new account logs in (SCRAM with the new password) and talks.
        bob = self.listen(self.cli("bob", resource="listen"))
        bob.wait_online()
        self.assertSucceeded(carol.run("send", "bob@localhost",
                                       "hello from a new account"))
        bob.wait_for(is_message("hello from a new account",
                                "carol@localhost"))

    def test_register_over_direct_tls(self):
        dave = self.new_cli()
        self.assertSucceeded(self.register(dave, "dave", "dave-secret",
                                           direct_tls=True))
        self.assertSucceeded(dave.run("ping"))

    def test_taken_name_exits_7_with_readable_message(self):
        cli = self.new_cli()
        result = self.register(cli, "bob", "not-bobs-password")
        self.assertEqual(result.returncode, EXIT_SERVER, result)
        self.assertFailedWith(result, r"^petrel-cli: server: That user name "
                                      r"is taken$")
        # Nothing is added to the profile for an account that is not ours.
        self.assertEqual(self.accounts(cli), [])
        # And bob's password did not change.
        self.assertSucceeded(self.cli("bob").run("ping"))

    def test_untrusted_certificate_sends_nothing(self):
        # SECURITY.md: the certificate is checked before any registration
        # request; a CA that did not sign it means stop, exit 4.
        cli = self.new_cli()
        other_ca, _ = make_ca(cli.profile, name="other", cn="Other CA")
        mark = self.log_mark()
        result = self.register(cli, "ivan", "ivan-secret", ca_file=other_ca)
        self.assertEqual(result.returncode, EXIT_TLS, result)
        self.assertFailedWith(result, r"^petrel-cli: tls: ")
        self.assertNotIn("jabber:iq:register", self.log_since(mark))
        self.assertEqual(self.accounts(cli), [])

    def test_no_password_in_verbose_log(self):
        cli = self.new_cli()
        secret = "erin-<&>-secret'\""
        result = self.register(cli, "erin", secret, verbose=True)
        self.assertSucceeded(result)
        self.assertIn("jabber:iq:register", result.stderr)
        self.assertNotIn("erin-", result.stderr)
        self.assertNotIn("&lt;&amp;&gt;", result.stderr)
        # No SASL before registering: the account did not exist yet.
        self.assertNotIn("<auth", result.stderr)

    def test_field_not_asked_for_is_a_usage_error(self):
        cli = self.new_cli()
        result = self.register(cli, "frank", "frank-secret",
                               "--field", "x-favourite-colour=blue")
        self.assertEqual(result.returncode, EXIT_USAGE, result)
        self.assertFailedWith(result, r"does not ask for .x-favourite-colour.")
        self.assertEqual(self.accounts(cli), [])

    def test_account_already_in_profile_is_not_registered_again(self):
        cli = self.new_cli()
        self.assertSucceeded(self.register(cli, "grace", "grace-secret"))
        mark = self.log_mark()
        result = self.register(cli, "grace", "grace-secret")
        self.assertEqual(result.returncode, EXIT_USAGE, result)
        self.assertFailedWith(result, r"already has the account "
                                      r"grace@localhost")
        self.assertNotIn("jabber:iq:register", self.log_since(mark))


class RegistrationDisabledTest(ServerTestCase):
    """The fixture's default: allow_registration = false."""

    users = {"bob": "bob-secret-2"}

    def test_server_without_registration_exits_7(self):
        cli = PetrelCli(self.server)
        pwfile = os.path.join(cli.profile, "pw")
        with open(pwfile, "w") as f:
            f.write("heidi-secret\n")
        result = cli.run("account", "register", "heidi@localhost",
                         "--password-file", pwfile, "--host", "127.0.0.1",
                         "--port", self.server.c2s_port,
                         "--ca-file", self.server.ca_file)
        self.assertEqual(result.returncode, EXIT_SERVER, result)
        self.assertFailedWith(result, r"^petrel-cli: server: The server does "
                                      r"not offer account registration")
        self.assertEqual(cli.run("account", "list").stdout, "")


if __name__ == "__main__":
    run_tests()
