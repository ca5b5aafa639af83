#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop app: startup, memory and a 100,000-message conversation.

Issue "The desktop app" asks for:

  first frame   process start -> the first frame on screen, with an empty
                profile (target < 300 ms) and with a large one, 5,000
                contacts and 200,000 stored messages (target < 500 ms)
  peak RSS      in both (target <= 120 MB with the large profile)
  open          selecting a conversation of 100,000 messages -> its newest
                messages on screen (target < 100 ms)
  scroll back   paging older history in by scrolling up, no frame over 50 ms
  dino          the same for Dino as ratios, when `dino` is installed

How it is measured.  tests/bench/make-large-profile writes the large profile
through app/store (one account at 127.0.0.1 port 1, so it never reaches a
server; it keeps retrying in the background, as it would offline).
tests/bench/bench-first-frame is the app started in-process exactly as
app/ui/main.c does (PetrelApplication, g_application_run) plus hooks on each
window's GdkFrameClock:

  - "first frame" is the first "after-paint" of any window, on
    CLOCK_MONOTONIC, minus the time this script took just before spawning
    the process (so exec, dynamic linking and GTK's start-up count);
    the window is the assistant with an empty profile (a fresh, empty
    folder each run, as at a first start), the main window otherwise;
  - peak RSS is VmHWM from /proc/self/status: at the first frame, and at
    exit (after the conversation was opened and scrolled back);
  - 500 ms after the first frame the probe calls
    petrel_window_open_conversation () (what clicking the conversation in
    the sidebar does) and waits for the first frame in which the list has
    rows and is scrolled to its bottom with content taller than the view;
  - then a tick callback drags the view to the top on every frame, as a user
    dragging the scrollbar up would; the chat view pages in older history
    by itself.  Per frame it records the gap since the previous frame
    (what the user sees) and before-paint -> after-paint (the frame's own
    work); SCROLL_PAGES pages (20) in all;
  - finally petrel_message_list_load_older () is called 20 times directly
    and timed: the model/store side of one page without layout.

Every figure is the median over --runs runs (7).  The display is Xvfb
(this script re-runs itself under `xvfb-run -a` when there is no DISPLAY),
so OpenGL would be Mesa's software one (llvmpipe), whose code, JIT and
buffers count in the process's RSS where a GPU driver's would mostly not.
Petrel itself opens the display without GL when the machine has no GPU
render node (app/ui/petrel-display.c), as here.  Each figure is given for
three set-ups, side by side in one table: "default" (Petrel's choice: no
GL on this machine), "gl" (GSK_RENDERER=gl forces the GL renderer, as on
a machine with a GPU, here emulated by llvmpipe) and "cairo"
(GSK_RENDERER=cairo: GDK 4.8 still loads Mesa at start-up); the resident memory at exit is also
split by kind of mapping, so the part that is Mesa shows.  Main-thread CPU
times are given next to the wall-clock ones: on a machine shared with
other work the wall clock also counts waiting for a CPU.
Settings go to a memory GSettings backend, XDG folders to a temporary
directory.  The exit status is 1 when a target is missed with the
default renderer.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BIG_PEER = "contact0@example.invalid"
ACCOUNT = "bench@example.invalid"

TARGET_FIRST_FRAME_EMPTY_MS = 300
TARGET_FIRST_FRAME_LARGE_MS = 500
TARGET_RSS_LARGE_MB = 120
TARGET_OPEN_MS = 100
TARGET_FRAME_MS = 50

# Resident memory at exit by kind of mapping (bench-first-frame RSS_MAP_KB).
MAPPING_KINDS = ("mesa", "libs", "heap", "anon")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"))
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--contacts", type=int, default=5000)
    p.add_argument("--messages", type=int, default=200000)
    p.add_argument("--big", type=int, default=100000,
                   help="messages in the one large conversation")
    p.add_argument("--pages", type=int, default=20,
                   help="pages to scroll back in the large conversation")
    p.add_argument("--renderers", default="default,gl,cairo",
                   help="comma separated: 'default' (Petrel's choice), 'nogl' (cairo with"
                        " GDK's GL disabled) or a GSK_RENDERER value such as 'gl' or 'cairo'")
    p.add_argument("--keep", action="store_true", help="keep the temporary profiles")
    return p.parse_args()


def ensure_display():
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    if os.environ.get("BENCH_DESKTOP_UNDER_XVFB"):
        sys.exit("bench_desktop_startup: xvfb-run gave no DISPLAY")
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        print("1..0 # SKIP no display and no xvfb-run")
        sys.exit(77)
    env = dict(os.environ, BENCH_DESKTOP_UNDER_XVFB="1")
    # -a searches from -n for a free display; starting at a random number
    # keeps clear of other xvfb-run users on a shared machine.
    os.execve(xvfb_run, [xvfb_run, "-a", "-n", str(random.randint(100, 30000)),
                         "-s", "-screen 0 1280x1024x24 -nolisten tcp",
                         sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env)


def parse_output(text):
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.isupper():
            out[key] = value
    return out


def us_list(value):
    return [int(v) for v in value.split(",") if v] if value else []


def run_probe(probe, profile, env, open_peer=None, pages=20):
    """One run; a run that could not reach the display (a shared machine's
    Xvfb going away) is tried again, twice at most."""
    for attempt in range(3):
        try:
            return run_probe_once(probe, profile, env, open_peer, pages)
        except DisplayLost as e:
            sys.stderr.write("# run failed (%s), trying again\n" % e)
    return run_probe_once(probe, profile, env, open_peer, pages)


class DisplayLost(RuntimeError):
    pass


def run_probe_once(probe, profile, env, open_peer=None, pages=20):
    args = [probe]
    if open_peer:
        args += ["--open", open_peer, "--account", ACCOUNT, "--pages", str(pages)]
    run_env = dict(env, PETREL_PROFILE=profile)
    t_spawn_us = time.monotonic_ns() // 1000
    proc = subprocess.run(args, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=180)
    out = parse_output(proc.stdout)
    if "FIRST_FRAME_US" not in out:
        sys.stderr.write(proc.stderr)
        if "cannot open display" in proc.stderr:
            raise DisplayLost("cannot open display")
        raise RuntimeError("bench-first-frame printed no first frame (exit %d)" % proc.returncode)
    r = {
        "first_frame_ms": (int(out["FIRST_FRAME_US"]) - t_spawn_us) / 1000,
        "main_to_frame_ms": (int(out["FIRST_FRAME_US"]) - int(out["MAIN_US"])) / 1000,
        "window": out.get("FIRST_WINDOW"),
        "rss_first_frame_mb": int(out["RSS_FIRST_FRAME_KB"]) / 1024,
        "rss_peak_mb": int(out.get("RSS_PEAK_KB", out["RSS_FIRST_FRAME_KB"])) / 1024,
        "first_frame_cpu_ms": int(out.get("FIRST_FRAME_CPU_US", -1000)) / 1000,
    }
    by_kind = dict(item.split(":") for item in out.get("RSS_MAP_KB", "").split(",") if ":" in item)
    for kind in MAPPING_KINDS:
        r["rss_map_" + kind] = int(by_kind.get(kind, 0)) / 1024
    if open_peer:
        if "OPEN_NEWEST_US" not in out or int(out["OPEN_NEWEST_US"]) < 0:
            sys.stderr.write(proc.stderr)
            raise RuntimeError("the conversation never showed its newest messages")
        gaps = us_list(out.get("SCROLL_FRAME_GAPS_US"))
        work = us_list(out.get("SCROLL_FRAME_WORK_US"))
        cpu = us_list(out.get("SCROLL_FRAME_CPU_US"))
        loads = us_list(out.get("LOAD_OLDER_US"))
        r.update({
            "rss_before_open_mb": int(out["RSS_BEFORE_OPEN_KB"]) / 1024,
            "open_call_ms": int(out["OPEN_CALL_US"]) / 1000,
            "open_newest_ms": int(out["OPEN_NEWEST_US"]) / 1000,
            "open_items": int(out.get("OPEN_ITEMS", 0)),
            "scroll_pages": int(out.get("SCROLL_PAGES", 0)),
            "scroll_frames": len(gaps),
            "scroll_max_gap_ms": max(gaps) / 1000 if gaps else float("nan"),
            "scroll_median_gap_ms": statistics.median(gaps) / 1000 if gaps else float("nan"),
            "scroll_frames_over_50": sum(1 for g in gaps if g > TARGET_FRAME_MS * 1000),
            "scroll_max_work_ms": max(work) / 1000 if work else float("nan"),
            "scroll_max_cpu_ms": max(cpu) / 1000 if cpu else float("nan"),
            "open_cpu_ms": int(out.get("OPEN_CPU_US", -1000)) / 1000,
            "load_older_median_ms": statistics.median(loads) / 1000 if loads else float("nan"),
            "load_older_max_ms": max(loads) / 1000 if loads else float("nan"),
        })
    return r


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def measure_dino(env, runs):
    """Dino's first window and peak RSS, empty profile, approximated by
    polling xwininfo (no frame-clock hook in a foreign app)."""
    # Debian and Ubuntu name the program dino-im.
    dino = shutil.which("dino") or shutil.which("dino-im")
    if dino is None:
        return None, "dino is not installed: no ratios"
    if shutil.which("xwininfo") is None:
        return None, "dino is installed but xwininfo (x11-utils) is not: no ratios"
    times, rss = [], []
    for _ in range(runs):
        home = tempfile.mkdtemp(prefix="bench-dino-")
        denv = dict(env, XDG_DATA_HOME=home, XDG_CONFIG_HOME=home, XDG_CACHE_HOME=home)
        t0 = time.monotonic()
        proc = subprocess.Popen([dino], env=denv, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        shown = None
        while time.monotonic() - t0 < 30 and shown is None:
            tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True,
                                  text=True).stdout
            if "Dino" in tree and "(has no name)" not in tree.split("Dino")[0][-40:]:
                shown = (time.monotonic() - t0) * 1000
            else:
                time.sleep(0.005)
        time.sleep(1)
        try:
            with open("/proc/%d/status" % proc.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        rss.append(int(line.split()[1]) / 1024)
        except OSError:
            pass
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)
        if shown is not None:
            times.append(shown)
    if not times:
        return None, "dino never showed a window"
    return {"first_window_ms": statistics.median(times),
            "rss_mb": statistics.median(rss) if rss else float("nan")}, \
        "dino: empty profile only, first window mapped (xwininfo polling, coarser than the frame clock)"


RENDERERS = {
    # Petrel picks: without a GPU render node, no GL (petrel-display.c).
    "default": {},
    "cairo": {"GSK_RENDERER": "cairo"},
    # GDK 4.8 sets up GL at start-up even for the cairo renderer; without
    # GL no Mesa code or buffers are in the process at all.
    "nogl": {"GSK_RENDERER": "cairo", "GDK_DEBUG": "gl-disable"},
}


def renderer_env(env, renderer):
    renv = dict(env)
    renv.pop("GSK_RENDERER", None)
    renv.pop("GDK_DEBUG", None)
    if renderer in RENDERERS:
        renv.update(RENDERERS[renderer])
    else:
        renv["GSK_RENDERER"] = renderer
    return renv


def table_rows(empty_runs, large_runs):
    """(name, value, unit, target, ok) for one renderer."""
    rows = []

    def row(name, value, unit, target=None, ok=None):
        rows.append((name, value, unit, target, ok))

    ff_e, ff_l = med(empty_runs, "first_frame_ms"), med(large_runs, "first_frame_ms")
    rss_l = med(large_runs, "rss_peak_mb")
    open_ms = med(large_runs, "open_newest_ms")
    gap_ms = med(large_runs, "scroll_max_gap_ms")
    row("first frame, empty profile (%s)" % empty_runs[0]["window"], ff_e, "ms",
        "< %d" % TARGET_FIRST_FRAME_EMPTY_MS, ff_e < TARGET_FIRST_FRAME_EMPTY_MS)
    row("  of which main() -> first frame", med(empty_runs, "main_to_frame_ms"), "ms")
    row("first frame, large profile (%s)" % large_runs[0]["window"], ff_l, "ms",
        "< %d" % TARGET_FIRST_FRAME_LARGE_MS, ff_l < TARGET_FIRST_FRAME_LARGE_MS)
    row("  of which main() -> first frame", med(large_runs, "main_to_frame_ms"), "ms")
    row("  main-thread CPU until then", med(large_runs, "first_frame_cpu_ms"), "ms")
    row("peak RSS, empty profile", med(empty_runs, "rss_peak_mb"), "MB")
    row("peak RSS, large, at first frame", med(large_runs, "rss_first_frame_mb"), "MB")
    row("peak RSS, large, 0.5 s after", med(large_runs, "rss_before_open_mb"), "MB")
    row("peak RSS, large, at exit", rss_l, "MB",
        "<= %d" % TARGET_RSS_LARGE_MB, rss_l <= TARGET_RSS_LARGE_MB)
    for kind in MAPPING_KINDS:
        row("  resident at exit: %s" % kind, med(large_runs, "rss_map_" + kind), "MB")
    row("open 100k conversation -> newest shown", open_ms, "ms",
        "< %d" % TARGET_OPEN_MS, open_ms < TARGET_OPEN_MS)
    row("  of which open_conversation() call", med(large_runs, "open_call_ms"), "ms")
    row("  main-thread CPU", med(large_runs, "open_cpu_ms"), "ms")
    row("scroll back: longest frame (gap)", gap_ms, "ms",
        "<= %d" % TARGET_FRAME_MS, gap_ms <= TARGET_FRAME_MS)
    row("scroll back: median frame gap", med(large_runs, "scroll_median_gap_ms"), "ms")
    row("scroll back: longest frame work", med(large_runs, "scroll_max_work_ms"), "ms")
    row("scroll back: most main-thread CPU a frame", med(large_runs, "scroll_max_cpu_ms"), "ms")
    row("scroll back: frames > 50 ms / frames",
        "%g/%g" % (med(large_runs, "scroll_frames_over_50"), med(large_runs, "scroll_frames")), "")
    row("scroll back: pages loaded", med(large_runs, "scroll_pages"), "")
    row("load_older() direct, median", med(large_runs, "load_older_median_ms"), "ms")
    row("load_older() direct, max", med(large_runs, "load_older_max_ms"), "ms")
    return rows


def print_table(columns, runs):
    """One table, a column per renderer; returns whether a target was
    missed with the default renderer (the first column)."""
    failed = False
    names = [name for name, _ in columns]
    print()
    print("Medians of %d runs; targets are judged in every column, the exit status"
          " by the first (%s)" % (runs, names[0]))
    print("%-44s %-4s %9s" % ("measure", "", "target") +
          "".join(" %15s" % n for n in names))
    for i, (name, _, unit, target, _) in enumerate(columns[0][1]):
        cells = []
        for c, (_, rows) in enumerate(columns):
            value, ok = rows[i][1], rows[i][4]
            text = "%.1f" % value if isinstance(value, (int, float)) else str(value)
            if ok is not None:
                text += " ok" if ok else " MISS"
                if not ok and c == 0:
                    failed = True
            cells.append(" %15s" % text)
        print("%-44s %-4s %9s" % (name, unit, target or "") + "".join(cells))
    return failed


def main():
    args = parse_args()
    ensure_display()
    build = os.path.abspath(args.build_dir)
    probe = os.path.join(build, "tests", "bench", "bench-first-frame")
    maker = os.path.join(build, "tests", "bench", "make-large-profile")
    for exe in (probe, maker):
        if not os.access(exe, os.X_OK):
            sys.exit("bench_desktop_startup: %s is not built (meson -Dbenchmarks=true)" % exe)

    tmp = tempfile.mkdtemp(prefix="bench-desktop-")
    env = dict(os.environ)
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        env[var] = os.path.join(tmp, sub)
        os.makedirs(env[var])
    env["GSETTINGS_SCHEMA_DIR"] = os.path.join(build, "data")
    env["GSETTINGS_BACKEND"] = "memory"
    env.pop("PETREL_PROFILE", None)

    large = os.path.join(tmp, "large")
    t = time.monotonic()
    subprocess.run([maker, large, str(args.contacts), str(args.messages), str(args.big)],
                   check=True, stdout=subprocess.DEVNULL)
    print("# large profile: %d contacts, %d messages (%d in one conversation), written in %.1f s"
          % (args.contacts, args.messages, args.big, time.monotonic() - t))

    failed = False
    columns = []
    try:
        for renderer in args.renderers.split(","):
            renv = renderer_env(env, renderer)
            empty_runs, large_runs = [], []
            for i in range(args.runs):
                profile = os.path.join(tmp, "empty-%s-%d" % (renderer, i))
                empty_runs.append(run_probe(probe, profile, renv))
            for i in range(args.runs):
                large_runs.append(run_probe(probe, large, renv, BIG_PEER, args.pages))
            columns.append((renderer, table_rows(empty_runs, large_runs)))

            print("# %s: first frame per run, empty: %s" % (renderer,
                  " ".join("%.0f" % r["first_frame_ms"] for r in empty_runs)))
            print("# %s: first frame per run, large: %s" % (renderer,
                  " ".join("%.0f" % r["first_frame_ms"] for r in large_runs)))
            print("# %s: open -> newest per run: %s" % (renderer,
                  " ".join("%.0f" % r["open_newest_ms"] for r in large_runs)))
            print("# %s: longest scroll-back frame per run: %s" % (renderer,
                  " ".join("%.0f" % r["scroll_max_gap_ms"] for r in large_runs)))

            dino, note = measure_dino(renv, args.runs)
            print("# %s: %s" % (renderer, note))
            if dino:
                print("# dino/petrel first window, empty profile: %.2f; peak RSS: %.2f"
                      % (dino["first_window_ms"] / med(empty_runs, "first_frame_ms"),
                         dino["rss_mb"] / med(empty_runs, "rss_peak_mb")))

        failed = print_table(columns, args.runs)
    finally:
        if args.keep:
            print("# kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
