#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Resource bounds under load: a 20,000-item roster and 10,000 presences a
second from a contact, against a real Prosody.

Runs tests/security/test-security-bounds (which asserts the bounds) a few
times and reports its figures: the longest main-loop block as the main
thread's own work and on the clock, and the growth of the resident set.

    meson test -C build --benchmark bench_flood -v
    tests/bench/bench_flood.py --runs 5 build/tests/security/test-security-bounds
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

FIELDS = [
    ("roster_longest_block_ms", "roster: longest block, work (ms)"),
    ("roster_longest_wall_ms", "roster: longest block, clock (ms)"),
    ("roster_rss_growth_mb", "roster: resident set growth (MB)"),
    ("flood_longest_block_ms", "flood: longest block, work (ms)"),
    ("flood_longest_wall_ms", "flood: longest block, clock (ms)"),
    ("flood_rss_growth_mb", "flood: resident set growth (MB)"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", help="test-security-bounds")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    env = dict(os.environ)
    env.setdefault("PETREL_SECURITY_DIR", os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "security"))
    runs = []
    for i in range(args.runs):
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            env["PETREL_BOUNDS_REPORT"] = report.name
            p = subprocess.run([args.binary], env=env, capture_output=True,
                               text=True)
            if p.returncode == 77:
                print("SKIP: prosody is not installed")
                return 77
            with open(report.name) as f:
                text = f.read()
            if not text:
                sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
                return 1
            figures = json.loads(text)
            figures["passed"] = p.returncode == 0
            runs.append(figures)
            print("run %d: %s" % (i + 1, json.dumps(figures)), flush=True)

    first = runs[0]
    print("\n%d-item roster, %d presences at %d/s, %d runs (median / max)"
          % (first["roster_items"], first["flood_presences"],
             first["flood_rate"], len(runs)))
    for key, label in FIELDS:
        values = [r[key] for r in runs]
        print("  %-38s %8.1f %8.1f" % (label, statistics.median(values),
                                        max(values)))
    failed = [r for r in runs if not r["passed"]]
    print("  bounds held in %d of %d runs" % (len(runs) - len(failed),
                                              len(runs)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
