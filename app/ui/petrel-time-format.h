/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Times as the UI shows them, in the local time zone. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *petrel_time_format_clock (GDateTime *time) G_GNUC_WARN_UNUSED_RESULT;
char *petrel_time_format_day (GDateTime *time,
                              GDateTime *now) G_GNUC_WARN_UNUSED_RESULT;
char *petrel_time_format_full (GDateTime *time) G_GNUC_WARN_UNUSED_RESULT;
char *petrel_time_format_activity (gint64     unix_usec,
                                   GDateTime *now) G_GNUC_WARN_UNUSED_RESULT;
gboolean petrel_time_same_day (GDateTime *a,
                               GDateTime *b);

G_END_DECLS
