#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bytes on the wire and round-trip latency over TCP, WebSocket and BOSH.

petrel-cli (alice) talks to a fixture Prosody through a counting TCP proxy
(counting_proxy.py): TLS passes through, so TLS records, HTTP headers and
WebSocket frames all count (TCP/IP headers do not).  The other side (bob)
is a python3-slixmpp client on direct TCP, outside the measurement.  For
each transport:

  login        `listen --json` from connect to its "online" event (SASL,
               bind, roster, presence, stream management, carbons)
  msg in       bob sends N messages to alice's listener: bytes on alice's
               connections from "online" until the last one was printed,
               divided by N (SM acks and HTTP requests included)
  msg out      `send bob --stdin` of N messages minus the same with 1,
               divided by N - 1: what one more outgoing message costs
  per message  msg in + msg out: one message each way
  requests     BOSH only: HTTP requests Prosody's mod_bosh handled during
               "msg in" (from its debug log); overhead per request/response
               pair = (BOSH bytes - TCP bytes) of that phase / requests
  in (spaced) bob sends --spaced messages one at a time (the next once
               the last was printed, 0.2 s apart): bytes per message
  rtt median   `petrel-cli ping bob@localhost/RESOURCE`: an XEP-0199 ping
               through the server to bob and back, the time petrel-cli
               measures inside its session (no login), median of --pings;
               straight to the server, not through the proxy

TCP is STARTTLS on c2s (Petrel's default).  Target: WebSocket costs at most
10 % more bytes per message than TCP; the script exits 1 when it does not.

    /usr/bin/python3 tests/bench/bench_transports.py [--messages N]
        [--pings N] [--json]

PETREL_CLI names the petrel-cli binary (default build/app/cli/petrel-cli).
"""

import argparse
import json
import os
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from counting_proxy import CountingProxy  # noqa: E402
from prosody_fixture import (  # noqa: E402
    Listener, PetrelCli, ProsodyServer, SlixPeer, petrel_cli_path,
    skip_unless_prosody)

TRANSPORTS = ("tcp", "websocket", "bosh")
PEER_RESOURCE = "slix-bench"


def account(server, transport, proxy_port, resource):
    """ALICE's account over TRANSPORT, through the proxy at PROXY_PORT or,
    with None, straight to the server."""
    if proxy_port is None:
        proxy_port = (server.c2s_port if transport == "tcp"
                      else server.https_port)
    cli = PetrelCli(server)
    if transport == "tcp":
        cli.add_account("alice", port=proxy_port, resource=resource)
    elif transport == "websocket":
        cli.add_account("alice", resource=resource, transport="websocket",
                        websocket="wss://%s:%d%s" % (server.domain,
                                                     proxy_port,
                                                     server.WEBSOCKET_PATH))
    else:
        cli.add_account("alice", resource=resource, transport="bosh",
                        bosh="https://%s:%d%s" % (server.domain, proxy_port,
                                                  server.BOSH_PATH))
    return cli


def settle(proxy, seconds=0.3):
    """Wait until the counts stop moving (acks, the last HTTP answer)."""
    last = None
    while True:
        now = proxy.totals()
        if now == last:
            return now
        last = now
        time.sleep(seconds)


def bosh_requests(server, mark):
    return server.log_text()[mark:].count("mod_bosh\tdebug\tHandling new request")


def measure_transport(server, transport, peer, args, serial):
    target = server.c2s_port if transport == "tcp" else server.https_port
    row = {"transport": transport}
    with CountingProxy(("127.0.0.1", target)) as proxy:
        # Login and incoming messages on one listening session.
        cli = account(server, transport, proxy.port, "listen%d" % serial)
        proxy.reset()
        with Listener(cli) as listener:
            listener.wait_online(timeout=60)
            up, down = proxy.totals()
            row["login"] = up + down
            # Presence and the first acks settle before counting messages.
            time.sleep(1.0)
            before = settle(proxy)
            mark = len(server.log_text())
            bodies = ["bench-%s-%04d" % (transport, i)
                      for i in range(args.messages)]
            for body in bodies:
                peer.send_message(server.jid("alice"), body)
            last = bodies[-1]
            listener.wait_for(lambda e: e.get("event") == "message"
                              and e.get("body") == last, timeout=120)
            got = [e.get("body") for e in listener.seen
                   if e.get("event") == "message"]
            missing = set(bodies) - set(got)
            if missing:
                raise SystemExit("%s: %d messages not printed"
                                 % (transport, len(missing)))
            time.sleep(0.5)
            after = settle(proxy)
            row["msg_in"] = ((after[0] + after[1]) - (before[0] + before[1])) \
                / args.messages
            row["msg_in_total"] = (after[0] + after[1]) - (before[0] + before[1])
            if transport == "bosh":
                row["requests"] = bosh_requests(server, mark)

            # The same one at a time, as chat goes: on BOSH each message
            # then needs a request/response pair of its own.
            before = settle(proxy)
            mark = len(server.log_text())
            spaced = ["spaced-%s-%04d" % (transport, i)
                      for i in range(args.spaced)]
            for body in spaced:
                peer.send_message(server.jid("alice"), body)
                listener.wait_for(lambda e, b=body: e.get("event") == "message"
                                  and e.get("body") == b, timeout=60)
                time.sleep(0.2)
            after = settle(proxy)
            row["spaced_in_total"] = ((after[0] + after[1])
                                      - (before[0] + before[1]))
            row["spaced_in"] = row["spaced_in_total"] / args.spaced
            if transport == "bosh":
                row["spaced_requests"] = bosh_requests(server, mark)

        # Outgoing: N messages minus 1 message, each a whole session.
        totals = {}
        for n in (1, args.messages):
            sender = account(server, transport, proxy.port,
                             "send%d-%d" % (serial, n))
            proxy.reset()
            lines = "".join("out-%s-%d-%04d\n" % (transport, n, i)
                            for i in range(n))
            r = sender.run("send", "bob@localhost", "--stdin", input=lines,
                           timeout=120)
            if r.returncode != 0:
                raise SystemExit("send over %s failed: %r" % (transport, r))
            proxy.wait_closed()
            up, down = proxy.totals()
            totals[n] = up + down
        row["msg_out"] = (totals[args.messages] - totals[1]) \
            / (args.messages - 1)
        row["per_message"] = row["msg_in"] + row["msg_out"]

        # Round trips: ping bob's full JID through the server, without the
        # proxy (its own buffering would add delay to split HTTP writes).
        pinger = account(server, transport, None, "ping%d" % serial)
        rtts = []
        for _ in range(args.pings):
            r = pinger.run("ping", "%s/%s" % (server.jid("bob"),
                                              PEER_RESOURCE), timeout=60)
            m = re.search(r"pong in ([0-9.]+) ms", r.stdout + r.stderr)
            if r.returncode != 0 or not m:
                raise SystemExit("ping over %s failed: %r" % (transport, r))
            rtts.append(float(m.group(1)))
        row["rtt_ms"] = statistics.median(rtts)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--pings", type=int, default=15)
    ap.add_argument("--spaced", type=int, default=10,
                    help="messages received one at a time")
    ap.add_argument("--json", action="store_true",
                    help="print the rows as JSON lines instead of a table")
    args = ap.parse_args()
    if args.messages < 2:
        raise SystemExit("--messages must be at least 2")

    skip_unless_prosody()
    if not os.access(petrel_cli_path(), os.X_OK):
        raise SystemExit("petrel-cli not found at %s (set PETREL_CLI)"
                         % petrel_cli_path())

    rows = []
    with ProsodyServer(users={"alice": "alice-bench-pw",
                              "bob": "bob-bench-pw"},
                       web=True, log_level="debug") as server:
        with SlixPeer(server, "bob", resource=PEER_RESOURCE) as peer:
            # One unmeasured session: Prosody learns the caps hash.
            warm = account(server, "tcp", server.c2s_port, "warm")
            warm.run("listen", "--json", "--for", "1", timeout=60)
            for serial, transport in enumerate(TRANSPORTS):
                print("measuring %s" % transport, file=sys.stderr)
                rows.append(measure_transport(server, transport, peer, args,
                                              serial))

    tcp = rows[0]
    if args.json:
        for row in rows:
            print(json.dumps(row))
    else:
        print("Bytes on the wire per transport (TLS, HTTP and framing "
              "included; TCP/IP headers not); %d messages each way"
              % args.messages)
        print()
        print("%-10s %8s %9s %9s %11s %8s %9s %11s %8s %9s"
              % ("transport", "login", "msg in", "msg out", "per message",
                 "vs TCP", "login/TCP", "in (spaced)", "vs TCP", "rtt med"))
        for row in rows:
            print("%-10s %8d %9.1f %9.1f %11.1f %7.2fx %8.2fx %11.1f %7.2fx "
                  "%7.2fms"
                  % (row["transport"], row["login"], row["msg_in"],
                     row["msg_out"], row["per_message"],
                     row["per_message"] / tcp["per_message"],
                     row["login"] / tcp["login"], row["spaced_in"],
                     row["spaced_in"] / tcp["spaced_in"], row["rtt_ms"]))
        bosh = rows[2]
        print()
        for what, key, n in (("in a burst", "", args.messages),
                             ("one at a time", "spaced_", args.spaced)):
            pairs = bosh.get(key + "requests")
            if not pairs:
                continue
            total = "msg_in_total" if not key else "spaced_in_total"
            extra = bosh[total] - tcp[total]
            print("BOSH, %d messages %s: %d HTTP request/response pairs; "
                  "overhead over TCP %.0f bytes per pair"
                  % (n, what, pairs, extra / pairs))

    ws_ratio = rows[1]["per_message"] / tcp["per_message"]
    print("WebSocket per message: %.1f %% of TCP (target: at most 110 %%)"
          % (100 * ws_ratio), file=sys.stderr)
    return 0 if ws_ratio <= 1.10 else 1


if __name__ == "__main__":
    sys.exit(main())
