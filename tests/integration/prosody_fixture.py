# SPDX-License-Identifier: GPL-3.0-or-later
"""A real Prosody server for integration tests.

The fixture creates a private CA and a server certificate, writes a config
with free loopback ports and a temporary data dir, starts Prosody in the
foreground, registers users and stops it afterwards:

    with ProsodyServer(users={"alice": "pw-a", "bob": "pw-b"}) as server:
        server.c2s_port, server.direct_tls_port, server.ca_file, ...

Accounts and rosters are written straight into Prosody's data dir in its own
storage format (Lua tables; SCRAM keys computed here exactly as
mod_auth_internal_hashed does), which takes milliseconds where
`prosodyctl register` takes a fresh Lua process per user.  Rosters must be
written before the server starts, because Prosody caches them.

The module also carries the helpers the tests share: `make_ca` for an
unrelated second CA, `free_port`, and `PetrelCli`, a thin runner for
petrel-cli with its own profile dir.

Only the Python standard library and the `openssl`/`prosody` programs are
used; run it with /usr/bin/python3 (Debian's slixmpp lives there).
"""

import atexit
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

# PETREL_PROSODY names another prosody binary (or a missing one, to check
# that the tests skip).
PROSODY = (os.environ.get("PETREL_PROSODY") or shutil.which("prosody")
           or "/usr/bin/prosody")
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"

# The exit code meson (and automake) read as "skipped".
SKIP_EXIT_CODE = 77

# ProsodyServer(**DELIVERY_OPTIONS): what the delivery tests need on top of
# the default modules (smacks, carbons and csi_simple are always on): MAM
# archiving every 1:1 message forever, and cut XEP-0198 sessions resumable
# for a minute.
DELIVERY_OPTIONS = {"mam": True, "smacks_hibernation_time": 60}

# Directories are removed at exit even when a test dies before __exit__.
_live_servers = set()


def prosody_available():
    return os.access(PROSODY, os.X_OK)


def skip_unless_prosody():
    """Exit with the skip code when Prosody is not installed."""
    if not prosody_available():
        print("SKIP: prosody is not installed", file=sys.stderr)
        sys.exit(SKIP_EXIT_CODE)


def free_port(host="127.0.0.1"):
    """A port the kernel just handed out on HOST, closed again.

    Another process could take it before Prosody binds it; ProsodyServer
    notices and retries with fresh ports.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def closed_port(host="127.0.0.1"):
    """A loopback port with nothing listening: connecting is refused."""
    return free_port(host)


# ---------------------------------------------------------------------------
# Certificates

def _openssl(*args, cwd=None):
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_ca(directory, name="ca", cn="Petrel Test CA"):
    """Create a self-signed EC P-256 CA in DIRECTORY.

    Returns (cert_path, key_path).
    """
    cert = os.path.join(directory, name + ".pem")
    key = os.path.join(directory, name + ".key")
    _openssl("req", "-x509", "-newkey", "ec",
             "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key, "-out", cert, "-days", "30",
             "-subj", "/CN=" + cn,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return cert, key


def make_server_cert(directory, ca_cert, ca_key, domains, name="server"):
    """Issue a server certificate for DOMAINS (SAN DNS entries) from the CA.

    Returns (cert_path, key_path).
    """
    cert = os.path.join(directory, name + ".crt")
    key = os.path.join(directory, name + ".key")
    csr = os.path.join(directory, name + ".csr")
    ext = os.path.join(directory, name + ".ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=" + ",".join("DNS:" + d for d in domains) + "\n")
    _openssl("req", "-new", "-newkey", "ec",
             "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key, "-out", csr, "-subj", "/CN=" + domains[0])
    _openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
             "-CAcreateserial", "-out", cert, "-days", "30", "-extfile", ext)
    return cert, key


# ---------------------------------------------------------------------------
# Prosody's storage format (util/datamanager.lua, util/serialization.lua)

def _lua_string(s):
    if isinstance(s, str):
        s = s.encode("utf-8")
    out = ['"']
    for b in s:
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F:
            out.append(c)
        else:
            # Decimal escapes keep the file ASCII whatever the bytes are.
            out.append("\\%03d" % b)
    out.append('"')
    return "".join(out)


def lua_value(v):
    """Serialise a Python value as a Lua literal Prosody's loader accepts."""
    if v is None:
        return "nil"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (str, bytes)):
        return _lua_string(v)
    if isinstance(v, dict):
        parts = []
        for k, val in v.items():
            parts.append("[%s] = %s;" % (lua_value(k), lua_value(val)))
        return "{ " + " ".join(parts) + " }"
    if isinstance(v, (list, tuple)):
        return "{ " + " ".join(lua_value(x) + ";" for x in v) + " }"
    raise TypeError("cannot serialise %r" % (v,))


def _path_encode(s):
    # datamanager's encode(): every non-alphanumeric byte becomes %xx.
    return "".join(c if c.isascii() and c.isalnum() else
                   "".join("%%%02x" % b for b in c.encode("utf-8"))
                   for c in s)


def scram_credentials(password, hash_name="SHA-1", iterations=10000):
    """The account record mod_auth_internal_hashed stores for PASSWORD."""
    algo = {"SHA-1": "sha1", "SHA-256": "sha256"}[hash_name]
    salt = str(uuid.uuid4())
    salted = hashlib.pbkdf2_hmac(algo, password.encode("utf-8"),
                                 salt.encode("ascii"), iterations)
    client_key = hmac.new(salted, b"Client Key", algo).digest()
    stored_key = hashlib.new(algo, client_key).hexdigest()
    server_key = hmac.new(salted, b"Server Key", algo).hexdigest()
    return {"stored_key": stored_key, "server_key": server_key,
            "salt": salt, "iteration_count": iterations}


def roster_item(jid, name=None, groups=(), subscription="both", ask=None):
    """One contact for ProsodyServer(rosters=...)."""
    item = {"jid": jid, "subscription": subscription, "groups": list(groups)}
    if name is not None:
        item["name"] = name
    if ask is not None:
        item["ask"] = ask
    return item


# ---------------------------------------------------------------------------
# The server

class ProsodyError(RuntimeError):
    pass


class ProsodyServer:
    """A private Prosody on loopback.

    users:    {"alice": "password"} on the first domain, or
              {"alice@example.test": "password"} for another domain.
    domains:  VirtualHosts; all of them are in the certificate's SAN.
    modules:  extra modules_enabled entries (DEFAULT_MODULES are always on
              unless named in without_modules).
    without_modules: DEFAULT_MODULES to leave out (e.g. ("smacks",)).
    rosters:  {"alice": [roster_item(...), ...]} written before start.
    config_extra: Lua appended to the global section.
    host_config_extra: Lua appended to every VirtualHost section.
    components: {"muc.localhost": 'component_type'} e.g. "muc".
    http:     give mod_http a free plain-HTTP loopback port.
    web:      XMPP over HTTPS: mod_websocket (RFC 7395) and mod_bosh
              (XEP-0206) on a free loopback HTTPS port with the server
              certificate; see websocket_url, bosh_url and https_port.
    host_meta: also run a HostMetaServer (XEP-0156 host-meta documents
              over HTTPS with the fixture's certificate) pointing at the
              WebSocket and BOSH URLs; implies web.  See self.host_meta.
    bosh_options: extra mod_bosh options, e.g. {"bosh_max_inactivity": 20}.
    cert_domains: SAN names of the one server certificate (default: all
              domains and components); leave one out to test name checks.
    log_level: Prosody's file log level ("debug" shows every stanza).
    mam:      load mod_mam (XEP-0313) with archive_expires_after = "never"
              and default_archive_policy = true: every 1:1 message archived.
    smacks_hibernation_time: seconds a cut XEP-0198 session stays resumable
              (Prosody's default is 600).
    registration: allow in-band registration (XEP-0077): loads mod_register
              with allow_registration = true (loopback is on Prosody's
              registration allowlist, so tests are not throttled).
    keep:     keep the temporary dir after stop (also: PETREL_KEEP_PROSODY=1).
    """

    # Debian's default prosody.cfg.lua, less what would open more doors
    # (register, invites, admin_*) or slow tests down (limits); dialback
    # is for s2s, which is off.
    DEFAULT_MODULES = ("roster", "saslauth", "tls", "disco", "ping",
                       "carbons", "smacks", "blocklist", "bookmarks", "pep",
                       "private", "vcard4", "vcard_legacy", "csi_simple",
                       "time", "uptime", "version", "posix")

    def __init__(self, users=None, domains=("localhost",), modules=(),
                 without_modules=(),
                 rosters=None, config_extra="", host_config_extra="",
                 components=None, http=False, password_hash="SHA-1",
                 log_level="debug", keep=None, start_timeout=15.0,
                 cert_domains=None, mam=False, smacks_hibernation_time=None,
                 registration=False, web=False, host_meta=False,
                 bosh_options=None):
        self.domains = tuple(domains)
        self.domain = self.domains[0]
        self.users = dict(users or {})
        self.modules = tuple(modules)
        self.without_modules = tuple(without_modules)
        self.rosters = dict(rosters or {})
        self.config_extra = config_extra
        self.host_config_extra = host_config_extra
        self.components = dict(components or {})
        self.http = http
        self.password_hash = password_hash
        self.log_level = log_level
        if keep is None:
            keep = os.environ.get("PETREL_KEEP_PROSODY") == "1"
        self.keep = keep
        self.start_timeout = start_timeout
        self.cert_domains = (list(cert_domains) if cert_domains else
                             list(self.domains) + list(self.components))
        self.mam = mam
        self.smacks_hibernation_time = smacks_hibernation_time
        self.registration = registration
        self.web = bool(web or host_meta)
        self.want_host_meta = bool(host_meta)
        self.bosh_options = dict(bosh_options or {})

        self.dir = None
        self.proc = None
        self.c2s_port = None
        self.direct_tls_port = None
        self.http_port = None
        self.https_port = None
        self.host_meta = None
        self.startup_seconds = None

    # -- paths ---------------------------------------------------------------

    @property
    def data_dir(self):
        return os.path.join(self.dir, "data")

    @property
    def log_file(self):
        return os.path.join(self.dir, "prosody.log")

    @property
    def config_file(self):
        return os.path.join(self.dir, "prosody.cfg.lua")

    def jid(self, user):
        return user if "@" in user else "%s@%s" % (user, self.domain)

    # -- XMPP over HTTPS (web=True) -------------------------------------------

    WEBSOCKET_PATH = "/xmpp-websocket"
    BOSH_PATH = "/http-bind"

    def websocket_url(self, domain=None):
        """wss:// URL of mod_websocket: the host name is the XMPP domain
        (what the certificate names), the port is the loopback HTTPS port
        (connect to 127.0.0.1 there)."""
        self._need_web()
        return "wss://%s:%d%s" % (domain or self.domain, self.https_port,
                                  self.WEBSOCKET_PATH)

    def bosh_url(self, domain=None):
        """https:// URL of mod_bosh; see websocket_url()."""
        self._need_web()
        return "https://%s:%d%s" % (domain or self.domain, self.https_port,
                                    self.BOSH_PATH)

    def _need_web(self):
        if not self.web or not self.https_port:
            raise RuntimeError("start ProsodyServer with web=True")

    def log_text(self):
        try:
            with open(self.log_file, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # -- lifecycle -----------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        t0 = time.monotonic()
        self.dir = tempfile.mkdtemp(prefix="petrel-prosody-")
        _live_servers.add(self)
        try:
            os.makedirs(self.data_dir)
            self._make_certs()
            for user, password in self.users.items():
                self.add_user(user, password)
            for user, items in self.rosters.items():
                self.write_roster(user, items)
            last_error = None
            # A port picked by free_port() can be taken before Prosody binds
            # it; then start over with fresh ports.
            for _ in range(3):
                self._pick_ports()
                self._write_config()
                try:
                    self._launch()
                    break
                except ProsodyError as e:
                    last_error = e
                    self._kill()
                    if "Failed to open server port" not in self.log_text():
                        raise
            else:
                raise last_error
            if self.want_host_meta:
                self.host_meta = HostMetaServer(
                    self.cert_file, self.key_file, self.domain,
                    websocket_url=self.websocket_url(),
                    bosh_url=self.bosh_url()).start()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def stop(self):
        if self.host_meta is not None:
            self.host_meta.stop()
            self.host_meta = None
        self._kill()
        _live_servers.discard(self)
        if self.dir and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        elif self.dir:
            print("prosody fixture kept in %s" % self.dir, file=sys.stderr)

    def restart(self, hard=False, down_seconds=0):
        """Stop and start Prosody again on the same ports and data.

        hard: kill -9 instead of SIGTERM (see crash()).  down_seconds:
        how long the ports stay closed in between.
        """
        if hard:
            self.crash()
        else:
            self._kill()
        if down_seconds:
            time.sleep(down_seconds)
        self._launch()

    def crash(self):
        """kill -9 Prosody: no goodbye to clients, sessions not saved.

        What Prosody had written to its data dir stays (internal storage
        writes each change as it happens); start it again with
        restart() or launch().
        """
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def launch(self):
        """Start Prosody again after crash() (same ports, config, data)."""
        if self.proc is None or self.proc.poll() is not None:
            self._launch()

    def _kill(self):
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _pick_ports(self):
        self.c2s_port = free_port()
        self.direct_tls_port = free_port()
        while self.direct_tls_port == self.c2s_port:
            self.direct_tls_port = free_port()
        self.http_port = free_port() if self.http else None
        taken = {self.c2s_port, self.direct_tls_port, self.http_port}
        self.https_port = None
        if self.web:
            self.https_port = free_port()
            while self.https_port in taken:
                self.https_port = free_port()

    def _launch(self):
        with open(self.log_file, "a") as f:
            f.write("-- fixture: launching prosody\n")
        with open(os.path.join(self.dir, "stdout.log"), "ab") as out:
            self.proc = subprocess.Popen(
                [PROSODY, "--config", self.config_file, "-F"],
                cwd=self.dir, stdin=subprocess.DEVNULL, stdout=out,
                # Same process group as the test: meson's kill on timeout
                # (killpg SIGTERM, then SIGKILL) reaches Prosody too.
                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.start_timeout
        ports = [self.c2s_port, self.direct_tls_port]
        if self.http_port:
            ports.append(self.http_port)
        if self.https_port:
            ports.append(self.https_port)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ProsodyError("prosody exited with %d:\n%s"
                                   % (self.proc.returncode, self._tail()))
            log = self.log_text()
            if "Failed to open server port" in log:
                raise ProsodyError("prosody could not bind:\n" + self._tail())
            # Logged once every host is loaded; the ports are listening
            # once the main loop runs, so also wait for them to accept.
            if "Hello and welcome to Prosody" in log.rsplit(
                    "-- fixture: launching prosody", 1)[-1] \
                    and all(self._accepts(p) for p in ports):
                return
            time.sleep(0.02)
        raise ProsodyError("prosody did not start in %.0fs:\n%s"
                           % (self.start_timeout, self._tail()))

    @staticmethod
    def _accepts(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    def _tail(self, n=40):
        text = self.log_text()
        try:
            with open(os.path.join(self.dir, "stdout.log"),
                      errors="replace") as f:
                text += f.read()
        except FileNotFoundError:
            pass
        return "\n".join(text.splitlines()[-n:])

    # -- setup ---------------------------------------------------------------

    def _make_certs(self):
        certs = os.path.join(self.dir, "certs")
        os.makedirs(certs)
        self.ca_file, self.ca_key = make_ca(certs)
        self.cert_file, self.key_file = make_server_cert(
            certs, self.ca_file, self.ca_key, self.cert_domains)

    def _write_config(self):
        q = lua_value
        ssl = "{ certificate = %s; key = %s; }" % (q(self.cert_file),
                                                   q(self.key_file))
        modules = [m for m in self.DEFAULT_MODULES
                   if m not in self.without_modules]
        modules += [m for m in self.modules if m not in modules]
        if self.mam and "mam" not in modules:
            modules.append("mam")
        if self.registration and "register" not in modules:
            modules.append("register")
        web = []
        if self.web:
            for m in ("http", "websocket", "bosh"):
                if m not in modules:
                    modules.append(m)
            # Prosody picks the HTTP host by the Host header; anything
            # else (an IP address) lands on the first domain.
            web += ["http_default_host = %s" % q(self.domain)]
            web += ["%s = %s" % (k, q(v))
                    for k, v in sorted(self.bosh_options.items())]
        delivery = []
        if self.mam:
            delivery += ['archive_expires_after = "never"',
                         "default_archive_policy = true"]
        if self.smacks_hibernation_time is not None:
            delivery.append("smacks_hibernation_time = %d"
                            % self.smacks_hibernation_time)
        lines = [
            "-- Written by tests/integration/prosody_fixture.py",
            # We run as whoever runs the tests, root in CI; mod_posix
            # refuses root without this.
            "run_as_root = true",
            "pidfile = %s" % q(os.path.join(self.dir, "prosody.pid")),
            "data_path = %s" % q(self.data_dir),
            "certificates = %s" % q(os.path.join(self.dir, "certs")),
            "log = { { levels = { min = %s }; to = \"file\"; filename = %s; } }"
            % (q(self.log_level), q(self.log_file)),
            "interfaces = { \"127.0.0.1\" }",
            "local_interfaces = { \"127.0.0.1\" }",
            "c2s_ports = { %d }" % self.c2s_port,
            "c2s_direct_tls_ports = { %d }" % self.direct_tls_port,
            # Nothing may bind a fixed port: s2s is autoloaded, the others
            # bind when a module that needs them loads.
            "s2s_ports = { }",
            "s2s_direct_tls_ports = { }",
            "component_ports = { }",
            "legacy_ssl_ports = { }",
            "proxy65_ports = { }",
            "http_ports = { %s }" % (self.http_port or ""),
            "http_interfaces = { \"127.0.0.1\" }",
            "https_ports = { %s }" % (self.https_port or ""),
            "https_interfaces = { \"127.0.0.1\" }",
            "ssl = %s" % ssl,
            "https_ssl = %s" % ssl,
            "authentication = \"internal_hashed\"",
            "password_hash = %s" % q(self.password_hash),
            "storage = \"internal\"",
            "c2s_require_encryption = true",
            "s2s_require_encryption = true",
            "allow_unencrypted_plain_auth = false",
            "allow_registration = %s" % q(bool(self.registration)),
            "modules_enabled = %s" % q(modules),
            # s2s is autoloaded; without it a remote JID gets a prompt
            # not-allowed error instead of a DNS lookup with no network.
            "modules_disabled = %s" % q(["s2s"] + list(self.without_modules)),
            *delivery,
            *web,
            self.config_extra,
        ]
        for domain in self.domains:
            lines += ["", "VirtualHost %s" % q(domain),
                      "  ssl = %s" % ssl, self.host_config_extra]
        for name, kind in self.components.items():
            lines += ["", "Component %s %s" % (q(name), q(kind)),
                      "  ssl = %s" % ssl]
        with open(self.config_file, "w") as f:
            f.write("\n".join(lines) + "\n")

    def _store_path(self, user, store, ext="dat"):
        node, _, domain = self.jid(user).partition("@")
        d = os.path.join(self.data_dir, _path_encode(domain), store)
        os.makedirs(d, exist_ok=True)
        return os.path.join(d, "%s.%s" % (_path_encode(node.lower()), ext))

    def _write_store(self, user, store, value):
        path = self._store_path(user, store)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("return %s;\n" % lua_value(value))
        os.replace(tmp, path)

    def add_user(self, user, password):
        """Register USER (node or bare JID) with PASSWORD.

        Safe while the server runs: Prosody reads accounts at login.
        """
        self.users[user] = password
        self._write_store(user, "accounts",
                          scram_credentials(password, self.password_hash))

    def write_roster(self, user, items):
        """Replace USER's roster; do it before start(), Prosody caches rosters."""
        roster = {False: {"version": 1, "pending": {}}}
        for it in items:
            entry = {"subscription": it.get("subscription", "both"),
                     "groups": {g: True for g in it.get("groups", ())}}
            if it.get("name") is not None:
                entry["name"] = it["name"]
            if it.get("ask"):
                entry["ask"] = it["ask"]
            roster[it["jid"]] = entry
        self.rosters[user] = list(items)
        self._write_store(user, "roster", roster)

    def prosodyctl(self, *args, check=True):
        """Run prosodyctl against this server's config."""
        return subprocess.run(["prosodyctl", "--config", self.config_file,
                               *args], capture_output=True, text=True,
                              check=check, timeout=60)


# ---------------------------------------------------------------------------
# XEP-0156 host-meta over HTTPS

class HostMetaServer:
    """/.well-known/host-meta (XRD) and host-meta.json over HTTPS.

    A threaded http.server on a free loopback port, with a certificate for
    DOMAIN (the fixture's server certificate, issued by its private CA).
    A client looks up https://DOMAIN/.well-known/host-meta on port 443, so
    a test points that name at 127.0.0.1:self.port by its own means.

    By default both documents list `links` (rel, href): the WebSocket and
    BOSH URLs given.  For negative tests:

        links = [...] / set_links(...)     other links (e.g. ws://, http://)
        override(path, body=..., status=..., content_type=..., headers=...,
                 delay=..., body_delay=..., omit_length=...)
                                           any response for one path
        serve_huge(path, size)             a body of SIZE bytes, no length
        serve_redirect(path, location)     a 302 to LOCATION
        serve_stall(path, seconds)         answer only after SECONDS
        reset()                            back to the default documents

    `requests` records (method, path, headers) of every request and
    `sni_names` the TLS server name of every handshake.
    """

    XRD_NS = "http://docs.oasis-open.org/ns/xri/xrd-1.0"
    WEBSOCKET_REL = "urn:xmpp:alt-connections:websocket"
    BOSH_REL = "urn:xmpp:alt-connections:xbosh"
    XRD_PATH = "/.well-known/host-meta"
    JSON_PATH = "/.well-known/host-meta.json"

    def __init__(self, cert_file, key_file, domain, websocket_url=None,
                 bosh_url=None, host="127.0.0.1"):
        import threading
        self.cert_file = cert_file
        self.key_file = key_file
        self.domain = domain
        self.host = host
        self.default_links = []
        if websocket_url:
            self.default_links.append((self.WEBSOCKET_REL, websocket_url))
        if bosh_url:
            self.default_links.append((self.BOSH_REL, bosh_url))
        self.links = list(self.default_links)
        self.overrides = {}
        self.requests = []
        self.sni_names = []
        self._lock = threading.Lock()
        self._httpd = None
        self._thread = None
        self.port = None

    # -- documents -------------------------------------------------------------

    @classmethod
    def xrd(cls, links):
        """An XRD host-meta document (RFC 6415) listing LINKS."""
        from xml.sax.saxutils import quoteattr
        rows = "".join("  <Link rel=%s href=%s/>\n" % (quoteattr(rel),
                                                       quoteattr(href))
                       for rel, href in links)
        return ("<?xml version='1.0' encoding='utf-8'?>\n"
                "<XRD xmlns=%s>\n%s</XRD>\n" % (quoteattr(cls.XRD_NS), rows))

    @staticmethod
    def json_doc(links):
        """A JSON host-meta document (RFC 6415 appendix A) listing LINKS."""
        return json.dumps({"links": [{"rel": rel, "href": href}
                                     for rel, href in links]})

    def set_links(self, links):
        self.links = list(links)

    def override(self, path, body=b"", status=200, content_type=None,
                 headers=None, delay=0.0, body_delay=0.0, omit_length=False):
        """Answer PATH with exactly this response until reset()."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.overrides[path] = {
            "body": body, "status": status, "content_type": content_type,
            "headers": dict(headers or {}), "delay": delay,
            "body_delay": body_delay, "omit_length": omit_length}

    def serve_huge(self, path, size, content_type="application/xrd+xml"):
        """SIZE bytes of an endless-looking document, without a length."""
        head = self.xrd(self.links).rsplit("</XRD>", 1)[0]
        filler = "<!-- %s -->\n" % ("x" * 1000)
        body = head + filler * (max(0, size - len(head)) // len(filler) + 1)
        self.override(path, body.encode()[:size], content_type=content_type,
                      omit_length=True)

    def serve_redirect(self, path, location, status=302):
        self.override(path, b"", status=status,
                      headers={"Location": location})

    def serve_stall(self, path, seconds):
        self.override(path, self._default_body(path)[0], delay=seconds,
                      content_type=self._default_body(path)[1])

    def reset(self):
        self.links = list(self.default_links)
        self.overrides.clear()
        with self._lock:
            self.requests.clear()
            self.sni_names.clear()

    def _default_body(self, path):
        if path == self.JSON_PATH:
            return self.json_doc(self.links).encode(), "application/json"
        if path == self.XRD_PATH:
            return self.xrd(self.links).encode(), "application/xrd+xml"
        return None, None

    def requested_paths(self):
        with self._lock:
            return [path for _method, path, _headers in self.requests]

    # -- server ----------------------------------------------------------------

    @property
    def base_url(self):
        """https://DOMAIN:PORT, the documents' base as seen on loopback."""
        return "https://%s:%d" % (self.domain, self.port)

    def start(self):
        import http.server
        import ssl
        import threading

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert_file, self.key_file)
        owner = self

        def sni(_sock, name, _ctx):
            with owner._lock:
                owner.sni_names.append(name)
        ctx.sni_callback = sni

        class Handler(http.server.BaseHTTPRequestHandler):
            server_version = "PetrelHostMeta/1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                with owner._lock:
                    owner.requests.append(("GET", path, dict(self.headers)))
                spec = owner.overrides.get(path)
                if spec is None:
                    body, ctype = owner._default_body(path)
                    if body is None:
                        spec = {"body": b"not found", "status": 404,
                                "content_type": "text/plain"}
                    else:
                        spec = {"body": body, "status": 200,
                                "content_type": ctype}
                if spec.get("delay"):
                    time.sleep(spec["delay"])
                try:
                    self.send_response(spec["status"])
                    if spec.get("content_type"):
                        self.send_header("Content-Type", spec["content_type"])
                    for k, v in spec.get("headers", {}).items():
                        self.send_header(k, v)
                    if not spec.get("omit_length"):
                        self.send_header("Content-Length",
                                         str(len(spec["body"])))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    body = spec["body"]
                    if spec.get("body_delay"):
                        for i in range(0, len(body), 64):
                            self.wfile.write(body[i:i + 64])
                            self.wfile.flush()
                            time.sleep(spec["body_delay"])
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                    pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def finish_request(self, request, client_address):
                # The TLS handshake runs in the request's own thread, so
                # one stalled client cannot hold up the others.
                request.settimeout(30)
                try:
                    tls = ctx.wrap_socket(request, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                try:
                    super().finish_request(tls, client_address)
                finally:
                    try:
                        tls.close()
                    except OSError:
                        pass

            def handle_error(self, request, client_address):
                pass

        self._httpd = Server((self.host, 0), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


@atexit.register
def _stop_all():
    for server in list(_live_servers):
        server.stop()


def _exit_on_sigterm(signum, frame):
    # meson sends SIGTERM on timeout: exit through SystemExit so that
    # context managers and the atexit hook stop servers and remove dirs.
    sys.exit(128 + signum)


if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
    try:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    except ValueError:  # imported from a thread other than the main one
        pass


# ---------------------------------------------------------------------------
# petrel-cli

class CliResult:
    def __init__(self, args, returncode, stdout, stderr):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    def json_lines(self):
        return [json.loads(line) for line in self.stdout.splitlines()
                if line.strip()]

    def __repr__(self):
        return ("<petrel-cli %s → %d\nstdout: %s\nstderr: %s>"
                % (" ".join(self.args), self.returncode,
                   self.stdout[-2000:], self.stderr[-4000:]))


def petrel_cli_path():
    path = os.environ.get("PETREL_CLI")
    if path:
        return path
    here = os.path.dirname(os.path.abspath(__file__))
    guess = os.path.join(here, "..", "..", "build", "app", "cli", "petrel-cli")
    return os.path.normpath(guess)


class PetrelCli:
    """petrel-cli with a private profile dir (removed with the fixture)."""

    def __init__(self, server=None, binary=None, profile=None):
        self.binary = binary or petrel_cli_path()
        self.server = server
        self._own_profile = profile is None
        self.profile = profile or tempfile.mkdtemp(prefix="petrel-profile-")
        if self._own_profile:
            atexit.register(shutil.rmtree, self.profile, True)

    def env(self):
        env = dict(os.environ)
        env["PETREL_PROFILE"] = self.profile
        env.setdefault("G_DEBUG", "gc-friendly,fatal-warnings")
        env.setdefault("LC_ALL", "C.UTF-8")
        return env

    def argv(self, *args, account=None, verbose=False):
        argv = [self.binary, "--profile", self.profile]
        if account:
            argv += ["--account", account]
        if verbose:
            argv.append("--verbose")
        return argv + [str(a) for a in args]

    def run(self, *args, account=None, verbose=False, input=None, timeout=30):
        """Run petrel-cli to completion.

        A run that outlives TIMEOUT is killed and reported as exit code
        None with what it had printed, so the test fails readably.
        """
        argv = self.argv(*args, account=account, verbose=verbose)
        try:
            p = subprocess.run(argv, input=input, capture_output=True,
                               text=True, env=self.env(), timeout=timeout)
        except subprocess.TimeoutExpired as e:
            def text(b):
                if isinstance(b, bytes):
                    return b.decode("utf-8", "replace")
                return b or ""
            return CliResult(argv[1:], None, text(e.stdout),
                             text(e.stderr) + "\n[killed after %ss]" % timeout)
        return CliResult(argv[1:], p.returncode, p.stdout, p.stderr)

    def popen(self, *args, account=None, verbose=False, **kw):
        argv = self.argv(*args, account=account, verbose=verbose)
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        kw.setdefault("text", True)
        return subprocess.Popen(argv, env=self.env(), **kw)

    def add_account(self, user, password=None, direct_tls=False,
                    ca_file=None, port=None, host="127.0.0.1",
                    resource=None, websocket=None, bosh=None,
                    transport=None, insecure_loopback=False):
        """`account add` for USER on self.server with the fixture CA.

        websocket/bosh: a wss:// or https:// URL (server.websocket_url(),
        server.bosh_url()); transport: `--transport` (e.g. "websocket").
        """
        server = self.server
        jid = server.jid(user) if server else user
        if password is None:
            password = server.users[user]
        pwfile = os.path.join(self.profile, "pw-%s" % uuid.uuid4().hex)
        with open(pwfile, "w") as f:
            f.write(password + "\n")
        os.chmod(pwfile, 0o600)
        if port is None:
            port = server.direct_tls_port if direct_tls else server.c2s_port
        args = ["account", "add", jid, "--password-file", pwfile,
                "--host", host, "--port", port,
                "--ca-file", ca_file or server.ca_file]
        if direct_tls:
            args.append("--direct-tls")
        if resource:
            args += ["--resource", resource]
        if websocket:
            args += ["--websocket", websocket]
        if bosh:
            args += ["--bosh", bosh]
        if insecure_loopback:
            args.append("--insecure-loopback")
        if transport:
            args += ["--transport", transport]
        result = self.run(*args)
        os.unlink(pwfile)
        if result.returncode != 0:
            raise AssertionError("account add failed: %r" % result)
        return jid


class Listener:
    """`petrel-cli listen --json` in the background, read line by line."""

    def __init__(self, cli, account=None, seconds=None, verbose=False):
        import queue
        import threading
        args = ["listen", "--json"]
        if seconds is not None:
            args += ["--for", seconds]
        self.proc = cli.popen(*args, account=account, verbose=verbose)
        self.events = queue.Queue()
        self.seen = []
        self.stderr_lines = []

        def pump_out():
            for line in self.proc.stdout:
                if line.strip():
                    try:
                        self.events.put(json.loads(line))
                    except ValueError:
                        self.events.put({"event": "<not json>",
                                         "line": line})
            self.events.put(None)

        def pump_err():
            for line in self.proc.stderr:
                self.stderr_lines.append(line)

        self._threads = [threading.Thread(target=pump_out, daemon=True),
                         threading.Thread(target=pump_err, daemon=True)]
        for t in self._threads:
            t.start()

    def wait_for(self, predicate, timeout=20):
        """The first event matching PREDICATE, or AssertionError."""
        import queue
        for e in self.seen:
            if predicate(e):
                return e
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                e = self.events.get(timeout=left)
            except queue.Empty:
                break
            if e is None:
                break
            self.seen.append(e)
            if predicate(e):
                return e
        raise AssertionError("no matching event; seen %r; exit %r; stderr:\n%s"
                             % (self.seen, self.proc.poll(),
                                "".join(self.stderr_lines)[-4000:]))

    def wait_online(self, timeout=20):
        return self.wait_for(lambda e: e.get("event") == "online", timeout)

    def stop(self):
        """SIGTERM (SIGKILL after 10 s); returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for t in self._threads:
            t.join(timeout=5)
        for f in (self.proc.stdout, self.proc.stderr):
            f.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


if __name__ == "__main__":
    # Manual use: start a server and keep it up until Ctrl-C.
    skip_unless_prosody()
    with ProsodyServer(users={"alice": "alice-pw", "bob": "bob-pw"},
                       keep=True, host_meta=True) as s:
        print("prosody up in %.2fs" % s.startup_seconds)
        print("dir             %s" % s.dir)
        print("c2s (STARTTLS)  127.0.0.1:%d" % s.c2s_port)
        print("direct TLS      127.0.0.1:%d" % s.direct_tls_port)
        print("CA              %s" % s.ca_file)
        print("WebSocket       %s (at 127.0.0.1)" % s.websocket_url())
        print("BOSH            %s (at 127.0.0.1)" % s.bosh_url())
        print("host-meta       %s/.well-known/host-meta (at 127.0.0.1)"
              % s.host_meta.base_url)
        print("users           alice/alice-pw bob/bob-pw")
        try:
            while s.proc.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass


# ---------------------------------------------------------------------------
# A third-party peer: python3-slixmpp in a thread of its own

class SlixPeer:
    """A slixmpp client logged in to the fixture, driven from test code.

    Received messages land in `messages` (a queue of slixmpp Message
    stanzas); `reply_with(msg) -> text` makes it answer every chat message
    itself, to the sender's full JID or, with reply_to_bare, its bare JID.
    """

    def __init__(self, server, user, resource="slix", direct_tls=False,
                 reply_with=None, reply_to_bare=False, port_override=None,
                 timeout=20):
        import queue
        import threading
        self.server = server
        self.jid = "%s/%s" % (server.jid(user), resource)
        self.password = server.users[user]
        self.direct_tls = direct_tls
        self.reply_with = reply_with
        self.reply_to_bare = reply_to_bare
        self.port_override = port_override  # e.g. a proxy in front
        self.messages = queue.Queue()
        self.presences = queue.Queue()
        self._ready = threading.Event()
        self._failed = None
        self._loop = None
        self.xmpp = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise AssertionError("slixmpp peer did not log in in %ss" % timeout)
        if self._failed:
            raise AssertionError("slixmpp peer failed: %s" % self._failed)

    def _run(self):
        try:
            self._run_loop()
        except BaseException as e:  # noqa: BLE001 - reported to the test
            self._failed = repr(e)
            self._ready.set()

    def _run_loop(self):
        import asyncio
        import logging

        # Set before the import, which already warns about stringprep.
        logging.getLogger("slixmpp").setLevel(
            logging.DEBUG if os.environ.get("PETREL_SLIX_DEBUG") else
            logging.CRITICAL)
        import slixmpp

        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        xmpp = slixmpp.ClientXMPP(self.jid, self.password)
        xmpp.loop = self._loop
        xmpp.ca_certs = self.server.ca_file
        port = self.port_override or (self.server.direct_tls_port
                                      if self.direct_tls
                                      else self.server.c2s_port)
        # slixmpp resolves the JID's domain with its default port and
        # ignores the port given to connect(); point both at the fixture.
        xmpp.default_port = port
        xmpp.use_ipv6 = False
        # Connecting to an IP leaves slixmpp's default_domain empty, which
        # means no SNI and no name check; give it the JID's domain.
        xmpp.default_domain = xmpp.boundjid.domain
        xmpp.register_plugin("xep_0030")
        xmpp.register_plugin("xep_0199")
        self.xmpp = xmpp

        async def session_start(_event):
            xmpp.send_presence()
            try:
                await xmpp.get_roster(timeout=10)
            except Exception as e:  # noqa: BLE001 - report any failure
                self._failed = "roster: %r" % (e,)
            self._ready.set()

        def message(msg):
            self.messages.put(msg)
            if self.reply_with and msg["type"] in ("chat", "normal") \
                    and msg["body"]:
                to = msg["from"].bare if self.reply_to_bare else msg["from"]
                xmpp.send_message(mto=to, mbody=self.reply_with(msg),
                                  mtype=msg["type"])

        def fail(reason):
            self._failed = repr(reason)
            self._ready.set()

        xmpp.add_event_handler("session_start", session_start)
        xmpp.add_event_handler("message", message)
        xmpp.add_event_handler("presence", self.presences.put)
        xmpp.add_event_handler("failed_auth", fail)
        xmpp.add_event_handler("connection_failed", fail)
        xmpp.connect(("127.0.0.1", port), use_ssl=self.direct_tls,
                     force_starttls=not self.direct_tls)
        self._loop.run_forever()
        # slixmpp leaves its filter task pending; end it before closing.
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(
            asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    def call(self, fn, *args):
        """Run FN(*ARGS) on the peer's loop and return its result."""
        import concurrent.futures
        fut = concurrent.futures.Future()

        def go():
            try:
                fut.set_result(fn(*args))
            except BaseException as e:  # noqa: BLE001 - hand it over
                fut.set_exception(e)
        self._loop.call_soon_threadsafe(go)
        return fut.result(timeout=10)

    def send_message(self, to, body, mtype="chat"):
        self.call(lambda: self.xmpp.send_message(mto=to, mbody=body,
                                                 mtype=mtype))

    def wait_message(self, predicate=lambda m: True, timeout=20):
        import queue
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("slixmpp peer got no matching message")
            try:
                msg = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if predicate(msg):
                return msg

    def close(self):
        if self._loop is None or self._loop.is_closed():
            return
        import asyncio

        async def bye():
            try:
                await asyncio.wait_for(
                    self.xmpp.disconnect(wait=1.0), timeout=3)
            except Exception:  # noqa: BLE001 - closing anyway
                pass
            self._loop.stop()
        try:
            asyncio.run_coroutine_threadsafe(bye(), self._loop)
        except RuntimeError:
            return
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


# ---------------------------------------------------------------------------
# unittest glue

class ServerTestCase(unittest.TestCase):
    """One Prosody per test class, with `users` registered on it."""

    users = {"alice": "alice-secret-1", "bob": "bob-secret-2"}
    server_options = {}

    @classmethod
    def setUpClass(cls):
        cls.server = ProsodyServer(users=dict(cls.users),
                                   **cls.server_options).start()
        cls.addClassCleanup(cls.server.stop)

    def cli(self, user=None, **account_options):
        """A PetrelCli with its own profile; USER's account added if given."""
        cli = PetrelCli(self.server)
        if user is not None:
            cli.add_account(user, **account_options)
        return cli

    def listen(self, cli, **kw):
        listener = Listener(cli, **kw)
        self.addCleanup(listener.stop)
        return listener

    def log_mark(self):
        """Where the server log ends now; see log_since()."""
        return len(self.server.log_text())

    def log_since(self, mark):
        return self.server.log_text()[mark:]

    def assertSucceeded(self, result):
        self.assertEqual(result.returncode, 0,
                         "%r\n--- prosody log tail ---\n%s"
                         % (result, self.server._tail(30)))

    def assertFailedWith(self, result, pattern):
        """Non-zero exit and a single stderr line matching PATTERN."""
        import re
        self.assertNotEqual(result.returncode, 0, repr(result))
        self.assertEqual(result.stdout, "", "stdout must stay empty on "
                         "failure: %r" % result)
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1,
                         "want one error line on stderr: %r" % result)
        self.assertRegex(lines[0], re.compile(pattern, re.I))
        return lines[0]


def run_tests():
    """unittest.main() for an integration test file, with meson's skip code."""
    skip_unless_prosody()
    cli = petrel_cli_path()
    if not os.access(cli, os.X_OK):
        print("petrel-cli not found at %s (set PETREL_CLI)" % cli,
              file=sys.stderr)
        sys.exit(1)
    unittest.main(verbosity=2)
