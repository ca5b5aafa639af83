/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xep-0203-delay"

#include "xep-0203-delay.h"

#include <string.h>

/* XEP-0082 dates are short; anything longer is not one. */
#define MAX_DATETIME_LEN 64

GDateTime *
xmpp_datetime_parse (const char *text)
{
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) latest = NULL;
  g_autoptr(GTimeZone) utc = NULL;

  if (text == NULL || strnlen (text, MAX_DATETIME_LEN + 1) > MAX_DATETIME_LEN)
    return NULL;

  /* XEP-0082 §3.2 requires a time zone; without one the text would be
   * read as local time, so refuse it. */
  utc = g_time_zone_new_utc ();
  parsed = g_date_time_new_from_iso8601 (text, NULL);
  if (parsed == NULL)
    return NULL;

  now = g_date_time_new_now_utc ();
  latest = g_date_time_add_days (now, 1);
  if (g_date_time_to_unix (parsed) < 0 || g_date_time_compare (parsed, latest) > 0)
    return NULL;

  return g_date_time_to_timezone (parsed, utc);
}

GDateTime *
xmpp_delay_get_stamp (const XmppNode *stanza)
{
  XmppNode *delay;

  g_return_val_if_fail (stanza != NULL, NULL);

  delay = xmpp_node_get_child (stanza, "delay", XMPP_NS_DELAY);
  if (delay == NULL)
    return NULL;

  return xmpp_datetime_parse (xmpp_node_get_attr (delay, "stamp"));
}
