#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Archive catch-up: time and messages per second to fetch and store
10,000 messages (XEP-0313 MAM).

On a fixture Prosody with MAM, alice's profile first syncs once so it knows
where the archive ends; then, while alice is offline, a slixmpp peer (bob)
sends her 10,000 chat messages (a ping round trip afterwards makes sure the
server archived them all).  Then, timed:

  sync (catch-up)   `petrel-cli sync --json`: log in, page through the
                    archive from the last known stanza-id, store every
                    message; must report fetched = 10,000
  sync (nothing)    the same again with nothing new: the fixed cost of
                    logging in and asking

and the rate is messages / (catch-up − nothing): fetching and storing only.
The store is checked afterwards: every message once, in order.  Target
(DESIGN.md, issue "Never lose a message"): at least 5,000 messages a second;
below it the script exits 1.

Prosody's own archive store matters here: with the default file storage
("internal") every archive query re-reads the user's whole archive file,
so the server, not Petrel, sets the pace.  The script uses Prosody's SQL
storage (SQLite) for the archive when LuaDBI for SQLite is installed
(Debian package lua-dbi-sqlite3) and says so; --storage chooses.  Prosody
returns at most max_archive_query_results items per page (default 50; set
to --server-max, default 250 here, so the client's page size decides).
Prosody also leaves Nagle's algorithm on by default; over loopback that
meets the client's delayed ACK at the end of every page, a 40 ms pause per
page whatever the client does, so the server runs with
network_settings = { nagle = false } unless --server-nagle.

    /usr/bin/python3 tests/bench/bench_catchup.py [--messages N]
        [--storage auto|sql|internal] [--server-max N] [--target RATE]
        [--json]

PETREL_CLI names the petrel-cli binary (default build/app/cli/petrel-cli).
"""

import argparse
import asyncio
import glob
import json
import os
import resource
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from prosody_fixture import (  # noqa: E402
    DELIVERY_OPTIONS, PetrelCli, ProsodyServer, SlixPeer, petrel_cli_path,
    roster_item, skip_unless_prosody)


def have_luadbi_sqlite():
    return bool(glob.glob("/usr/lib/*/lua/5.*/dbd/sqlite3.so") or
                glob.glob("/usr/lib/lua/5.*/dbd/sqlite3.so"))


def body(i):
    return "catchup-%05d" % i


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed_sync(cli, server=None, cpu=None):
    """(seconds, fetched); with CPU (a dict) also the CPU seconds of
    petrel-cli ("client") and of Prosody ("server")."""
    c0 = children_cpu()
    s0 = proc_cpu(server.proc.pid) if server else 0
    t0 = time.monotonic()
    r = cli.run("sync", "--json", timeout=600)
    seconds = time.monotonic() - t0
    if cpu is not None:
        cpu["client"] = children_cpu() - c0
        cpu["server"] = proc_cpu(server.proc.pid) - s0
    if r.returncode != 0:
        raise SystemExit("sync failed: %r" % r)
    fetched = None
    for e in r.json_lines():
        if e.get("event") == "sync":
            fetched = e.get("fetched")
    if fetched is None:
        raise SystemExit("sync printed no {\"event\":\"sync\"}: %r" % r)
    return seconds, fetched


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--storage", choices=("auto", "sql", "internal"),
                    default="auto")
    ap.add_argument("--server-max", type=int, default=250,
                    help="Prosody's max_archive_query_results")
    ap.add_argument("--target", type=float, default=5000,
                    help="minimum messages per second (0: none)")
    ap.add_argument("--server-nagle", action="store_true",
                    help="leave Nagle's algorithm on in Prosody (its default)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    skip_unless_prosody()
    if not os.access(petrel_cli_path(), os.X_OK):
        raise SystemExit("petrel-cli not found at %s (set PETREL_CLI)"
                         % petrel_cli_path())
    storage = args.storage
    if storage == "auto":
        storage = "sql" if have_luadbi_sqlite() else "internal"
        if storage == "internal":
            print("note: LuaDBI for SQLite (lua-dbi-sqlite3) is not "
                  "installed; Prosody's file archive is slow to query and "
                  "dominates the time", file=sys.stderr)
    extra = "max_archive_query_results = %d\n" % args.server_max
    # The file store holds 10,000 items per user by default and mod_mam
    # truncates the oldest beyond that (test_faults.ArchiveGapTest).
    extra += "storage_archive_item_limit = %d\n" % (args.messages + 1000)
    if not args.server_nagle:
        extra += "network_settings = { nagle = false }\n"
    if storage == "sql":
        extra += ('storage = { archive = "sql" }\n'
                  'sql = { driver = "SQLite3"; database = "prosody.sqlite" }'
                  '\n')

    # Prosody's data on tmpfs where there is one: its SQLite commits (one
    # per archived message while filling) cost no disk flushes.  Only the
    # server's: petrel-cli's profile stays on the normal temporary dir.
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK):
        tempfile.tempdir = shm
    server = ProsodyServer(
        users={"alice": "alice-cu-pw", "bob": "bob-cu-pw"},
        rosters={"alice": [roster_item("bob@localhost")],
                 "bob": [roster_item("alice@localhost")]},
        log_level="info", config_extra=extra,
        # A MAM client needs no offline store; it would double the
        # server's writes while filling.
        without_modules=("offline",),
        **DELIVERY_OPTIONS)
    try:
        server.start()
    finally:
        tempfile.tempdir = None
    try:
        cli = PetrelCli(server)
        cli.add_account("alice", direct_tls=True)
        peer = SlixPeer(server, "bob", resource="catchup")
        try:
            to = server.jid("alice")
            # One message before alice's first sync gives her store a
            # position in the archive.
            peer.send_message(to, body(0))
            time.sleep(0.5)
            _, first = timed_sync(cli)

            async def send_all():
                t0 = time.monotonic()
                for i in range(1, args.messages + 1):
                    peer.xmpp.send_raw(
                        "<message to='%s' type='chat' id='cu-%d'>"
                        "<body>%s</body></message>" % (to, i, body(i)))
                    if i % 200 == 0:
                        await asyncio.sleep(0)  # let the socket drain
                # Answered only after every message before it was handled.
                await peer.xmpp["xep_0199"].ping(
                    jid=server.domain, timeout=300)
                return time.monotonic() - t0

            fill = asyncio.run_coroutine_threadsafe(
                send_all(), peer._loop).result(timeout=600)
        finally:
            peer.close()

        cpu = {}
        catchup, fetched = timed_sync(cli, server, cpu)
        nothing, fetched_again = timed_sync(cli)

        r = cli.run("history", server.jid("bob"), "--json", "--limit",
                    args.messages * 2, timeout=300)
        stored = [x.get("body") for x in r.json_lines()
                  if x.get("direction") == "in"] if r.returncode == 0 else []
    finally:
        server.stop()

    problems = []
    want = [body(i) for i in range(0, args.messages + 1)]
    if fetched != args.messages:
        problems.append("catch-up fetched %r, want %d"
                        % (fetched, args.messages))
    if fetched_again != 0:
        problems.append("the second sync fetched %r, want 0"
                        % fetched_again)
    if stored != want:
        problems.append("store holds %d messages, want %d exactly once in "
                        "order" % (len(stored), len(want)))
    net = max(catchup - nothing, 1e-6)
    rate = args.messages / net
    result = {
        "messages": args.messages, "storage": storage,
        "server_max": args.server_max, "server_nagle": args.server_nagle,
        "first_sync_fetched": first,
        "fill_seconds": round(fill, 2),
        "catchup_seconds": round(catchup, 3),
        "empty_sync_seconds": round(nothing, 3),
        "fetch_store_seconds": round(net, 3),
        "messages_per_second": round(rate),
        "messages_per_second_incl_login": round(args.messages / catchup),
        "fetched": fetched, "stored": len(stored),
        "client_cpu_seconds": round(cpu["client"], 3),
        "server_cpu_seconds": round(cpu["server"], 3),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print("Archive catch-up of %d messages (Prosody archive storage: %s, "
              "max %d per page, Nagle %s)"
              % (args.messages, storage, args.server_max,
                 "on" if args.server_nagle else "off"))
        print("  server filled in        %7.2f s" % fill)
        print("  sync (catch-up)         %7.3f s  fetched %s"
              % (catchup, fetched))
        print("  sync (nothing new)      %7.3f s  fetched %s"
              % (nothing, fetched_again))
        print("  fetch + store           %7.3f s  = %d messages/s "
              "(%d/s with the login)" % (net, rate,
                                          result["messages_per_second_"
                                                 "incl_login"]))
        print("  CPU during the catch-up %7.3f s petrel-cli, %.3f s Prosody"
              % (cpu["client"], cpu["server"]))
        print("  stored                  %7d" % len(stored))
    if args.target and rate < args.target:
        problems.append("%d messages/s, below the target of %d"
                        % (rate, args.target))
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
