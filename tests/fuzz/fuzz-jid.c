/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for XmppJid.
 *
 * Any input either fails with an XMPP_JID_ERROR carrying a printable
 * message, or gives a JID whose printed form parses back to an equal JID
 * (same string, same hash), and which xmpp_jid_new() rebuilds from its
 * parts.  A broken invariant calls abort(), which libFuzzer reports.
 */
#include "xmpp-jid.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check (gboolean ok)
{
  if (!ok)
    abort ();
}

static void
check_same (const XmppJid *a,
            const XmppJid *b)
{
  check (b != NULL);
  check (xmpp_jid_equal (a, b));
  check (xmpp_jid_equal (b, a));
  check (xmpp_jid_hash (a) == xmpp_jid_hash (b));
  check (strcmp (xmpp_jid_to_string (a), xmpp_jid_to_string (b)) == 0);
  check (xmpp_jid_equal_bare (a, b));
}

static void
check_part (const char *part)
{
  check (part == NULL || (*part != '\0' && strlen (part) <= 1023));
  check (part == NULL || g_utf8_validate (part, -1, NULL));
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* The API takes C strings: an embedded NUL ends the input. */
  g_autofree char *str = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = xmpp_jid_parse (str, &error);
  g_autoptr(XmppJid) again = NULL;
  g_autoptr(XmppJid) rebuilt = NULL;
  g_autoptr(XmppJid) bare = NULL;
  g_autoptr(XmppJid) bare_again = NULL;
  g_autoptr(XmppJid) with_resource = NULL;

  if (jid == NULL)
    {
      check (error != NULL && error->domain == XMPP_JID_ERROR);
      check (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  check (error == NULL);

  check_part (xmpp_jid_get_local (jid));
  check_part (xmpp_jid_get_domain (jid));
  check_part (xmpp_jid_get_resource (jid));
  check (xmpp_jid_get_domain (jid) != NULL);

  /* Preparation is idempotent: the printed form is its own prepared form. */
  again = xmpp_jid_parse (xmpp_jid_to_string (jid), &error);
  check (error == NULL);
  check_same (jid, again);

  rebuilt = xmpp_jid_new (xmpp_jid_get_local (jid), xmpp_jid_get_domain (jid),
                          xmpp_jid_get_resource (jid), &error);
  check (error == NULL);
  check_same (jid, rebuilt);

  with_resource = xmpp_jid_with_resource (jid, xmpp_jid_get_resource (jid), &error);
  check (error == NULL);
  check_same (jid, with_resource);

  bare = xmpp_jid_dup_bare (jid);
  check (xmpp_jid_is_bare (bare));
  check (xmpp_jid_equal_bare (jid, bare));
  check (xmpp_jid_equal (jid, bare) == xmpp_jid_is_bare (jid));
  bare_again = xmpp_jid_parse (xmpp_jid_get_bare_string (jid), &error);
  check (error == NULL);
  check_same (bare, bare_again);

  return 0;
}
