#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Live load: 10,000 messages arriving while online, 100 a second.

`petrel-cli listen --json` is online as alice on a fixture Prosody (MAM,
carbons, stream management); a slixmpp peer (bob, a contact with a mutual
presence subscription, so receipts to him are allowed) sends chat messages
at a steady rate.  One message in 100 asks for a receipt (XEP-0184); none is
markable (XEP-0333).  A TLS-terminating proxy between petrel-cli and the
server sees everything petrel-cli sends.  Printed:

  - wall time, and the CPU seconds (user + system) the listen process used
    from "online" until the last message was printed, per 1,000 messages;
  - its resident memory (VmRSS) at the start and at the end, the growth,
    and the peak (VmHWM);
  - receipts sent (they must match the requests exactly) and chat markers
    sent (must be none): "no unrequested markers or receipts";
  - that the store holds every message exactly once, in order.

    /usr/bin/python3 tests/bench/bench_live_load.py [--messages N]
        [--rate PER_SECOND] [--inactive] [--json]

Exits 1 when an unrequested receipt or marker was sent, a requested receipt
is missing, or a message is missing or duplicated.
PETREL_CLI names the petrel-cli binary (default build/app/cli/petrel-cli).
"""

import argparse
import asyncio
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from fault_proxy import FaultProxy, TlsTermination, stanza  # noqa: E402
from prosody_fixture import (  # noqa: E402
    DELIVERY_OPTIONS, Listener, PetrelCli, ProsodyServer, SlixPeer,
    petrel_cli_path, roster_item, skip_unless_prosody)

NS_RECEIPTS = b"urn:xmpp:receipts"
NS_MARKERS = b"urn:xmpp:chat-markers:0"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 (1-based) of the whole line.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def memory_kb(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def body(i):
    return "live-%05d" % i


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--rate", type=float, default=100.0,
                    help="messages per second")
    ap.add_argument("--receipt-every", type=int, default=100,
                    help="every Nth message requests a receipt (0: none)")
    ap.add_argument("--inactive", action="store_true",
                    help="listen with --inactive (CSI)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    skip_unless_prosody()
    if not os.access(petrel_cli_path(), os.X_OK):
        raise SystemExit("petrel-cli not found at %s (set PETREL_CLI)"
                         % petrel_cli_path())

    problems = []
    with ProsodyServer(users={"alice": "alice-load-pw", "bob": "bob-load-pw"},
                       rosters={"alice": [roster_item("bob@localhost")],
                                "bob": [roster_item("alice@localhost")]},
                       log_level="info", **DELIVERY_OPTIONS) as server, \
            FaultProxy(("127.0.0.1", server.direct_tls_port),
                       tls=TlsTermination.for_server(server)) as proxy:
        receipts = proxy.on("up", stanza("message", NS_RECEIPTS), "mark",
                            times=None)
        markers = proxy.on("up", stanza("message", NS_MARKERS), "mark",
                           times=None)
        cli = PetrelCli(server)
        cli.add_account("alice", direct_tls=True, port=proxy.port)
        if args.inactive:
            orig = cli.argv
            cli.argv = lambda *a, **kw: orig("--inactive", *a, **kw)
        peer = SlixPeer(server, "bob", resource="load")
        listener = Listener(cli)
        try:
            listener.wait_online(timeout=60)
            time.sleep(2.0)  # login work done; measure the load only
            pid = listener.proc.pid
            cpu0 = cpu_seconds(pid)
            mem0 = memory_kb(pid)
            to = server.jid("alice")
            requested = set()

            async def send_all():
                t0 = time.monotonic()
                for i in range(1, args.messages + 1):
                    ask = args.receipt_every and i % args.receipt_every == 0
                    if ask:
                        requested.add("load-%d" % i)
                    peer.xmpp.send_raw(
                        "<message to='%s' type='chat' id='load-%d'>"
                        "<body>%s</body>%s</message>"
                        % (to, i, body(i),
                           "<request xmlns='urn:xmpp:receipts'/>"
                           if ask else ""))
                    delay = t0 + i / args.rate - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                return time.monotonic() - t0

            t0 = time.monotonic()
            sending = asyncio.run_coroutine_threadsafe(send_all(), peer._loop)
            want = {body(i) for i in range(1, args.messages + 1)}
            got = set()

            def all_there(e):
                if e.get("event") == "message":
                    got.add(e.get("body"))
                    # Keep memory flat on our side.
                    listener.seen.clear()
                return want <= got

            listener.wait_for(all_there,
                              timeout=args.messages / args.rate + 120)
            wall = time.monotonic() - t0
            send_seconds = sending.result(timeout=60)
            cpu1 = cpu_seconds(pid)
            mem1 = memory_kb(pid)
            time.sleep(2.0)  # receipts and acks still on their way
        finally:
            code = listener.stop()
            peer.close()
        if code != 0:
            problems.append("listen exited with %r: %s"
                            % (code, "".join(listener.stderr_lines)[-2000:]))

        receipt_ids = set()
        for u in receipts.units:
            m = re.search(rb"<received[^>]*\sid=['\"]([^'\"]+)['\"]", u.data)
            if m:
                receipt_ids.add(m.group(1).decode())
        unrequested = receipt_ids - requested
        missing_receipts = requested - receipt_ids
        if unrequested:
            problems.append("%d unrequested receipts, e.g. %s"
                            % (len(unrequested), sorted(unrequested)[:5]))
        if missing_receipts:
            problems.append("%d requested receipts not sent, e.g. %s"
                            % (len(missing_receipts),
                               sorted(missing_receipts)[:5]))
        if markers.fired_count:
            problems.append("%d chat markers sent, none requested: %r"
                            % (markers.fired_count, markers.units[:3]))

        r = cli.run("history", server.jid("bob"), "--json", "--limit",
                    args.messages * 2, timeout=120)
        stored = [x.get("body") for x in r.json_lines()
                  if x.get("direction") == "in"] if r.returncode == 0 else []
        if stored != [body(i) for i in range(1, args.messages + 1)]:
            problems.append("store: %d messages, want %d exactly once in "
                            "order (history exit %r)"
                            % (len(stored), args.messages, r.returncode))

    cpu = cpu1 - cpu0
    result = {
        "messages": args.messages, "rate": args.rate,
        "inactive": args.inactive,
        "wall_seconds": round(wall, 2),
        "peer_send_seconds": round(send_seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "cpu_seconds_per_1000": round(cpu * 1000 / args.messages, 3),
        "cpu_percent": round(100 * cpu / wall, 1),
        "rss_start_kb": mem0.get("VmRSS"), "rss_end_kb": mem1.get("VmRSS"),
        "rss_growth_kb": mem1.get("VmRSS", 0) - mem0.get("VmRSS", 0),
        "rss_peak_kb": mem1.get("VmHWM"),
        "receipts_requested": len(requested),
        "receipts_sent": len(receipts.units),
        "unrequested_receipts": len(unrequested),
        "markers_sent": markers.fired_count,
        "stored": len(stored),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print("Live load: %d messages at %g/s%s"
              % (args.messages, args.rate,
                 " (--inactive)" if args.inactive else ""))
        print("  wall time            %8.1f s (peer sent for %.1f s)"
              % (wall, send_seconds))
        print("  CPU (user+sys)       %8.2f s  = %.3f s per 1,000, %.1f %%"
              % (cpu, result["cpu_seconds_per_1000"], result["cpu_percent"]))
        print("  RSS                  %8d KB → %d KB (growth %+d KB, "
              "peak %d KB)" % (result["rss_start_kb"], result["rss_end_kb"],
                               result["rss_growth_kb"],
                               result["rss_peak_kb"]))
        print("  receipts             %8d sent for %d requested, %d "
              "unrequested" % (result["receipts_sent"], len(requested),
                               len(unrequested)))
        print("  chat markers         %8d sent" % markers.fired_count)
        print("  stored               %8d" % len(stored))
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
