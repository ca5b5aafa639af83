# SPDX-License-Identifier: GPL-3.0-or-later
"""XEP-0156 discovery over HTTPS against the fixture's host-meta server.

The probe (tests/http/discovery-probe.c, PETREL_DISCOVERY_PROBE) runs
Petrel's lookup with every connection sent to the host-meta server; the
endpoints it finds are then used by petrel-cli to log in to Prosody over
WebSocket and over BOSH.
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from prosody_fixture import (HostMetaServer, ServerTestCase,  # noqa: E402
                             make_ca, run_tests)

# Error codes the probe prints (domain quark name, code).
NOT_FOUND = "http-discovery-error-quark:0"
MALFORMED = "http-discovery-error-quark:1"
TOO_LARGE = "http-discovery-error-quark:2"
REDIRECT = "http-discovery-error-quark:3"
TIMEOUT = "http-discovery-error-quark:4"

WS_REL = HostMetaServer.WEBSOCKET_REL
BOSH_REL = HostMetaServer.BOSH_REL


def probe_path():
    path = os.environ.get("PETREL_DISCOVERY_PROBE")
    if not path:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.normpath(os.path.join(here, "..", "..", "build",
                                             "tests", "http",
                                             "discovery-probe"))
    return path


class DiscoveryTest(ServerTestCase):

    server_options = {"host_meta": True}

    def setUp(self):
        self.host_meta = self.server.host_meta
        self.host_meta.reset()

    def probe(self, domain=None, ca_file=None):
        p = subprocess.run(
            [probe_path(), domain or self.server.domain,
             str(self.host_meta.port), ca_file or self.server.ca_file],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def assertLookupError(self, result, code):
        self.assertIn("error", result, result)
        self.assertEqual(result["error"], code, result)

    # -- found -----------------------------------------------------------------

    def test_discovers_both_endpoints_from_json(self):
        found = self.probe()
        self.assertEqual(found, {"websocket": self.server.websocket_url(),
                                 "bosh": self.server.bosh_url()})
        self.assertEqual(self.host_meta.requested_paths(),
                         [HostMetaServer.JSON_PATH])
        # The Host header names the JID's domain.  (SNI is the loopback
        # address here: the test hook's connectable, not the URL, names
        # the TLS peer; the certificate is still checked for the domain.)
        self.assertEqual(self.host_meta.requests[0][2].get("Host"),
                         "localhost")

    def test_falls_back_to_xrd(self):
        self.host_meta.override(HostMetaServer.JSON_PATH, "{not json",
                                content_type="application/json")
        found = self.probe()
        self.assertEqual(found["websocket"], self.server.websocket_url())
        self.assertEqual(found["bosh"], self.server.bosh_url())
        self.assertEqual(self.host_meta.requested_paths(),
                         [HostMetaServer.JSON_PATH, HostMetaServer.XRD_PATH])

    def test_login_over_discovered_endpoints(self):
        found = self.probe()
        for kind in ("websocket", "bosh"):
            with self.subTest(kind=kind):
                cli = self.cli("alice", transport=kind,
                               **{kind: found[kind]})
                mark = self.log_mark()
                self.assertSucceeded(cli.run("ping"))
                path = ("/xmpp-websocket" if kind == "websocket"
                        else "/http-bind")
                self.assertIn(path, self.log_since(mark))

    # -- refused ---------------------------------------------------------------

    def test_insecure_links_are_ignored(self):
        self.host_meta.set_links([
            (WS_REL, "ws://localhost:%d/xmpp-websocket"
             % self.server.https_port),
            (BOSH_REL, "http://localhost:%d/http-bind"
             % self.server.https_port)])
        self.assertLookupError(self.probe(), NOT_FOUND)

        self.host_meta.set_links([
            (BOSH_REL, "http://localhost/insecure"),
            (BOSH_REL, self.server.bosh_url())])
        found = self.probe()
        self.assertEqual(found, {"websocket": None,
                                 "bosh": self.server.bosh_url()})

    def test_huge_document_is_refused(self):
        for path in (HostMetaServer.JSON_PATH, HostMetaServer.XRD_PATH):
            self.host_meta.serve_huge(path, 1024 * 1024)
        self.assertLookupError(self.probe(), TOO_LARGE)

    def test_hostile_xml_is_refused(self):
        self.host_meta.override(HostMetaServer.JSON_PATH, "", status=404)
        self.host_meta.override(
            HostMetaServer.XRD_PATH,
            "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]>"
            "<XRD xmlns='%s'><Link rel='%s' href='&a;'/></XRD>"
            % (HostMetaServer.XRD_NS, WS_REL))
        self.assertLookupError(self.probe(), MALFORMED)

    def test_redirects_off_the_domain_are_refused(self):
        self.host_meta.override(HostMetaServer.JSON_PATH, "", status=404)
        for target in ("http://localhost/.well-known/host-meta",
                       "https://evil.example/.well-known/host-meta"):
            with self.subTest(target=target):
                self.host_meta.serve_redirect(HostMetaServer.XRD_PATH, target)
                self.assertLookupError(self.probe(), REDIRECT)

    def test_stalling_server_times_out(self):
        self.host_meta.serve_stall(HostMetaServer.JSON_PATH, 6)
        self.assertLookupError(self.probe(), TIMEOUT)

    def test_certificate_must_name_the_jid_domain(self):
        # The fixture's certificate names localhost only.
        result = self.probe(domain="example.test")
        self.assertLookupError(result, "xmpp-stream-error-quark:3")
        self.assertRegex(result["message"], "(?i)certificate")
        self.assertEqual(self.host_meta.requests, [])

    def test_untrusted_certificate_is_refused(self):
        d = tempfile.mkdtemp(prefix="petrel-ca-")
        other_ca, _key = make_ca(d, cn="Unrelated CA")
        result = self.probe(ca_file=other_ca)
        self.assertLookupError(result, "xmpp-stream-error-quark:3")
        self.assertEqual(self.host_meta.requests, [])


if __name__ == "__main__":
    run_tests()
