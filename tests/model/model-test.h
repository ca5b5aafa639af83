/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Harness shared by the tests of app/model: a recorder of items-changed
 * that keeps a mirror of a GListModel, and a log of notify emissions.
 * Both assert as they go, so a test only states what it expects.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A recorder of items-changed: it logs each signal as "(position,removed,
 * added)" and replays it on a mirror of the model, fetching added items at
 * the moment of the signal.  A wrong position makes the mirror differ from
 * the model, which recorder_check () catches.
 */
typedef struct
{
  GListModel *model;
  GPtrArray  *mirror;
  GString    *log; /* the signals since the last recorder_check () */
} Recorder;

Recorder *recorder_new (gpointer model) G_GNUC_WARN_UNUSED_RESULT;
/* Asserts the signals since the last check, and the mirror. */
void      recorder_check (Recorder   *self,
                          const char *expected);
void      recorder_free (Recorder *self);

/*
 * A counter of notify emissions: notify_take () returns the names notified
 * since the last call, sorted, a name once per emission ("a,b,b" means b
 * was notified twice).
 */
typedef struct _NotifyLog NotifyLog;

NotifyLog *notify_log_new (gpointer object) G_GNUC_WARN_UNUSED_RESULT;
char      *notify_take (NotifyLog *self) G_GNUC_WARN_UNUSED_RESULT;
void       notify_log_free (NotifyLog *self);

#define assert_notified(log, expected) \
  G_STMT_START { \
    g_autofree char *_names = notify_take (log); \
    g_assert_cmpstr (_names, ==, (expected)); \
  } G_STMT_END

G_END_DECLS
