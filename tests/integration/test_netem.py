#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The 500-messages-each-way scenario over a lossy, slow link.

The clients run in a network namespace of their own (`ip netns exec`),
joined to the host by a veth pair; both ends get

    tc qdisc add dev VETH root netem loss 10% delay 200ms 100ms

so every packet each way has a 10 % chance of being lost and 100–300 ms of
delay (which also reorders them).  Prosody stays on the host's loopback;
a pass-through FaultProxy on the host end of the veth forwards to it, and
counts the bytes.  Two senders (`send --stdin`, 50 lines a second) and two
listeners (`listen --json`) then exchange 500 messages each way, and the
checks are those of test_faults.py: every message in the receiver's store
exactly once and in order, every sent message `sent` or later.

The link is the fault here: there are no deliberate cuts (a login over
this link takes seconds, so cutting every few seconds would starve it).

Needs root (or CAP_NET_ADMIN), iproute2 (`ip`, `tc`) and a kernel with
sch_netem; otherwise the test exits 77 (skipped) and says why.
PETREL_NETEM_OPTIONAL=1 runs it without netem where only netem is missing
(to check the namespace plumbing); PETREL_NETEM="loss 5% delay 50ms"
replaces the impairment; PETREL_FAULT_MESSAGES=N changes the 500.
"""

import atexit
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fault_proxy import FaultProxy  # noqa: E402
from prosody_fixture import (  # noqa: E402
    SKIP_EXIT_CODE, PetrelCli, petrel_cli_path, skip_unless_prosody)
from test_faults import FaultCase, bodies, wait_bodies  # noqa: E402

IMPAIRMENT = os.environ.get("PETREL_NETEM", "loss 10% delay 200ms 100ms")


def skip(reason):
    print("SKIP: %s" % reason, file=sys.stderr)
    # meson shows stdout of a skipped test with -v; say it on both.
    print("SKIP: %s" % reason)
    sys.exit(SKIP_EXIT_CODE)


class Unavailable(Exception):
    pass


class Netns:
    """A namespace with one veth pair to the host; removed by cleanup()."""

    def __init__(self):
        pid = os.getpid()
        self.name = "petrel-test-%d" % pid
        self.host_if = "pth%d" % (pid % 10000000)
        self.ns_if = "ptn%d" % (pid % 10000000)
        # A /30 in 10.231.0.0/16 picked from the pid; checked below.
        block = (pid % 16384) * 4
        self.host_ip = "10.231.%d.%d" % (block // 256, block % 256 + 1)
        self.ns_ip = "10.231.%d.%d" % (block // 256, block % 256 + 2)
        self.created = False
        self.impaired = False

    @staticmethod
    def _ip(*args, ns=None, check=True):
        argv = ["ip"]
        if ns:
            argv = ["ip", "netns", "exec", ns]
            if args[0] == "tc":
                argv += list(args)
            else:
                argv += ["ip"] + list(args)
        else:
            argv = (list(args) if args[0] == "tc" else ["ip"] + list(args))
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if check and p.returncode != 0:
            raise Unavailable("`%s` failed: %s" % (
                " ".join(argv), (p.stderr or p.stdout).strip()))
        return p

    def setup(self):
        for tool in ("ip", "tc"):
            if shutil.which(tool) is None:
                raise Unavailable("`%s` not found: install iproute2" % tool)
        used = self._ip("-4", "addr", "show").stdout
        if " %s/" % self.host_ip in used:
            raise Unavailable("address %s already in use" % self.host_ip)
        self._ip("netns", "add", self.name)
        self.created = True
        self._ip("link", "add", self.host_if, "type", "veth", "peer",
                 "name", self.ns_if)
        self._ip("link", "set", self.ns_if, "netns", self.name)
        self._ip("addr", "add", self.host_ip + "/30", "dev", self.host_if)
        self._ip("link", "set", self.host_if, "up")
        self._ip("addr", "add", self.ns_ip + "/30", "dev", self.ns_if,
                 ns=self.name)
        self._ip("link", "set", self.ns_if, "up", ns=self.name)
        self._ip("link", "set", "lo", "up", ns=self.name)

    def impair(self, spec):
        args = spec.split()
        self._ip("tc", "qdisc", "add", "dev", self.host_if, "root", "netem",
                 *args)
        self.impaired = True
        self._ip("tc", "qdisc", "add", "dev", self.ns_if, "root", "netem",
                 *args, ns=self.name)

    def qdisc_stats(self):
        out = []
        for dev, ns in ((self.host_if, None), (self.ns_if, self.name)):
            p = self._ip("tc", "-s", "qdisc", "show", "dev", dev, ns=ns,
                         check=False)
            out.append("%s: %s" % (dev, " ".join(p.stdout.split())))
        return "\n".join(out)

    def cleanup(self):
        if not self.created:
            return
        self.created = False
        # Deleting the namespace takes its end of the veth pair, and with
        # it the host end.
        self._ip("netns", "del", self.name, check=False)
        self._ip("link", "del", self.host_if, check=False)


NETNS = None


class NetnsCli(PetrelCli):
    """petrel-cli run inside the namespace."""

    def argv(self, *args, **kw):
        return ["ip", "netns", "exec", NETNS.name] + super().argv(*args,
                                                                  **kw)


class NetemTest(FaultCase):

    N = int(os.environ.get("PETREL_FAULT_MESSAGES", "500"))
    INTERVAL = 0.02

    def account(self, user, proxy=None, resource=None):
        cli = NetnsCli(self.server)
        cli.add_account(user, direct_tls=True, host=NETNS.host_ip,
                        port=proxy.port, resource=resource)
        return cli

    def test_500_each_way_over_netem(self):
        alice, bob = self.users_pair()
        proxy = FaultProxy(("127.0.0.1", self.server.direct_tls_port),
                           listen_host=NETNS.host_ip)
        self.addCleanup(proxy.close)
        a_send = self.account(alice, proxy, resource="send")
        a_listen = self.account(alice, proxy, resource="listen")
        b_send = self.account(bob, proxy, resource="send")
        b_listen = self.account(bob, proxy, resource="listen")
        la = self.listen(a_listen)
        lb = self.listen(b_listen)
        la.wait_online(timeout=120)
        lb.wait_online(timeout=120)
        a_want = bodies("a2b", self.N)
        b_want = bodies("b2a", self.N)
        t0 = time.monotonic()
        sa = self.sender(a_send, bob, a_want, interval=self.INTERVAL,
                         timeout=120)
        sb = self.sender(b_send, alice, b_want, interval=self.INTERVAL,
                         timeout=120)
        self.assertSends(sa, 480)
        self.assertSends(sb, 480)
        sending = time.monotonic() - t0
        wait_bodies(lb, a_want, 240)
        wait_bodies(la, b_want, 240)
        up, down = proxy.totals()
        print("\n%d each way over `netem %s`: senders done in %.1fs, "
              "%d connections, %d bytes up, %d down\n%s"
              % (self.N, IMPAIRMENT if NETNS.impaired else "(none)",
                 sending, len(proxy.connections), up, down,
                 NETNS.qdisc_stats()), file=sys.stderr)
        for listener in (la, lb):
            code = listener.stop()
            self.assertEqual(code, 0, "listen ended with %r; stderr tail:\n%s"
                             % (code, "".join(listener.stderr_lines)[-3000:]))
        self.assertPrintedOnce(la, b_want)
        self.assertPrintedOnce(lb, a_want)
        self.assertStoredOnceInOrder(b_listen, alice, a_want)
        self.assertStoredOnceInOrder(a_listen, bob, b_want)
        self.assertAllSent(a_send, bob, a_want)
        self.assertAllSent(b_send, alice, b_want)


def main():
    global NETNS
    skip_unless_prosody()
    if not os.access(petrel_cli_path(), os.X_OK):
        print("petrel-cli not found at %s (set PETREL_CLI)"
              % petrel_cli_path(), file=sys.stderr)
        sys.exit(1)
    NETNS = Netns()
    atexit.register(NETNS.cleanup)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(1))
    try:
        NETNS.setup()
    except Unavailable as e:
        NETNS.cleanup()
        skip("no network namespace with a veth pair here (needs root or "
             "CAP_NET_ADMIN and iproute2): %s" % e)
    try:
        NETNS.impair(IMPAIRMENT)
    except Unavailable as e:
        if os.environ.get("PETREL_NETEM_OPTIONAL") == "1":
            print("netem unavailable, running without it: %s" % e,
                  file=sys.stderr)
            NETNS._ip("tc", "qdisc", "del", "dev", NETNS.host_if, "root",
                      check=False)
            NETNS.impaired = False
        else:
            NETNS.cleanup()
            skip("tc netem is not available (kernel without sch_netem?): "
                 "%s" % e)
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
