#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bytes on the wire for a re-login and for a stream resumption.

alice has 500 contacts (a name and a group each, subscription both) on a
fixture Prosody with MAM, carbons and stream management.  A counting proxy
(tests/integration/fault_proxy.py, pass-through: TLS records counted,
TCP/IP headers not) sits between petrel-cli and the server.  Rows:

  first login → online   a new profile: `listen --json` from TCP connect
                         to its "online" event (full roster fetched, caps
                         and disco asked for)
  re-login → online      the same profile again: roster versioning (an
                         empty roster result), entity caps cached
  re-login, --inactive   the same with Client State Indication inactive
  first / re-login, 2 s  whole 2-second sessions (`listen --for 2`): what
                         comes after "online" too, e.g. Prosody's answer to
                         each presence probe (500 unavailable presences);
                         on a server that has not seen the client's caps
                         yet, also the disco#info query the PEP service of
                         each contact sends (and the client's answers)
  resumption             `listen` is online and idle; the proxy resets the
                         connection; the client's next connection, from TCP
                         connect to 1 s after its "online" event with
                         "resumed": true (XEP-0198 <resume/>)

for direct TLS (the default) and STARTTLS.  Targets (DESIGN.md, constrained
networks): re-login ≤ 6.4 KB and resumption ≤ 2 KB, up and down together,
over direct TLS; over target the script exits 1.

    /usr/bin/python3 tests/bench/bench_relogin_bytes.py [--contacts N]
        [--relogin-budget BYTES] [--resume-budget BYTES] [--runs N] [--json]
        [--breakdown]

--breakdown also prints, for direct TLS, the bytes of a bare TLS handshake
and every element of the re-login (up to "online") and of the resumption,
seen through a TLS-terminating proxy: where the bytes go.

PETREL_CLI names the petrel-cli binary (default build/app/cli/petrel-cli).
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from fault_proxy import FaultProxy, TlsTermination  # noqa: E402
from prosody_fixture import (  # noqa: E402
    DELIVERY_OPTIONS, Listener, PetrelCli, ProsodyServer, petrel_cli_path,
    roster_item, skip_unless_prosody)


def contacts(n):
    return [roster_item("contact%03d@localhost" % i,
                        "Contact Number %03d" % i,
                        ["Group %02d" % (i % 20)])
            for i in range(n)]


class Bench:
    def __init__(self, server, proxy, direct):
        self.server = server
        self.proxy = proxy
        self.direct = direct

    def fresh_cli(self):
        cli = PetrelCli(self.server)
        cli.add_account("alice", direct_tls=self.direct, port=self.proxy.port)
        return cli

    def _one_connection(self):
        self.proxy.wait_closed()
        if len(self.proxy.connections) != 1:
            raise SystemExit("expected one connection, saw %d"
                             % len(self.proxy.connections))

    def to_online(self, cli, inactive=False):
        """(up, down, seconds) from connect to the "online" event."""
        self.proxy.reset()
        t0 = time.monotonic()
        if inactive:
            # --inactive is global: before the command.
            orig = cli.argv
            cli.argv = lambda *a, **kw: orig("--inactive", *a, **kw)
        try:
            with Listener(cli) as listener:
                listener.wait_online(timeout=60)
                seconds = time.monotonic() - t0
                up, down = self.proxy.connections[0].snapshot()
        finally:
            if inactive:
                cli.argv = orig
        self._one_connection()
        return up, down, seconds

    def whole_session(self, cli, seconds=2, inactive=False):
        self.proxy.reset()
        t0 = time.monotonic()
        pre = ("--inactive",) if inactive else ()
        r = cli.run(*pre, "listen", "--json", "--for", seconds, timeout=120)
        if r.returncode != 0:
            raise SystemExit("petrel-cli failed: %r" % r)
        elapsed = time.monotonic() - t0
        self._one_connection()
        up, down = self.proxy.totals()
        return up, down, elapsed

    def resumption(self, cli, settle=1.0):
        """Bytes of the connection that resumes after a cut."""
        self.proxy.reset()
        with Listener(cli) as listener:
            listener.wait_online(timeout=60)
            time.sleep(2.0)  # let the presence flood and acks pass
            first = self.proxy.connections[-1]
            t0 = time.monotonic()
            self.proxy.cut()
            event = listener.wait_for(
                lambda e: e.get("event") == "online"
                and sum(1 for x in listener.seen
                        if x.get("event") == "online") >= 2, timeout=60)
            seconds = time.monotonic() - t0
            time.sleep(settle)
            conns = [c for c in self.proxy.connections if c is not first]
            if len(conns) != 1:
                raise SystemExit("expected one new connection, saw %d"
                                 % len(conns))
            up, down = conns[0].snapshot()
        if event.get("resumed") is not True:
            raise SystemExit("the new session was not resumed: %r" % event)
        return up, down, seconds


def breakdown(server):
    """Print where the bytes of a re-login and a resumption go."""
    import socket
    import ssl
    with FaultProxy(("127.0.0.1", server.direct_tls_port)) as p:
        ctx = ssl.create_default_context(cafile=server.ca_file)
        ctx.set_alpn_protocols(["xmpp-client"])
        with ctx.wrap_socket(socket.create_connection(("127.0.0.1", p.port)),
                             server_hostname=server.domain) as s:
            time.sleep(0.3)  # session tickets come after the handshake
            up, down = p.totals()
            print("\nbare TLS handshake (%s, python client): %d up, %d down"
                  % (s.version(), up, down))
    proxy = FaultProxy(("127.0.0.1", server.direct_tls_port),
                       tls=TlsTermination.for_server(server), record=True)
    try:
        cli = PetrelCli(server)
        cli.add_account("alice", direct_tls=True, port=proxy.port)
        cli.run("listen", "--json", "--for", 1, timeout=60)
        proxy.reset()

        def show(title, conn, until=None):
            rows = [(t, u) for t, u, _ in conn.log
                    if until is None or t <= until]
            up = sum(len(u.data) for _, u in rows if u.direction == "up")
            down = sum(len(u.data) for _, u in rows if u.direction == "down")
            print("\n%s: %d bytes of XML up, %d down" % (title, up, down))
            for t, u in rows:
                name = u.name or u.kind
                print("  %6.3fs %-4s %5d  %s" % (
                    t, u.direction, len(u.data),
                    u.data[:90].decode("utf-8", "replace")
                    if u.kind == "stanza" else name))

        with Listener(cli) as listener:
            listener.wait_online(timeout=60)
            conn = proxy.connections[0]
            until = time.monotonic() - conn.started
            show("re-login up to \"online\"", conn, until)
            time.sleep(2)
            first = conn
            proxy.cut()
            listener.wait_for(lambda e: sum(
                1 for x in listener.seen if x.get("event") == "online") >= 2,
                timeout=60)
            time.sleep(1)
            show("resumption", [c for c in proxy.connections
                                if c is not first][0])
    finally:
        proxy.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--contacts", type=int, default=500)
    ap.add_argument("--relogin-budget", type=int, default=6400,
                    help="max bytes for the direct-TLS re-login (0: none)")
    ap.add_argument("--resume-budget", type=int, default=2048,
                    help="max bytes for the direct-TLS resumption (0: none)")
    ap.add_argument("--runs", type=int, default=1,
                    help="repeat each measurement and keep the smallest")
    ap.add_argument("--json", action="store_true",
                    help="print the rows as JSON lines instead of a table")
    ap.add_argument("--breakdown", action="store_true",
                    help="also show each element of a re-login and a "
                    "resumption (direct TLS)")
    args = ap.parse_args()

    skip_unless_prosody()
    if not os.access(petrel_cli_path(), os.X_OK):
        raise SystemExit("petrel-cli not found at %s (set PETREL_CLI)"
                         % petrel_cli_path())

    def best(results):
        return min(results, key=lambda r: r[0] + r[1])

    rows = []
    with ProsodyServer(users={"alice": "alice-bench-pw"},
                       rosters={"alice": contacts(args.contacts)},
                       log_level="info", **DELIVERY_OPTIONS) as server:
        for mode in ("direct-tls", "starttls"):
            direct = mode == "direct-tls"
            target = server.direct_tls_port if direct else server.c2s_port
            with FaultProxy(("127.0.0.1", target)) as proxy:
                b = Bench(server, proxy, direct)
                cold, warm, inactive, whole_cold, whole_warm, resumed = \
                    [], [], [], [], [], []
                whole_inactive = []
                for i in range(args.runs):
                    print("%s: run %d" % (mode, i + 1), file=sys.stderr)
                    cli = b.fresh_cli()
                    cold.append(b.to_online(cli))
                    warm.append(b.to_online(cli))
                    inactive.append(b.to_online(cli, inactive=True))
                    whole_cold.append(b.whole_session(b.fresh_cli()))
                    whole_warm.append(b.whole_session(cli))
                    whole_inactive.append(b.whole_session(cli,
                                                          inactive=True))
                    resumed.append(b.resumption(cli))
                rows += [
                    ("first login → online", mode, best(cold)),
                    ("re-login → online", mode, best(warm)),
                    ("re-login → online, --inactive", mode, best(inactive)),
                    ("first login, 2 s session", mode, best(whole_cold)),
                    ("re-login, 2 s session", mode, best(whole_warm)),
                    ("re-login, 2 s session, --inactive", mode,
                     best(whole_inactive)),
                    ("resumption after a cut", mode, best(resumed)),
                ]
        if args.breakdown:
            breakdown(server)

    if args.json:
        for what, mode, (up, down, secs) in rows:
            print(json.dumps({"what": what, "mode": mode, "up": up,
                              "down": down, "total": up + down,
                              "seconds": round(secs, 3)}))
    else:
        print("Bytes on the wire with a %d-contact roster (TLS included, "
              "TCP/IP headers not)" % args.contacts)
        print()
        print("%-36s %-10s %8s %8s %8s %8s" % ("run", "transport", "up",
                                               "down", "total", "time"))
        for what, mode, (up, down, secs) in rows:
            print("%-36s %-10s %8d %8d %8d %7.2fs"
                  % (what, mode, up, down, up + down, secs))

    status = 0

    def verdict(name, budget):
        nonlocal status
        row = next(r for r in rows if r[0] == name and r[1] == "direct-tls")
        total = row[2][0] + row[2][1]
        if not budget:
            return
        ok = total <= budget
        print("%s (direct TLS): %d bytes, %s the target of %d bytes"
              % (name, total, "within" if ok else "OVER", budget),
              file=sys.stderr)
        if not ok:
            status = 1

    verdict("re-login → online", args.relogin_budget)
    verdict("resumption after a cut", args.resume_budget)
    return status


if __name__ == "__main__":
    sys.exit(main())
