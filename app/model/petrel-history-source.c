/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-history-source"

/*
 * The model never reads the store itself (DESIGN.md: app/store owns every
 * SQL statement); app/service implements this interface over
 * petrel_db_message_history () and petrel_db_message_history_after (),
 * and tests implement it over generated messages.
 */

#include "petrel-history-source.h"

G_DEFINE_INTERFACE (PetrelHistorySource, petrel_history_source, G_TYPE_OBJECT)

static void
petrel_history_source_default_init (PetrelHistorySourceInterface *iface)
{
}

/* Fills @cursor with the place of @message in its history. */
void
petrel_history_cursor_init_from_message (PetrelHistoryCursor *cursor,
                                         PetrelMessage       *message)
{
  g_return_if_fail (cursor != NULL);
  g_return_if_fail (PETREL_IS_MESSAGE (message));

  cursor->sort_time = petrel_message_get_sort_time (message);
  cursor->id = petrel_message_get_row_id (message);
}

/* Returns <0, 0 or >0 as @a is before, at or after @b in the history. */
int
petrel_history_cursor_compare (const PetrelHistoryCursor *a,
                               const PetrelHistoryCursor *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, 0);

  if (a->sort_time != b->sort_time)
    return a->sort_time < b->sort_time ? -1 : 1;
  if (a->id != b->id)
    return a->id < b->id ? -1 : 1;

  return 0;
}

/**
 * petrel_history_source_load_before:
 * @cursor: (nullable): where to read back from; %NULL for the newest
 * @limit: the most messages to return, at least 1
 *
 * Returns: (transfer full) (element-type PetrelMessage) (nullable): up to
 *   @limit messages, oldest first, or %NULL with @error set
 */
GPtrArray *
petrel_history_source_load_before (PetrelHistorySource        *self,
                                   const PetrelHistoryCursor  *cursor,
                                   guint                       limit,
                                   GError                    **error)
{
  PetrelHistorySourceInterface *iface;

  g_return_val_if_fail (PETREL_IS_HISTORY_SOURCE (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = PETREL_HISTORY_SOURCE_GET_IFACE (self);
  g_return_val_if_fail (iface->load_before != NULL, NULL);

  return iface->load_before (self, cursor, limit, error);
}

/**
 * petrel_history_source_load_after:
 * @cursor: where to read forward from
 * @limit: the most messages to return, at least 1
 *
 * Returns: (transfer full) (element-type PetrelMessage) (nullable): up to
 *   @limit messages, oldest first, or %NULL with @error set
 */
GPtrArray *
petrel_history_source_load_after (PetrelHistorySource        *self,
                                  const PetrelHistoryCursor  *cursor,
                                  guint                       limit,
                                  GError                    **error)
{
  PetrelHistorySourceInterface *iface;

  g_return_val_if_fail (PETREL_IS_HISTORY_SOURCE (self), NULL);
  g_return_val_if_fail (cursor != NULL, NULL);
  g_return_val_if_fail (limit > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = PETREL_HISTORY_SOURCE_GET_IFACE (self);
  g_return_val_if_fail (iface->load_after != NULL, NULL);

  return iface->load_after (self, cursor, limit, error);
}
