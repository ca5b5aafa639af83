/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PetrelHistorySource: where a PetrelMessageList reads a conversation's
 * stored history from, one page at a time. */
#pragma once

#include <gio/gio.h>

#include "petrel-message.h"

G_BEGIN_DECLS

/**
 * PetrelHistoryCursor:
 * @sort_time: the message's sort time (PetrelMessage:sort-time)
 * @id: its row id (PetrelMessage:row-id)
 *
 * A position in a conversation's history.  Messages are ordered by
 * (@sort_time, @id), so the position is exact even when many messages
 * share one sort time; pages are found by this key, never by an offset.
 */
typedef struct
{
  gint64 sort_time;
  gint64 id;
} PetrelHistoryCursor;

void petrel_history_cursor_init_from_message (PetrelHistoryCursor *cursor,
                                              PetrelMessage       *message);
int petrel_history_cursor_compare (const PetrelHistoryCursor *a,
                                   const PetrelHistoryCursor *b);

#define PETREL_TYPE_HISTORY_SOURCE (petrel_history_source_get_type ())
G_DECLARE_INTERFACE (PetrelHistorySource, petrel_history_source, PETREL, HISTORY_SOURCE, GObject)

/**
 * PetrelHistorySourceInterface:
 * @load_before: the newest @limit messages strictly before @cursor (all
 *   messages when @cursor is %NULL)
 * @load_after: the oldest @limit messages strictly after @cursor
 *
 * Both return a new array, oldest message first, that owns one reference
 * to each message (g_object_unref () as its free function); an empty array
 * when there is nothing more, and %NULL with @error set when reading
 * failed.  Every message must carry its cursor (PetrelMessage:sort-time and
 * PetrelMessage:row-id).  They are synchronous: the store is local, and a
 * page of 50 rows takes tens of microseconds.
 */
struct _PetrelHistorySourceInterface
{
  GTypeInterface parent_iface;

  GPtrArray *(*load_before) (PetrelHistorySource        *self,
                             const PetrelHistoryCursor  *cursor,
                             guint                       limit,
                             GError                    **error);
  GPtrArray *(*load_after) (PetrelHistorySource        *self,
                            const PetrelHistoryCursor  *cursor,
                            guint                       limit,
                            GError                    **error);
};

GPtrArray *petrel_history_source_load_before (PetrelHistorySource        *self,
                                              const PetrelHistoryCursor  *cursor,
                                              guint                       limit,
                                              GError                    **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *petrel_history_source_load_after (PetrelHistorySource        *self,
                                             const PetrelHistoryCursor  *cursor,
                                             guint                       limit,
                                             GError                    **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
