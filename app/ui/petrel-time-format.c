/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Formats for the conversation list (the time of the last activity: the
 * clock today, a weekday this week, a date before) and for messages (the
 * clock, a day separator, and the full date in tooltips).  Every format
 * is translatable, so a locale can order its parts.
 */
#define G_LOG_DOMAIN "petrel-time-format"

#include <glib/gi18n.h>

#include "petrel-time-format.h"

/* g_date_time_to_local () looks the local zone up again on every call
 * (reading the system's zone information); views format hundreds of
 * times while binding rows, so the zone is kept and looked up again at
 * most once a minute, which still follows a change of zone. */
#define ZONE_REFRESH_USEC (60 * G_USEC_PER_SEC)

static GDateTime *
to_local (GDateTime *time)
{
  static GTimeZone *zone;
  static gint64 zone_time;
  gint64 now = g_get_monotonic_time ();

  if (zone == NULL || now - zone_time > ZONE_REFRESH_USEC)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      zone = g_time_zone_new_local ();
      zone_time = now;
    }

  return g_date_time_to_timezone (time, zone);
}

/* "14:05" */
char *
petrel_time_format_clock (GDateTime *time)
{
  g_autoptr (GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");

  local = to_local (time);
  /* Translators: the time of a message; see g_date_time_format (). */
  return g_date_time_format (local, _("%H:%M"));
}

gboolean
petrel_time_same_day (GDateTime *a,
                      GDateTime *b)
{
  g_autoptr (GDateTime) la = NULL;
  g_autoptr (GDateTime) lb = NULL;
  int ya, ma, da, yb, mb, db;

  if (a == NULL || b == NULL)
    return a == b;

  la = to_local (a);
  lb = to_local (b);
  g_date_time_get_ymd (la, &ya, &ma, &da);
  g_date_time_get_ymd (lb, &yb, &mb, &db);

  return ya == yb && ma == mb && da == db;
}

/* Whole local days from @time to @now (0 today, 1 yesterday). */
static int
days_between (GDateTime *time,
              GDateTime *now)
{
  g_autoptr (GDateTime) lt = to_local (time);
  g_autoptr (GDateTime) ln = to_local (now);
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GDateTime) dn = NULL;
  int y, m, d;

  g_date_time_get_ymd (lt, &y, &m, &d);
  dt = g_date_time_new_local (y, m, d, 0, 0, 0);
  g_date_time_get_ymd (ln, &y, &m, &d);
  dn = g_date_time_new_local (y, m, d, 0, 0, 0);

  /* Rounded: a day with a DST change is 23 or 25 hours long. */
  return (int) ((g_date_time_difference (dn, dt) + G_TIME_SPAN_HOUR * 12) / G_TIME_SPAN_DAY);
}

/* "Today", "Yesterday", "Monday, 3 March 2026" */
char *
petrel_time_format_day (GDateTime *time,
                        GDateTime *now)
{
  g_autoptr (GDateTime) local = NULL;
  int days;

  if (time == NULL)
    return g_strdup ("");

  days = days_between (time, now);
  if (days == 0)
    return g_strdup (_("Today"));
  if (days == 1)
    return g_strdup (_("Yesterday"));

  local = to_local (time);
  /* Translators: a day separator in a conversation; see g_date_time_format (). */
  return g_date_time_format (local, _("%A, %e %B %Y"));
}

/* "Monday, 3 March 2026, 14:05:33", for tooltips */
char *
petrel_time_format_full (GDateTime *time)
{
  g_autoptr (GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");

  local = to_local (time);
  /* Translators: the full time of a message; see g_date_time_format (). */
  return g_date_time_format (local, _("%A, %e %B %Y, %H:%M:%S"));
}

/* "14:05", "Yesterday", "Monday", "03/03/26" */
char *
petrel_time_format_activity (gint64     unix_usec,
                             GDateTime *now)
{
  g_autoptr (GDateTime) time = NULL;
  g_autoptr (GDateTime) local = NULL;
  int days;

  if (unix_usec <= 0)
    return g_strdup ("");

  time = g_date_time_new_from_unix_utc (unix_usec / G_USEC_PER_SEC);
  if (time == NULL)
    return g_strdup ("");

  days = days_between (time, now);
  if (days <= 0)
    return petrel_time_format_clock (time);
  if (days == 1)
    return g_strdup (_("Yesterday"));

  local = to_local (time);
  if (days < 7)
    /* Translators: the weekday of the last message in the conversation list. */
    return g_date_time_format (local, _("%A"));

  /* Translators: the date of the last message in the conversation list. */
  return g_date_time_format (local, _("%x"));
}
