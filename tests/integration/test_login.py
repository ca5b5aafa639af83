# SPDX-License-Identifier: GPL-3.0-or-later
"""Logging in to a real Prosody: STARTTLS, direct TLS and every way to fail.

A failed login must end with one clear line on stderr naming the cause, and
must never try again with a weaker mechanism: the server's own log is the
witness for what was sent, next to petrel-cli's --verbose transcript.
"""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from prosody_fixture import (  # noqa: E402
    ServerTestCase, closed_port, make_ca, run_tests)

# What Prosody logs (at debug level) for each SASL <auth/> it receives.
SERVER_AUTH = re.compile(r"Received\[c2s_unauthed\]: <auth\b[^>]*>")
# base64("n,,n=") begins every SCRAM client-first message without
# channel binding; seeing it means the SASL payload was logged.
SCRAM_CLIENT_FIRST_B64 = "biwsbj1"


def client_auths(transcript):
    """The <auth …> start tags petrel-cli logged as sent."""
    return re.findall(r"<auth\b[^>]*>", transcript)


class LoginTest(ServerTestCase):

    def test_starttls_login(self):
        cli = self.cli("alice")
        self.assertSucceeded(cli.run("ping"))

    def test_direct_tls_login(self):
        cli = self.cli("alice", direct_tls=True)
        mark = self.log_mark()
        self.assertSucceeded(cli.run("ping"))
        log = self.log_since(mark)
        self.assertIn("Authenticated as alice@localhost", log)
        # Direct TLS means no STARTTLS round on the server side.
        self.assertNotIn("<starttls", log)

    def test_login_uses_scram_not_plain(self):
        cli = self.cli("alice")
        mark = self.log_mark()
        self.assertSucceeded(cli.run("ping"))
        auths = SERVER_AUTH.findall(self.log_since(mark))
        self.assertEqual(len(auths), 1, auths)
        self.assertRegex(auths[0], r"mechanism=['\"]SCRAM-SHA-")

    def test_wrong_password_fails_once_with_auth_error(self):
        cli = self.cli("alice", password="not-alices-password")
        mark = self.log_mark()
        result = cli.run("ping")
        self.assertFailedWith(result, r"auth|password|not.authori[sz]ed")
        self.assertNotIn("not-alices-password", result.stderr)
        log = self.log_since(mark)
        self.assertEqual(log.count("Client connected"), 1,
                         "a failed login must not reconnect")
        self.assertEqual(len(SERVER_AUTH.findall(log)), 1)
        self.assertNotIn("Authenticated as", log)

    def test_wrong_password_never_falls_back_to_plain(self):
        cli = self.cli("alice", password="not-alices-password")
        mark = self.log_mark()
        result = cli.run("ping", verbose=True)
        self.assertNotEqual(result.returncode, 0, repr(result))
        sent = client_auths(result.stderr)
        self.assertEqual(len(sent), 1, "transcript: %r" % result)
        self.assertNotRegex(sent[0], r"PLAIN")
        received = SERVER_AUTH.findall(self.log_since(mark))
        self.assertEqual(len(received), 1, received)
        self.assertNotRegex(received[0], r"PLAIN")
        # The last stderr line is still the one-line verdict.
        last = result.stderr.strip().splitlines()[-1]
        self.assertRegex(last, re.compile(r"auth|password|not.authori[sz]ed",
                                          re.I))

    def test_verbose_transcript_masks_password_and_sasl(self):
        cli = self.cli("alice")
        result = cli.run("ping", verbose=True)
        self.assertSucceeded(result)
        self.assertIn("<stream:stream", result.stderr)
        self.assertEqual(len(client_auths(result.stderr)), 1, result.stderr)
        self.assertNotIn(self.server.users["alice"], result.stderr)
        self.assertNotIn(SCRAM_CLIENT_FIRST_B64, result.stderr,
                         "SASL payloads must be masked")
        self.assertNotIn("<", result.stdout, "the transcript goes to stderr")

    def test_unknown_user_fails_with_auth_error(self):
        cli = self.cli("mallory@localhost", password="whatever",
                       port=self.server.c2s_port)
        self.assertFailedWith(cli.run("ping"),
                              r"auth|password|not.authori[sz]ed")

    def test_certificate_from_unknown_ca_is_rejected_before_auth(self):
        other = tempfile.mkdtemp(prefix="petrel-other-ca-")
        self.addCleanup(shutil.rmtree, other, True)
        other_ca, _ = make_ca(other, cn="Unrelated CA")
        for direct_tls in (False, True):
            with self.subTest(direct_tls=direct_tls):
                cli = self.cli("alice", direct_tls=direct_tls,
                               ca_file=other_ca)
                mark = self.log_mark()
                result = cli.run("ping", verbose=True)
                self.assertNotEqual(result.returncode, 0, repr(result))
                last = result.stderr.strip().splitlines()[-1]
                self.assertRegex(last, re.compile(r"tls|certificate", re.I))
                self.assertEqual(client_auths(result.stderr), [])
                self.assertEqual(SERVER_AUTH.findall(self.log_since(mark)),
                                 [])
                quiet = cli.run("ping")
                self.assertFailedWith(quiet, r"tls|certificate")

    def test_connection_refused_is_reported(self):
        cli = self.cli("alice", port=closed_port())
        self.assertFailedWith(cli.run("ping"), r"refused")

    def test_account_list_and_remove(self):
        cli = self.cli("alice")
        listed = cli.run("account", "list", "--json")
        self.assertSucceeded(listed)
        self.assertTrue(listed.json_lines(), listed)  # parses as JSON
        self.assertIn("alice@localhost", listed.stdout)
        self.assertNotIn(self.server.users["alice"], listed.stdout)
        self.assertSucceeded(cli.run("account", "remove", "alice@localhost"))
        listed = cli.run("account", "list", "--json")
        self.assertSucceeded(listed)
        self.assertNotIn("alice@localhost", listed.stdout)
        self.assertNotEqual(cli.run("ping").returncode, 0)


class CertificateNameTest(ServerTestCase):
    """A server whose certificate names another domain is not trusted,
    even though the CA is: the attack is a valid certificate for a
    different domain presented by a man in the middle."""

    users = {"eve@other.test": "eve-secret-3"}
    server_options = {"domains": ("localhost", "other.test"),
                      "cert_domains": ("localhost",)}

    def test_certificate_for_other_domain_is_rejected(self):
        for direct_tls in (False, True):
            with self.subTest(direct_tls=direct_tls):
                cli = self.cli("eve@other.test", direct_tls=direct_tls)
                mark = self.log_mark()
                result = cli.run("ping", verbose=True)
                self.assertNotEqual(result.returncode, 0, repr(result))
                last = result.stderr.strip().splitlines()[-1]
                self.assertRegex(last, re.compile(
                    r"tls|certificate|host ?name|identity", re.I))
                self.assertEqual(client_auths(result.stderr), [])
                self.assertEqual(SERVER_AUTH.findall(self.log_since(mark)),
                                 [])


if __name__ == "__main__":
    run_tests()
