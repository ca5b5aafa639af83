# SPDX-License-Identifier: GPL-3.0-or-later
"""A TCP proxy for fault tests: counts bytes, cuts, stalls and refuses.

    with FaultProxy(("127.0.0.1", server.c2s_port)) as proxy:
        # point the client at 127.0.0.1:proxy.port
        proxy.cut()                      # reset every live connection now
        proxy.stall("down")              # stop forwarding server → client
        proxy.unstall()
        proxy.refuse(3)                  # connection refused for 3 seconds
        proxy.reset_new(2)               # accepted, then reset, for 2 seconds
        proxy.drop_link(3)               # cut now and refuse for 3 seconds
        proxy.accept()                   # back to normal after refuse/reset_new
        proxy.cut_every(2.5, jitter=0.5) # and proxy.stop_cutting()
        proxy.totals()                   # (up, down) bytes over all connections
        proxy.connections                # ProxyConnection: up, down, timeline

The proxy runs an asyncio loop in a thread of its own; every method here
may be called from the test's thread.

Seeing the stream.  Between a client and Prosody everything after the
first bytes is TLS, so a proxy that only passes bytes through (the
default) can count, cut and stall but cannot tell a <message> from an
<a/>.  Give it `tls=TlsTermination(cert, key, ca)` and it terminates
direct TLS (XEP-0368) on its own port with the server's certificate, opens
its own direct-TLS connection to the server, and forwards plain XML in
between, split into top-level units: the stream header, each stanza or
nonza (<message/>, <a/>, <r/>, <iq/>, …), whitespace, the stream close.
Rules then act on those units:

    sent = proxy.on("up", stanza("message", b"<body"), "mark")
    proxy.on("down", stanza("a"), "cut_before", after=sent)

cuts the connection just after a chat message went to the server and
before the server's ack of it reaches the client; and

    proxy.on("down", stanza("message", b"<body"), "cut_half")

forwards the first half of the first chat message the server delivers and
then cuts: the client cannot have stored it.  A rule fires on its nth match
(counting from when `after` fired, on the same connection), `times` times
(None: every match), and records what it matched; `rule.wait()` blocks
until it fired.  Actions:

    "mark"        forward, just record
    "cut_before"  cut without forwarding the unit
    "cut_after"   forward the unit, let it reach the kernel, then cut
    "cut_half"    forward the first half of the unit's bytes, then cut
    "drop"        swallow the unit, keep the connection
    "stall"       hold the unit and stall the connection both ways (a link
                  that went silent: the sockets stay open, nothing moves)
    ("reply", b"…")  swallow the unit and answer its sender with these bytes
    callable(unit)   called in a thread of its own, then forward

Cuts reset (RST) both TCP connections by default: the client and the
server learn at once.  cut(mode="fin") closes without RST; side="client"
or "server" cuts one side only and leaves the other open and silent, the
way a dead link looks to the side that did not notice.

In pass-through mode the byte counts are what the client costs on the wire
above TCP (TLS records included); with TLS termination they count the
plain XML.
"""

import asyncio
import random
import re
import socket
import ssl
import struct
import threading
import time

# ---------------------------------------------------------------------------
# Splitting an XMPP stream into top-level units

_TAG = re.compile(rb"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_NAME = re.compile(rb"</?([^\s/>]+)")


class Unit:
    """One piece of the stream as the proxy forwards it.

    kind: "decl" (<?xml?>), "open" (stream header), "close"
    (</stream:stream>), "stanza" (any top-level element: stanza or nonza),
    "ws" (text between them: whitespace keepalives) or "raw" (pass-through
    chunk).  name is the element's qualified name as written ("message",
    "stream:features"), local its local part.
    """

    __slots__ = ("direction", "kind", "name", "data", "conn", "index",
                 "wire")

    def __init__(self, direction, kind, data, name=None, conn=None, index=0,
                 wire=None):
        self.direction = direction
        self.kind = kind
        self.data = bytes(data)
        self.name = name
        self.conn = conn
        self.index = index
        # The bytes forwarded, when they differ from what rules look at
        # (a WebSocket frame around the element in data).
        self.wire = self.data if wire is None else bytes(wire)

    @property
    def local(self):
        if self.name is None:
            return None
        return self.name.rsplit(":", 1)[-1]

    def has(self, needle):
        if isinstance(needle, str):
            needle = needle.encode("utf-8")
        return needle in self.data

    def __repr__(self):
        data = self.data if len(self.data) <= 120 else \
            self.data[:117] + b"..."
        return "<Unit %s %s %s %r>" % (self.direction, self.kind,
                                       self.name or "", data)


class StanzaSplitter:
    """Feeds bytes, returns complete top-level units.

    The XMPP subset only: no comments, CDATA or DTDs (RFC 6120 §11.1).
    Attribute values may hold '>' and are skipped over.
    """

    def __init__(self, direction=None):
        self.direction = direction
        self.buf = bytearray()
        self.depth = 0           # 1 inside the stream, 2+ inside a stanza
        self.start = None        # where the stanza being read starts
        self.name = None
        self.scan = 0            # where to go on reading buf

    def feed(self, data):
        self.buf += data
        units = []
        pos = self.scan
        buf = self.buf
        while pos < len(buf):
            lt = buf.find(b"<", pos)
            if self.start is None:
                # Between units: text up to the next tag is its own unit.
                end = len(buf) if lt < 0 else lt
                if end > pos:
                    units.append(Unit(self.direction, "ws", buf[pos:end]))
                    pos = end
                    continue
            if lt < 0:
                break
            m = _TAG.match(buf, lt)
            if m is None:
                # An incomplete tag: wait for more bytes.  Text inside a
                # stanza before it stays in the stanza.
                if self.start is None:
                    pos = lt
                break
            tag = m.group(0)
            pos = m.end()
            name_m = _NAME.match(tag)
            name = name_m.group(1).decode("utf-8", "replace") \
                if name_m else ""
            local = name.rsplit(":", 1)[-1]
            if tag.startswith(b"<?"):
                if self.start is None:
                    units.append(Unit(self.direction, "decl", tag))
                continue
            if tag.startswith(b"</"):
                if self.depth <= 1 and local == "stream":
                    units.append(Unit(self.direction, "close", tag,
                                      name=name))
                    self.depth = 0
                    self.start = None
                    continue
                self.depth -= 1
                if self.depth <= 1 and self.start is not None:
                    units.append(Unit(self.direction, "stanza",
                                      buf[self.start:pos], name=self.name))
                    self.start = None
                    self.depth = 1
                continue
            empty = tag.endswith(b"/>")
            if self.depth <= 1 and local == "stream" and not empty:
                # A stream header (also the restart after SASL).
                units.append(Unit(self.direction, "open", tag, name=name))
                self.depth = 1
                self.start = None
                continue
            if self.start is None:
                self.start = lt
                self.name = name
                if self.depth < 1:
                    self.depth = 1
                if empty:
                    units.append(Unit(self.direction, "stanza", tag,
                                      name=name))
                    self.start = None
                    continue
            elif empty:
                continue
            self.depth += 1
        if self.start is not None:
            # Keep the stanza being read; rebase its start.
            keep_from = self.start
            self.start = 0
        else:
            keep_from = pos
        self.scan = pos - keep_from
        del self.buf[:keep_from]
        return units


def stanza(name, *needles):
    """A rule predicate: a top-level element NAME (local name; "*" for
    any) whose bytes contain every one of NEEDLES."""
    needles = [n.encode("utf-8") if isinstance(n, str) else n
               for n in needles]

    def match(unit):
        if unit.kind != "stanza":
            return False
        if name != "*" and unit.local != name:
            return False
        return all(n in unit.data for n in needles)
    match.__name__ = "stanza(%s%s)" % (name, "".join(
        ", %r" % n for n in needles))
    return match


def chat_message(*needles):
    """A <message> with a <body> (and NEEDLES)."""
    return stanza("message", b"<body", *needles)


# ---------------------------------------------------------------------------
# Rules

class Rule:
    """See FaultProxy.on()."""

    def __init__(self, direction, match, action, nth=1, times=1,
                 after=None, same_connection=True):
        if direction not in ("up", "down"):
            raise ValueError("direction is 'up' or 'down'")
        if isinstance(match, (bytes, str)):
            needle = match.encode("utf-8") if isinstance(match, str) \
                else match
            match = (lambda needle: lambda u: needle in u.data)(needle)
        self.direction = direction
        self.match = match
        self.action = action
        self.nth = nth
        self.times = times
        self.after = after
        self.same_connection = same_connection
        self.enabled = True
        self.fired_count = 0
        self.units = []          # what it fired on
        self.connections = []    # the connections it fired on
        self._matches = {}       # per connection (or None): matches so far
        self._event = threading.Event()

    @property
    def fired(self):
        return self.fired_count > 0

    def wait(self, timeout=30):
        """True once the rule has fired (False after TIMEOUT seconds)."""
        return self._event.wait(timeout)

    def disable(self):
        self.enabled = False

    def _applies(self, unit):
        """Called for each unit; True when the rule fires on it."""
        if not self.enabled or unit.direction != self.direction:
            return False
        if self.times is not None and self.fired_count >= self.times:
            return False
        if self.after is not None:
            if not self.after.fired:
                return False
            if self.same_connection and \
                    unit.conn not in self.after.connections:
                return False
        if not self.match(unit):
            return False
        key = unit.conn if self.after is not None else None
        n = self._matches.get(key, 0) + 1
        self._matches[key] = n
        if n < self.nth:
            return False
        self._matches[key] = 0
        self.fired_count += 1
        self.units.append(unit)
        self.connections.append(unit.conn)
        self._event.set()
        return True

    def __repr__(self):
        return "<Rule %s %s %r fired %d>" % (
            self.direction, getattr(self.match, "__name__", "?"),
            self.action, self.fired_count)


# ---------------------------------------------------------------------------
# TLS termination

class TlsTermination:
    """Terminate direct TLS with CERT/KEY; connect upstream with direct TLS
    checked against CA for SERVER_NAME."""

    def __init__(self, cert_file, key_file, ca_file, server_name="localhost",
                 alpn=("xmpp-client",)):
        self.server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.server_ctx.load_cert_chain(cert_file, key_file)
        self.client_ctx = ssl.create_default_context(cafile=ca_file)
        if alpn:
            self.server_ctx.set_alpn_protocols(list(alpn))
            self.client_ctx.set_alpn_protocols(list(alpn))
        self.server_name = server_name

    @classmethod
    def for_server(cls, server):
        """With a ProsodyServer's certificate, key and CA."""
        return cls(server.cert_file, server.key_file, server.ca_file,
                   server.domain)


# ---------------------------------------------------------------------------
# Connections

class ProxyConnection:
    """One client connection and its upstream twin."""

    def __init__(self, proxy, number, peer):
        self.proxy = proxy
        self.number = number
        self.peer = peer
        self.started = time.monotonic()
        self.up = 0              # bytes forwarded client → server
        self.down = 0            # bytes forwarded server → client
        self.units = {"up": 0, "down": 0}
        self.timeline = []       # (seconds, up, down) after each write
        self.closed = threading.Event()
        self.cut_reason = None
        self.lock = threading.Lock()
        self.client_writer = None
        self.server_writer = None
        self.flow = {"up": asyncio.Event(), "down": asyncio.Event()}
        for e in self.flow.values():
            e.set()
        self.log = [] if proxy.record else None

    @property
    def total(self):
        return self.up + self.down

    def snapshot(self):
        with self.lock:
            return self.up, self.down

    def _count(self, direction, n):
        with self.lock:
            if direction == "up":
                self.up += n
            else:
                self.down += n
            self.timeline.append((time.monotonic() - self.started,
                                  self.up, self.down))

    def _writer(self, side):
        return self.client_writer if side == "client" else self.server_writer

    def _abort(self, mode="rst", side="both", reason="cut"):
        if self.cut_reason is None:
            self.cut_reason = reason
        sides = ("client", "server") if side == "both" else (side,)
        for s in sides:
            w = self._writer(s)
            if w is None:
                continue
            transport = w.transport
            if mode == "rst":
                sock = transport.get_extra_info("socket")
                if sock is not None:
                    try:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                        struct.pack("ii", 1, 0))
                    except OSError:
                        pass
            transport.abort()
        if side != "both":
            # The other side stays open and hears nothing more.
            for e in self.flow.values():
                e.clear()

    def __repr__(self):
        return "<ProxyConnection #%d up %d down %d%s>" % (
            self.number, self.up, self.down,
            " closed (%s)" % self.cut_reason if self.closed.is_set() else "")


class FaultProxy:
    """See the module docstring.

    target: (host, port) of the server.  tls: a TlsTermination to see the
    XML (the client must then use direct TLS to the proxy).  record: keep
    every unit of every connection in conn.log (memory!).
    """

    def __init__(self, target, listen_host="127.0.0.1", port=0, tls=None,
                 record=False, splitter=None):
        self.target = tuple(target)
        # With tls: makes the splitter of each direction (StanzaSplitter,
        # or one for another framing: its feed(bytes) returns Units).
        self.splitter = splitter or StanzaSplitter
        self.listen_host = listen_host
        self.tls = tls
        self.record = record
        self.connections = []
        self.rules = []
        self.cuts = 0            # connections cut by cut()/cut_every()/rules
        self.refused = 0         # connections refused while refusing
        self.errors = []         # unexpected exceptions in the proxy
        self._stall_new = {"up": False, "down": False}
        self._reset_until = None  # monotonic deadline of reset_new()
        self._tasks = set()       # strong references: no task is collected
        self._server = None
        self._periodic = None
        self._refuse_task = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever,
                                        name="fault-proxy", daemon=True)
        self._thread.start()
        self.port = self._call(self._listen(port))

    # -- thread glue ---------------------------------------------------------

    def _call(self, coro, timeout=30):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(
            timeout)

    def _run(self, fn, *args):
        async def go():
            return fn(*args)
        return self._call(go())

    # -- listening -----------------------------------------------------------

    async def _listen(self, port):
        kw = {}
        if self.tls:
            kw = {"ssl": self.tls.server_ctx, "ssl_handshake_timeout": 20}
        self._server = await asyncio.start_server(
            self._accept, self.listen_host, port, reuse_address=True, **kw)
        return self._server.sockets[0].getsockname()[1]

    async def _close_listener(self):
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _accept(self, client_reader, client_writer):
        me = asyncio.current_task()
        self._tasks.add(me)
        try:
            await self._serve(client_reader, client_writer)
        finally:
            self._tasks.discard(me)

    async def _serve(self, client_reader, client_writer):
        conn = ProxyConnection(self, len(self.connections) + 1,
                               client_writer.get_extra_info("peername"))
        conn.client_writer = client_writer
        for d in ("up", "down"):
            if self._stall_new[d]:
                conn.flow[d].clear()
        self.connections.append(conn)
        if self._reset_until is not None and \
                time.monotonic() < self._reset_until:
            self.refused += 1
            conn._abort("rst", "client", "reset_new")
            conn.closed.set()
            return
        try:
            if self.tls:
                server_reader, server_writer = await asyncio.open_connection(
                    *self.target, ssl=self.tls.client_ctx,
                    server_hostname=self.tls.server_name)
            else:
                server_reader, server_writer = await asyncio.open_connection(
                    *self.target)
        except OSError as e:
            # The server is down: the client sees its connection reset,
            # as if the server itself refused.
            conn.cut_reason = "upstream: %s" % e
            conn._abort("rst", "client", conn.cut_reason)
            conn.closed.set()
            return
        conn.server_writer = server_writer
        for w in (client_writer, server_writer):
            sock = w.get_extra_info("socket")
            if sock is not None:
                try:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                except OSError:
                    pass
        await asyncio.gather(
            self._pump(conn, "up", client_reader, server_writer,
                       client_writer),
            self._pump(conn, "down", server_reader, client_writer,
                       server_writer),
            return_exceptions=True)
        for w in (client_writer, server_writer):
            w.transport.abort() if conn.cut_reason else w.close()
        conn.closed.set()

    async def _pump(self, conn, direction, reader, writer, back_writer):
        splitter = self.splitter(direction) if self.tls else None
        flow = conn.flow[direction]
        try:
            while True:
                await flow.wait()
                try:
                    data = await reader.read(65536)
                except (OSError, ssl.SSLError, asyncio.IncompleteReadError):
                    data = b""
                if not data:
                    break
                if splitter is not None:
                    units = splitter.feed(data)
                else:
                    units = [Unit(direction, "raw", data)]
                for unit in units:
                    unit.conn = conn
                    conn.units[direction] += 1
                    unit.index = conn.units[direction]
                    await flow.wait()
                    if conn.cut_reason is not None:
                        return
                    if not await self._forward(conn, unit, writer,
                                               back_writer):
                        return
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        except Exception as e:  # noqa: BLE001 - reported to the tests
            self.errors.append(repr(e))
        finally:
            if conn.cut_reason is None:
                # An orderly end on one side: close the other after what
                # was already forwarded.
                try:
                    writer.close()
                except Exception:  # noqa: BLE001
                    pass

    async def _write(self, conn, direction, writer, data):
        if not data:
            return
        writer.write(data)
        await writer.drain()
        conn._count(direction, len(data))

    @staticmethod
    async def _flush(writer, timeout=2.0):
        """Wait until what was written has left for the kernel (before a
        cut, which would throw away what is still buffered)."""
        deadline = time.monotonic() + timeout
        while writer.transport.get_write_buffer_size() > 0 and \
                time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        inner = getattr(getattr(writer.transport, "_ssl_protocol", None),
                        "_transport", None)
        while inner is not None and inner.get_write_buffer_size() > 0 and \
                time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.05)

    async def _forward(self, conn, unit, writer, back_writer):
        """Apply the rules to UNIT and forward it; False: connection over."""
        direction = unit.direction
        action = None
        fired = None
        for rule in self.rules:
            if rule._applies(unit):
                fired = rule
                if rule.action != "mark":
                    action = rule.action
                    break
        if conn.log is not None:
            conn.log.append((time.monotonic() - conn.started, unit,
                             fired.action if fired else None))
        if action is None:
            await self._write(conn, direction, writer, unit.wire)
            return True
        reason = "rule %r" % (fired,)
        if callable(action):
            await self._loop.run_in_executor(None, action, unit)
            await self._write(conn, direction, writer, unit.wire)
            return True
        if isinstance(action, tuple) and action[0] == "reply":
            await self._write(conn, "down" if direction == "up" else "up",
                              back_writer, action[1])
            return True
        if action == "drop":
            return True
        if action == "stall":
            for e in conn.flow.values():
                e.clear()
            # Hold the unit; forward it if someone unstalls.
            await conn.flow[direction].wait()
            await self._write(conn, direction, writer, unit.wire)
            return True
        if action == "cut_before":
            pass
        elif action == "cut_after":
            await self._write(conn, direction, writer, unit.wire)
            await self._flush(writer)
        elif action == "cut_half":
            await self._write(conn, direction, writer,
                              unit.wire[:max(1, len(unit.wire) // 2)])
            await self._flush(writer)
        else:
            raise ValueError("unknown action %r" % (action,))
        self.cuts += 1
        conn._abort("rst", "both", reason)
        return False

    # -- API -----------------------------------------------------------------

    def on(self, direction, match, action="mark", nth=1, times=1, after=None,
           same_connection=True):
        """Add a rule: when a unit going DIRECTION ("up": client → server,
        "down") matches MATCH (a predicate on Unit, or bytes it must
        contain), do ACTION.  Fires on the NTH match, TIMES times (None:
        unlimited); with AFTER (another rule) only once that fired, on a
        connection it fired on unless same_connection=False."""
        if self.tls is None:
            raise ValueError("rules need tls=TlsTermination(...) to see "
                             "the stream")
        rule = Rule(direction, match, action, nth, times, after,
                    same_connection)
        self._run(self.rules.append, rule)
        return rule

    def clear_rules(self):
        self._run(self.rules.clear)

    def cut(self, mode="rst", side="both"):
        """Cut every live connection now; returns how many were cut."""
        def go():
            n = 0
            for c in self.connections:
                if not c.closed.is_set() and c.cut_reason is None:
                    c._abort(mode, side, "cut(%s)" % mode)
                    n += 1
            self.cuts += n
            return n
        return self._run(go)

    def stall(self, direction="both", new_connections=False):
        """Stop forwarding DIRECTION ("up", "down" or "both") on every live
        connection (and new ones with new_connections=True).  The proxy
        stops reading, so the sender's TCP window fills up."""
        dirs = ("up", "down") if direction == "both" else (direction,)

        def go():
            for d in dirs:
                self._stall_new[d] = new_connections
                for c in self.connections:
                    c.flow[d].clear()
        self._run(go)

    def unstall(self):
        def go():
            self._stall_new = {"up": False, "down": False}
            for c in self.connections:
                if c.cut_reason is None:
                    for e in c.flow.values():
                        e.set()
        self._run(go)

    def refuse(self, seconds=None):
        """Close the listening socket: new connections are refused (live
        ones go on).  After SECONDS (None: until accept()) listen again on
        the same port."""
        async def go():
            await self._close_listener()
            if self._refuse_task is not None:
                self._refuse_task.cancel()
                self._refuse_task = None
            if seconds is not None:
                async def later():
                    await asyncio.sleep(seconds)
                    self._refuse_task = None
                    await self._listen(self.port)
                self._refuse_task = self._loop.create_task(later())
        self._call(go())

    def reset_new(self, seconds=None):
        """Accept new connections and reset them at once (before any byte
        is forwarded) for SECONDS (None: until accept()): what a client sees
        of a load balancer whose server is gone.  Live ones go on."""
        def go():
            self._reset_until = time.monotonic() + (
                seconds if seconds is not None else 1e9)
        self._run(go)

    def accept(self):
        """Listen again after refuse()."""
        async def go():
            self._reset_until = None
            if self._refuse_task is not None:
                self._refuse_task.cancel()
                self._refuse_task = None
            if self._server is None:
                await self._listen(self.port)
        self._call(go())

    def drop_link(self, seconds, mode="rst"):
        """The link goes away for SECONDS: live connections are cut and
        new ones refused until it is back.  Returns how many were cut."""
        self.refuse(seconds)
        return self.cut(mode)

    def cut_every(self, period, jitter=0.0, seed=0, mode="rst",
                  only_when=None):
        """Cut all live connections every PERIOD ± JITTER seconds (a seeded
        random, so a run is repeatable) until stop_cutting().  ONLY_WHEN:
        a predicate on the proxy; a cut is skipped while it says False."""
        rnd = random.Random(seed)

        async def loop():
            while True:
                await asyncio.sleep(max(0.05, period + rnd.uniform(-jitter,
                                                                  jitter)))
                if only_when is None or only_when(self):
                    self.cut_log.append(time.monotonic())
                    for c in self.connections:
                        if not c.closed.is_set() and c.cut_reason is None:
                            c._abort(mode, "both", "cut_every")
                            self.cuts += 1

        async def go():
            if self._periodic is not None:
                self._periodic.cancel()
            self._periodic = self._loop.create_task(loop())
        self.cut_log = []
        self._call(go())

    def stop_cutting(self):
        async def go():
            if self._periodic is not None:
                self._periodic.cancel()
                self._periodic = None
        self._call(go())

    def live(self):
        """Connections not closed yet."""
        return [c for c in list(self.connections) if not c.closed.is_set()]

    def totals(self):
        up = sum(c.up for c in list(self.connections))
        down = sum(c.down for c in list(self.connections))
        return up, down

    def reset(self):
        """Forget the connections seen so far (for counting)."""
        self._run(self.connections.clear)

    def wait_connections(self, n, timeout=30):
        """Block until N connections have been accepted in total."""
        deadline = time.monotonic() + timeout
        while len(self.connections) < n:
            if time.monotonic() > deadline:
                raise AssertionError("proxy saw %d connections, want %d"
                                     % (len(self.connections), n))
            time.sleep(0.02)
        return self.connections[n - 1]

    def wait_closed(self, timeout=10):
        deadline = time.monotonic() + timeout
        for c in list(self.connections):
            c.closed.wait(max(0, deadline - time.monotonic()))

    def close(self):
        if self._loop.is_closed():
            return

        async def go():
            if self._periodic is not None:
                self._periodic.cancel()
            if self._refuse_task is not None:
                self._refuse_task.cancel()
            await self._close_listener()
            for c in self.connections:
                if not c.closed.is_set():
                    c._abort("rst", "both", "proxy closed")
            await asyncio.sleep(0.05)
            me = asyncio.current_task()
            rest = [t for t in asyncio.all_tasks() if t is not me]
            for t in rest:
                t.cancel()
            await asyncio.gather(*rest, return_exceptions=True)
        try:
            self._call(go(), timeout=10)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._loop.is_running():
            self._loop.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
