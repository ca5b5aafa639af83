# SPDX-License-Identifier: GPL-3.0-or-later
"""A loopback TCP proxy that counts the bytes each way.

    with CountingProxy(("127.0.0.1", server_port)) as proxy:
        # point the client at 127.0.0.1:proxy.port
        ...
        conn = proxy.connections[0]
        conn.up, conn.down        # client→server, server→client bytes

TLS passes through untouched, so the counts are what a client costs on the
wire above TCP (TLS records and handshake included, TCP/IP headers not).
Each connection also keeps a timeline of (seconds since connect, up, down)
so a caller can read the counts at the moment something happened.
"""

import socket
import threading
import time


class Connection:
    def __init__(self, peer):
        self.peer = peer
        self.started = time.monotonic()
        self.up = 0
        self.down = 0
        self.closed = threading.Event()  # both directions finished
        self.lock = threading.Lock()
        self._pumps_done = 0
        self.timeline = []

    @property
    def total(self):
        return self.up + self.down

    def add(self, direction, n):
        with self.lock:
            if direction == "up":
                self.up += n
            else:
                self.down += n
            self.timeline.append((time.monotonic() - self.started,
                                  self.up, self.down))

    def snapshot(self):
        with self.lock:
            return self.up, self.down


class CountingProxy:
    def __init__(self, target, listen_host="127.0.0.1"):
        self.target = target
        self.connections = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((listen_host, 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._stopping = False
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def _accept_loop(self):
        while not self._stopping:
            try:
                client, addr = self._sock.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            conn = Connection(addr)
            self.connections.append(conn)
            for src, dst, direction in ((client, upstream, "up"),
                                        (upstream, client, "down")):
                threading.Thread(target=self._pump,
                                 args=(conn, src, dst, direction),
                                 daemon=True).start()

    @staticmethod
    def _pump(conn, src, dst, direction):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                conn.add(direction, len(data))
                dst.sendall(data)
        except OSError:
            pass
        finally:
            # Half-close so the other side sees EOF; the second pump to
            # finish closes both sockets.
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            with conn.lock:
                conn._pumps_done += 1
                last = conn._pumps_done == 2
            if last:
                src.close()
                dst.close()
                conn.closed.set()

    def reset(self):
        self.connections = []

    def totals(self):
        up = sum(c.up for c in self.connections)
        down = sum(c.down for c in self.connections)
        return up, down

    def wait_closed(self, timeout=10):
        deadline = time.monotonic() + timeout
        for c in list(self.connections):
            c.closed.wait(max(0, deadline - time.monotonic()))

    def close(self):
        """Stop accepting; connections already made carry on."""
        self._stopping = True
        # close() alone would leave the accept() in the other thread
        # blocked on the old socket and free its descriptor for reuse;
        # shutdown() wakes that accept() up, and the join makes sure the
        # thread is gone before a new proxy can be handed the same fd.
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._thread.join(timeout=5)
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
