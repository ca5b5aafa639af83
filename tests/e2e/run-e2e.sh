#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs test_desktop_e2e.py in a private D-Bus session under Xvfb, with
# GTK talking AT-SPI (the meson test_env turns it off: GTK_A11Y=test,
# NO_AT_BRIDGE=1).  Exits 77 (skip) when a tool it needs is missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3 || true)

skip() { echo "SKIP: $*" >&2; exit 77; }

command -v Xvfb >/dev/null 2>&1 || skip "Xvfb is not installed (xvfb)"
command -v xvfb-run >/dev/null 2>&1 || skip "xvfb-run is not installed (xvfb)"
command -v dbus-run-session >/dev/null 2>&1 ||
  skip "dbus-run-session is not installed (dbus)"
[ -n "$python" ] || skip "python3 is not installed"
"$python" -c 'import dogtail' 2>/dev/null ||
  skip "python3-dogtail is not installed"
"$python" -c 'import gi; gi.require_version("Atspi", "2.0")' 2>/dev/null ||
  skip "the AT-SPI GObject bindings (gir1.2-atspi-2.0) are not installed"
prosody=${PETREL_PROSODY:-$(command -v prosody || echo /usr/bin/prosody)}
[ -x "$prosody" ] || skip "prosody is not installed"

launcher=
for p in /usr/libexec/at-spi-bus-launcher /usr/lib/at-spi2-core/at-spi-bus-launcher \
         /usr/lib/at-spi2/at-spi-bus-launcher; do
  [ -x "$p" ] && { launcher=$p; break; }
done
[ -n "$launcher" ] || skip "at-spi-bus-launcher is not installed (at-spi2-core)"

# Xvfb's framebuffer (-fbdir, read for the screenshot) and the bus config.
fbdir=$(mktemp -d "${TMPDIR:-/tmp}/petrel-e2e.XXXXXX")
trap 'rm -rf "$fbdir"' EXIT INT TERM

# A session bus of our own whose only activatable service is the a11y bus:
# no gnome-keyring (its Secret Service has no "login" collection here and
# would fail the sign-in), no portals, nothing from the host.
mkdir "$fbdir/services"
cat >"$fbdir/services/org.a11y.Bus.service" <<EOS
[D-BUS Service]
Name=org.a11y.Bus
Exec=$launcher
EOS
cat >"$fbdir/session.conf" <<EOS
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=$fbdir</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$fbdir/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOS

unset GTK_A11Y DBUS_SESSION_BUS_ADDRESS AT_SPI_BUS_ADDRESS
export NO_AT_BRIDGE=0 GTK_A11Y=atspi
export PETREL_E2E_FBDIR="$fbdir" PETREL_E2E_ATSPI_LAUNCHER="$launcher"
export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

# Inside the session: start the accessibility bus first (it would also be
# D-Bus activated on demand, but starting it here avoids a race with the
# first AT-SPI call), then the test.
dbus-run-session --config-file="$fbdir/session.conf" -- xvfb-run -a -s "-screen 0 1280x800x24 -br -fbdir $fbdir" \
  sh -c '
    "$PETREL_E2E_ATSPI_LAUNCHER" --launch-immediately >/dev/null 2>&1 &
    launcher_pid=$!
    "$0" "$@"
    rc=$?
    kill "$launcher_pid" 2>/dev/null
    exit $rc
  ' "$python" "$here/test_desktop_e2e.py" "$@"
