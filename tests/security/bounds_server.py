# SPDX-License-Identifier: GPL-3.0-or-later
"""A Prosody for the resource-bound tests (test-security-bounds.c).

bob's roster holds ROSTER_SIZE contacts, written straight into Prosody's
storage before it starts; `flood` is one of them.  The script prints
PORT, CA and READY, then takes commands on stdin, one a line:

    FLOOD <count> <per_second> <to>   `flood` sends <count> presences to
                                      the full JID <to> at that rate;
                                      prints FLOODED <seconds>
    (end of input)                    stops Prosody and removes its files

Run with /usr/bin/python3; prints SKIP when prosody is not installed.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from security_fixture import RawPeer  # noqa: E402
import prosody_fixture as f  # noqa: E402

ROSTER_SIZE = int(os.environ.get("PETREL_BOUNDS_ROSTER", "20000"))


def flood(server, count, per_second, to):
    peer = RawPeer(server, "flood", "flood")
    try:
        batch = max(1, per_second // 100)
        start = time.monotonic()
        sent = 0
        while sent < count:
            n = min(batch, count - sent)
            peer.send_raw("".join(
                "<presence to='%s'><show>%s</show><status>status %d</status>"
                "</presence>" % (to, ("away", "dnd", "xa", "chat")[i % 4], i)
                for i in range(sent, sent + n)))
            sent += n
            # Keep to the rate: the next batch leaves at its time.
            delay = start + sent / per_second - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        return time.monotonic() - start
    finally:
        peer.close()


def main():
    if not f.prosody_available():
        print("SKIP", flush=True)
        return
    users = {"bob": "bob-pw", "flood": "flood-pw"}
    items = [f.roster_item("contact%05d@localhost" % i, name="Contact %d" % i,
                           groups=("Group %d" % (i % 50),))
             for i in range(ROSTER_SIZE - 1)]
    items.append(f.roster_item("flood@localhost", name="Flood"))
    rosters = {"bob": items,
               "flood": [f.roster_item("bob@localhost")]}
    with f.ProsodyServer(users=users, rosters=rosters,
                         log_level="info") as server:
        print("PORT %d" % server.c2s_port)
        print("CA %s" % server.ca_file)
        print("READY", flush=True)
        for line in sys.stdin:
            words = line.split()
            if words and words[0] == "FLOOD":
                seconds = flood(server, int(words[1]), int(words[2]),
                                words[3])
                print("FLOODED %.3f" % seconds, flush=True)


if __name__ == "__main__":
    main()
