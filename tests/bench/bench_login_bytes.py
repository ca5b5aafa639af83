#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bytes on the wire from TCP connect to "online with roster".

A counting TCP proxy sits between petrel-cli and a fixture Prosody; alice
has a roster of 500 contacts (a name and a group each, subscription both).
Each run is a fresh connection through the proxy:

  roster list (cold)    new profile: connect, log in, fetch the full roster,
                        disconnect: the first-login cost
  roster list (warm)    same profile again: with roster versioning
                        (RFC 6121 section 2.6) the server sends no items
  listen → online       `listen --json` on a new profile, counted up to its
                        "online" event: login, roster, presence, SM, carbons
  listen --for 2        a whole 2-second session, the goodbye included, and
                        the presence flood: Prosody answers the probe of
                        each offline contact with an unavailable presence

with STARTTLS and direct TLS.  slixmpp's login + roster fetch (+ presence)
through the same proxy is printed as a reference point.

Before measuring, one unmeasured `listen` session lets Prosody learn
petrel's XEP-0115 caps hash: the first time it sees a hash, Prosody's PEP
sends a disco#info query from every contact at once (500 here, about
400 KB of answers), which a client pays once per new version, not per login.

The budget (default 65 KB, what Profanity 0.13 spends for the same login)
applies to the cold STARTTLS `roster list` and `listen → online` rows; over
budget the script exits 1.

    /usr/bin/python3 tests/bench/bench_login_bytes.py [--contacts N]
        [--budget BYTES] [--runs N] [--json] [--no-slixmpp]

PETREL_CLI names the petrel-cli binary (default build/app/cli/petrel-cli).
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from counting_proxy import CountingProxy  # noqa: E402
from prosody_fixture import (  # noqa: E402
    Listener, PetrelCli, ProsodyServer, SlixPeer, petrel_cli_path,
    roster_item, skip_unless_prosody)


def contacts(n):
    return [roster_item("contact%03d@localhost" % i,
                        "Contact Number %03d" % i,
                        ["Group %02d" % (i % 20)])
            for i in range(n)]


def measure(proxy, action):
    """Run ACTION (which makes one connection); return (up, down, seconds)."""
    proxy.reset()
    t0 = time.monotonic()
    out = action()
    seconds = time.monotonic() - t0
    proxy.wait_closed()
    if isinstance(out, tuple):  # a snapshot taken mid-connection
        up, down = out
    else:
        up, down = proxy.totals()
    if len(proxy.connections) != 1:
        raise SystemExit("expected one connection, saw %d"
                         % len(proxy.connections))
    return up, down, seconds


def petrel_roster_list(cli, expect):
    def action():
        r = cli.run("roster", "list", "--json", timeout=120)
        if r.returncode != 0:
            raise SystemExit("petrel-cli failed: %r" % r)
        n = len(r.json_lines())
        if n != expect:
            raise SystemExit("roster list showed %d contacts, want %d"
                             % (n, expect))
    return action


def petrel_listen_online(cli, proxy):
    def action():
        with Listener(cli) as listener:
            listener.wait_online(timeout=60)
            return proxy.connections[0].snapshot()
    return action


def petrel_listen_for(cli, seconds):
    def action():
        r = cli.run("listen", "--json", "--for", seconds, timeout=120)
        if r.returncode != 0:
            raise SystemExit("petrel-cli failed: %r" % r)
    return action


def slixmpp_login(server, port, direct_tls):
    def action():
        peer = SlixPeer(server, "alice", resource="slix-bench",
                        direct_tls=direct_tls, port_override=port)
        peer.close()
    return action


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--contacts", type=int, default=500)
    ap.add_argument("--budget", type=int, default=65 * 1024,
                    help="max bytes for the cold STARTTLS login (0: none)")
    ap.add_argument("--runs", type=int, default=1,
                    help="repeat each measurement and keep the smallest")
    ap.add_argument("--json", action="store_true",
                    help="print the rows as JSON lines instead of a table")
    ap.add_argument("--no-slixmpp", action="store_true")
    args = ap.parse_args()

    skip_unless_prosody()
    if not os.access(petrel_cli_path(), os.X_OK):
        raise SystemExit("petrel-cli not found at %s (set PETREL_CLI)"
                         % petrel_cli_path())

    rows = []
    with ProsodyServer(users={"alice": "alice-bench-pw"},
                       rosters={"alice": contacts(args.contacts)},
                       log_level="info") as server:
        warm_up = PetrelCli(server)
        warm_up.add_account("alice")
        petrel_listen_for(warm_up, 2)()

        for mode in ("starttls", "direct-tls"):
            direct = mode == "direct-tls"
            target = server.direct_tls_port if direct else server.c2s_port
            with CountingProxy(("127.0.0.1", target)) as proxy:
                def fresh_cli():
                    cli = PetrelCli(server)
                    cli.add_account("alice", direct_tls=direct,
                                    port=proxy.port)
                    return cli

                def best(what, make_action):
                    results = []
                    for i in range(args.runs):
                        print("%s: %s, run %d" % (mode, what, i + 1),
                              file=sys.stderr)
                        results.append(measure(proxy, make_action()))
                    rows.append((what, mode,
                                 min(results, key=lambda r: r[0] + r[1])))

                profiles = []

                def cold():
                    profiles.append(fresh_cli())
                    return petrel_roster_list(profiles[-1], args.contacts)

                best("petrel-cli roster list (cold)", cold)
                best("petrel-cli roster list (warm)",
                     lambda: petrel_roster_list(profiles.pop(0),
                                                args.contacts))
                best("petrel-cli listen → online (cold)",
                     lambda: petrel_listen_online(fresh_cli(), proxy))
                best("petrel-cli listen --for 2 (cold)",
                     lambda: petrel_listen_for(fresh_cli(), 2))
                if not args.no_slixmpp:
                    best("slixmpp login + roster (reference)",
                         lambda: slixmpp_login(server, proxy.port, direct))

    if args.json:
        for what, mode, (up, down, secs) in rows:
            print(json.dumps({"what": what, "mode": mode, "up": up,
                              "down": down, "total": up + down,
                              "seconds": round(secs, 3)}))
    else:
        print("Bytes on the wire, TCP connect to online with a %d-contact "
              "roster (TLS included, TCP/IP headers not)" % args.contacts)
        print()
        print("%-36s %-10s %9s %9s %9s %8s" % ("client / run", "transport",
                                               "up", "down", "total", "time"))
        for what, mode, (up, down, secs) in rows:
            print("%-36s %-10s %9d %9d %9d %7.2fs"
                  % (what, mode, up, down, up + down, secs))

    over = False
    for what in ("petrel-cli roster list (cold)",
                 "petrel-cli listen → online (cold)"):
        up, down, _ = next(r[2] for r in rows
                           if r[0] == what and r[1] == "starttls")
        if args.budget:
            verdict = "within" if up + down <= args.budget else "OVER"
            print("%s, STARTTLS: %d bytes, %s the budget of %d bytes"
                  % (what, up + down, verdict, args.budget), file=sys.stderr)
            over = over or up + down > args.budget
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
