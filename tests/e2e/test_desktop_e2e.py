# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the desktop client, driven through AT-SPI.

Runs under Xvfb inside a private D-Bus session (see run-e2e.sh):

  1. start a Prosody (tests/integration/prosody_fixture.py) with alice and
     bob, each in the other's roster;
  2. launch Petrel with a fresh profile and sign alice in through the
     assistant (Address, Password, advanced Server Host / Port / CA file),
     keeping the password in the profile (there is no Secret Service here);
  3. bob (python3-slixmpp) writes "hi alice" so a conversation appears;
     select it in the "Conversations" list, type into "Message", press
     "Send" and check that bob received the text;
  4. bob replies and the reply must show up under the "Messages" list;
  5. save a PNG screenshot of the main window to $PETREL_TEST_LOGDIR and
     fail if Petrel logged a CRITICAL in one of its own log domains.

Exits 77 (skip) when Xvfb, dbus-run-session, dogtail/AT-SPI or prosody are
missing.  Run with /usr/bin/python3.
"""

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import warnings
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

SKIP = 77

# libatspi deprecated the get_*_iface() and Action.get_action_name()
# spellings that gi still routes through; they work, keep the log quiet.
warnings.filterwarnings("ignore", category=DeprecationWarning)


def skip(reason):
    print("SKIP: " + reason, file=sys.stderr)
    sys.exit(SKIP)


try:
    import dogtail  # noqa: F401 - only to check python3-dogtail is there
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi
except (ImportError, ValueError) as e:
    skip("python3-dogtail / AT-SPI GObject bindings not available (%s)" % e)

from prosody_fixture import (  # noqa: E402
    ProsodyServer, SlixPeer, prosody_available, roster_item)

if not prosody_available():
    skip("prosody is not installed")
if not os.environ.get("DISPLAY"):
    skip("no X display (run through run-e2e.sh, which starts Xvfb)")

BUILD_ROOT = os.environ.get("MESON_BUILD_ROOT") or os.path.normpath(
    os.path.join(HERE, "..", "..", "build"))
PETREL_APP = os.environ.get("PETREL_APP") or os.path.join(
    BUILD_ROOT, "app", "ui", "petrel")
LOGDIR = os.environ.get("PETREL_TEST_LOGDIR") or os.path.join(
    BUILD_ROOT, "meson-logs")
FBDIR = os.environ.get("PETREL_E2E_FBDIR")

if not os.access(PETREL_APP, os.X_OK):
    print("FAIL: Petrel binary not found at %s" % PETREL_APP, file=sys.stderr)
    sys.exit(1)

# Petrel's own log domains (G_LOG_DOMAIN in app/): a CRITICAL from one of
# them fails the test; third-party ones (Gtk, Adwaita, ...) are only shown.
OWN_CRITICAL_ANY = re.compile(r"\b((?:petrel|xep|xmpp|cli|main)[\w-]*)"
                              r"-CRITICAL\b")


def log(msg):
    print("[%7.2f] %s" % (time.monotonic() - T0, msg), flush=True)


T0 = time.monotonic()


# ---------------------------------------------------------------------------
# AT-SPI helpers

def safe(fn, default=None):
    try:
        return fn()
    except Exception:  # noqa: BLE001 - objects vanish while we look
        return default


def children(acc):
    n = safe(acc.get_child_count, 0) or 0
    for i in range(n):
        c = safe(lambda: acc.get_child_at_index(i))
        if c is not None:
            yield c


def walk(acc, depth=0, max_depth=60):
    """Every descendant of ACC, depth first (GTK 4.8 has no SHOWING state,
    so this is the showingOnly=False search)."""
    yield acc
    if depth >= max_depth:
        return
    for c in children(acc):
        yield from walk(c, depth + 1, max_depth)


def role(acc):
    return safe(acc.get_role_name, "") or ""


def name(acc):
    return safe(acc.get_name, "") or ""


def has_iface(acc, iface):
    return iface in (safe(acc.get_interfaces, []) or [])


def text_of(acc):
    """The Text contents; GTK 4.8 answers "" to GetText(0, -1), so ask
    for the character count first."""
    if not has_iface(acc, "Text"):
        return ""
    n = safe(lambda: Atspi.Text.get_character_count(acc), 0) or 0
    if n <= 0:
        return ""
    return safe(lambda: Atspi.Text.get_text(acc, 0, n), "") or ""


def find(root, pred):
    for a in walk(root):
        if safe(lambda: pred(a), False):
            return a
    return None


def find_all(root, pred):
    return [a for a in walk(root) if safe(lambda: pred(a), False)]


def wait_for(what, fn, timeout=30, interval=0.25):
    deadline = time.monotonic() + timeout
    while True:
        r = fn()
        if r:
            return r
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %ss waiting for %s"
                                 % (timeout, what))
        time.sleep(interval)


def by(role_name, exact=None, contains=None):
    def pred(a):
        if role(a) != role_name:
            return False
        n = name(a)
        if exact is not None:
            return n == exact
        if contains is not None:
            return contains in n
        return True
    return pred


def click(acc):
    assert has_iface(acc, "Action"), \
        "%s %r has no Action" % (role(acc), name(acc))
    action = acc
    for i in range(Atspi.Action.get_n_actions(action)):
        if Atspi.Action.get_action_name(action, i) in ("click", "activate",
                                                        "press"):
            return Atspi.Action.do_action(action, i)
    return Atspi.Action.do_action(action, 0)


def set_text(acc, value):
    assert has_iface(acc, "EditableText"), \
        "%s %r is not editable" % (role(acc), name(acc))
    Atspi.EditableText.set_text_contents(acc, value)
    wait_for("%r to hold the typed text" % name(acc),
             lambda: text_of(acc) == value or name(acc) == "Password",
             timeout=5)


def dump(acc, out, depth=0):
    out.append("%s[%s] %r %r" % ("  " * depth, role(acc), name(acc),
                                 text_of(acc)[:80]))
    for c in children(acc):
        dump(c, out, depth + 1)


def find_app(timeout=30):
    def look():
        desktop = Atspi.get_desktop(0)
        for app in children(desktop):
            if name(app) == "petrel":
                return app
        return None
    return wait_for("Petrel on the accessibility bus", look, timeout)


# ---------------------------------------------------------------------------
# Screenshot: Xvfb's -fbdir framebuffer is an XWD file; write it as PNG.

def _png(width, height, rgb_rows):
    def chunk(kind, data):
        c = kind + data
        return (struct.pack(">I", len(data)) + c
                + struct.pack(">I", zlib.crc32(c) & 0xffffffff))
    raw = b"".join(b"\x00" + row for row in rgb_rows)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                         0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b""))


def _content_box(data, width, height, bytes_per_line, step):
    """The bounding box of everything not black (Xvfb runs with -br, a
    black root window, and there is no window manager): the windows."""
    left, right, top, bottom = width, -1, None, None
    for y in range(height):
        line = data[y * bytes_per_line:y * bytes_per_line + width * step]
        stripped = line.lstrip(b"\x00")
        if not stripped:
            continue
        if top is None:
            top = y
        bottom = y
        left = min(left, (len(line) - len(stripped)) // step)
        right = max(right, (len(line.rstrip(b"\x00")) - 1) // step)
    if top is None:
        return None
    return (left, top, right - left + 1, bottom - top + 1)


def xwd_to_png(xwd, crop=None):
    fields = struct.unpack(">25I", xwd[:100])
    (header_size, _version, pixmap_format, depth, width, height, _xoff,
     byte_order, _unit, _bit_order, _pad, bpp, bytes_per_line, _vclass,
     red_mask, green_mask, blue_mask, _bits_rgb, _cmap_entries,
     ncolors) = fields[:20]
    if pixmap_format != 2 or bpp not in (24, 32):
        raise ValueError("unsupported XWD: format %d, %d bpp"
                         % (pixmap_format, bpp))
    data = xwd[header_size + 12 * ncolors:]
    x0, y0, w, h = 0, 0, width, height
    if crop == "auto":
        crop = _content_box(data, width, height, bytes_per_line, bpp // 8)
    if crop:
        cx, cy, cw, ch = crop
        x0, y0 = max(0, cx), max(0, cy)
        w = min(width, cx + cw) - x0
        h = min(height, cy + ch) - y0
        if w <= 0 or h <= 0:
            x0, y0, w, h = 0, 0, width, height
    step = bpp // 8
    endian = "<" if byte_order == 0 else ">"
    shifts = []
    for mask in (red_mask, green_mask, blue_mask):
        s = 0
        while mask and not (mask >> s) & 1:
            s += 1
        shifts.append((s, mask))
    fast = (step == 4 and byte_order == 0 and red_mask == 0xff0000
            and green_mask == 0xff00 and blue_mask == 0xff)
    rows = []
    for y in range(y0, y0 + h):
        line = data[y * bytes_per_line + x0 * step:
                    y * bytes_per_line + (x0 + w) * step]
        out = bytearray(3 * w)
        if fast:  # B G R X in memory
            out[0::3] = line[2::4]
            out[1::3] = line[1::4]
            out[2::3] = line[0::4]
        else:
            for x in range(w):
                px = line[x * step:(x + 1) * step]
                if step == 3:
                    px = px + b"\x00" if endian == "<" else b"\x00" + px
                v = struct.unpack(endian + "I", px)[0]
                for k, (s, m) in enumerate(shifts):
                    out[3 * x + k] = ((v & m) >> s) & 0xff
        rows.append(bytes(out))
    return _png(w, h, rows), depth


def save_screenshot(path, crop=None):
    if not FBDIR:
        log("no PETREL_E2E_FBDIR: screenshot skipped")
        return None
    src = os.path.join(FBDIR, "Xvfb_screen0")
    with open(src, "rb") as f:
        xwd = f.read()
    png, _ = xwd_to_png(xwd, crop)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(png)
    log("screenshot: %s" % path)
    return path


# ---------------------------------------------------------------------------

def main():
    Atspi.init()
    passwords = {"alice": "alice-e2e-pw", "bob": "bob-e2e-pw"}
    rosters = {"alice": [roster_item("bob@localhost", "Bob", ["Friends"])],
               "bob": [roster_item("alice@localhost", "Alice", ["Friends"])]}
    profile = tempfile.mkdtemp(prefix="petrel-e2e-profile-")
    app_log_path = os.path.join(profile, "petrel-stderr.log")
    proc = None
    bob = None
    frame = None
    ok = False
    server = ProsodyServer(users=passwords, rosters=rosters, mam=True)
    try:
        server.start()
        log("prosody on c2s %d" % server.c2s_port)

        env = dict(os.environ)
        env.pop("G_DEBUG", None)   # third-party warnings must not abort
        env.update({
            "PETREL_PROFILE": profile,
            "NO_AT_BRIDGE": "0",
            "GTK_A11Y": "atspi",
            "GSETTINGS_BACKEND": "memory",
            "G_MESSAGES_DEBUG": "",
            "LANGUAGE": "C", "LC_ALL": "C.UTF-8",
        })
        app_log = open(app_log_path, "wb")
        proc = subprocess.Popen([PETREL_APP], env=env, stdout=app_log,
                                stderr=subprocess.STDOUT)
        app = find_app()
        log("petrel is on the accessibility bus")

        # -- sign in through the assistant ---------------------------------
        address = wait_for("the assistant's Address field", lambda: find(
            app, by("text", exact="Address")))
        set_text(address, "alice@localhost")
        set_text(find(app, by("text", exact="Password")), passwords["alice"])
        set_text(find(app, by("text", exact="Server Host")), "127.0.0.1")
        set_text(find(app, by("text", exact="Port")), str(server.c2s_port))
        set_text(find(app, by("text",
                              exact="Trusted CA Certificate (PEM File)")),
                 server.ca_file)
        sign_in = find(app, by("push button", exact="Sign In"))
        assert sign_in is not None, "no Sign In button"
        click(sign_in)
        log("Sign In pressed")

        def after_sign_in():
            keep = find(app, by("push button", contains="Keep in Profile"))
            if keep is not None:
                return ("keep", keep)
            f = find(app, lambda a: role(a) == "frame" and name(a) == "Petrel")
            if f is not None:
                return ("main", f)
            for alert in find_all(app, lambda a: role(a) == "alert"):
                msg = text_of(alert) or name(alert)
                if msg and msg != "GtkLabel" and "Address" not in msg:
                    # Only a sentence from the Sign In page counts.
                    return ("error", msg)
            return None
        kind, obj = wait_for("sign-in to finish", after_sign_in, timeout=40)
        if kind == "error":
            raise AssertionError("sign-in failed: %s" % obj)
        if kind == "keep":
            log("keyring dialog: %r" % name(obj))
            click(obj)
        frame = wait_for("the main window", lambda: find(
            app, lambda a: role(a) == "frame" and name(a) == "Petrel"),
            timeout=30)
        log("main window is up")

        # -- bob writes first so a conversation appears ---------------------
        bob = SlixPeer(server, "bob", resource="e2e")
        conversations = wait_for("the Conversations list", lambda: find(
            frame, by("list", exact="Conversations")))
        bob.send_message("alice@localhost", "hi alice")
        wait_for("a conversation row", lambda:
                 (safe(conversations.get_child_count, 0) or 0) > 0
                 and find(conversations, lambda a: "hi alice" in name(a)
                          or "hi alice" in text_of(a)
                          or "Bob" in name(a) or "Bob" in text_of(a)),
                 timeout=30)
        log("conversation row appeared")
        assert has_iface(conversations, "Selection"), \
            "the Conversations list has no Selection"
        Atspi.Selection.select_child(conversations, 0)

        messages = wait_for("the Messages list", lambda: find(
            frame, by("list", exact="Messages")))
        wait_for("bob's first message in the chat", lambda: find(
            messages, lambda a: "hi alice" in name(a)
            or "hi alice" in text_of(a)), timeout=20)
        log("chat with bob is open")

        # -- alice sends ------------------------------------------------------
        body = "hello bob from the e2e test \u2014 \u00fcn\u00efc\u00f6d\u00e9"
        composer = wait_for("the Message composer", lambda: find(
            frame, by("text", exact="Message")))
        set_text(composer, body)
        send = wait_for("an enabled Send button", lambda: find(
            frame, lambda a: role(a) == "push button" and name(a) == "Send"
            and safe(lambda: a.get_state_set().contains(
                Atspi.StateType.SENSITIVE), True)), timeout=10)
        click(send)
        log("Send pressed")
        got = bob.wait_message(lambda m: m["body"] == body, timeout=20)
        assert got["from"].bare == "alice@localhost", got["from"]
        log("bob received it from %s" % got["from"])
        wait_for("the composer to be cleared",
                 lambda: text_of(composer) == "", timeout=10)

        # -- bob replies ------------------------------------------------------
        bob.send_message(str(got["from"]), "reply from bob")
        wait_for("bob's reply in the Messages list", lambda: find(
            messages, lambda a: "reply from bob" in name(a)
            or "reply from bob" in text_of(a)), timeout=20)
        log("the reply is in the window")
        time.sleep(0.5)  # let the frame paint before the screenshot
        ok = True
    except BaseException:
        if frame is not None or proc is not None:
            try:
                tree = []
                if proc is not None:
                    app = find_app(timeout=2)
                    dump(app, tree)
                dump_path = os.path.join(LOGDIR, "e2e-desktop-a11y-tree.txt")
                os.makedirs(LOGDIR, exist_ok=True)
                with open(dump_path, "w") as f:
                    f.write("\n".join(tree) + "\n")
                print("accessibility tree: %s" % dump_path, file=sys.stderr)
            except Exception as e:  # noqa: BLE001
                print("could not dump the tree: %r" % e, file=sys.stderr)
        raise
    finally:
        # The main window, cut out of the root window by its extent (GTK 4
        # does not report screen coordinates, so AT-SPI cannot say where).
        crop = "auto" if frame is not None else None
        try:
            save_screenshot(os.path.join(
                LOGDIR, "e2e-desktop-main-window.png"
                if ok else "e2e-desktop-failure.png"), crop)
        except Exception as e:  # noqa: BLE001 - never hide the real result
            print("screenshot failed: %r" % e, file=sys.stderr)
        if bob is not None:
            bob.close()
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        server.stop()
        app_output = ""
        if os.path.exists(app_log_path):
            with open(app_log_path, errors="replace") as f:
                app_output = f.read()
        if app_output.strip():
            print("---- petrel output ----\n%s----" % app_output,
                  file=sys.stderr)
        shutil.rmtree(profile, ignore_errors=True)

    own = sorted(set(OWN_CRITICAL_ANY.findall(app_output)))
    if own:
        print("FAIL: Petrel logged CRITICAL in %s" % ", ".join(own),
              file=sys.stderr)
        return 1
    log("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
