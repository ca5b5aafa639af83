/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The stored history of one conversation as a PetrelHistorySource.  Pages
 * are keyset pages over (sort time, row id), the same cursor on both
 * sides, so a PetrelMessageList never skips or repeats a message however
 * many share one second.
 */
#define G_LOG_DOMAIN "petrel-store-history"

#include "petrel-store-history.h"

struct _PetrelStoreHistory
{
  GObject parent_instance;

  PetrelDb *db; /* unowned; NULL once closed */
  gint64 conversation_id;
  char *account;
  char *peer;
};

static void history_source_iface_init (PetrelHistorySourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PetrelStoreHistory, petrel_store_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PETREL_TYPE_HISTORY_SOURCE, history_source_iface_init))

static const char * const state_names[] = { "pending", "sent", "delivered", "displayed", "failed" };

const char *
petrel_store_history_state_to_string (PetrelDbMessageState state)
{
  return state_names[MIN ((guint) state, G_N_ELEMENTS (state_names) - 1)];
}

static GDateTime *
time_from_usec (gint64 usec)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  /* Out of GDateTime's range (year 1 to 9999): the store clamps network
   * times, so this is a broken row; show it at the epoch. */
  if (seconds == NULL)
    return g_date_time_new_from_unix_utc (0);

  return g_date_time_add (seconds, usec % G_USEC_PER_SEC);
}

PetrelMessage *
petrel_store_history_message_from_row (const char            *account,
                                       const char            *peer,
                                       const PetrelDbMessage *row)
{
  g_autoptr(GDateTime) time = NULL;
  gboolean outgoing;
  const char *body;

  g_return_val_if_fail (account != NULL && peer != NULL, NULL);
  g_return_val_if_fail (row != NULL, NULL);

  outgoing = row->direction == PETREL_DB_DIRECTION_OUTGOING;
  time = time_from_usec (row->server_time != 0 ? row->server_time : row->local_time);
  body = row->corrected_by != 0 && row->corrected_body != NULL ? row->corrected_body : row->body;

  return g_object_new (PETREL_TYPE_MESSAGE,
                       "account", account,
                       "from", row->sender != NULL ? row->sender : (outgoing ? account : peer),
                       "to", outgoing ? peer : account,
                       "type", "chat",
                       "id", row->origin_id,
                       "origin-id", row->origin_id,
                       "stanza-id", row->stanza_id,
                       "outgoing", outgoing,
                       "state", petrel_store_history_state_to_string (row->state),
                       "body", body,
                       "time", time,
                       "sort-time", row->sort_time,
                       "row-id", row->id,
                       NULL);
}

static GPtrArray *
messages_from_rows (PetrelStoreHistory *self,
                    GPtrArray          *rows)
{
  GPtrArray *messages = g_ptr_array_new_full (rows->len, g_object_unref);

  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (messages, petrel_store_history_message_from_row (self->account, self->peer,
                                                                      g_ptr_array_index (rows, i)));

  return messages;
}

static gboolean
check_open (PetrelStoreHistory  *self,
            GError             **error)
{
  if (self->db != NULL)
    return TRUE;

  g_set_error_literal (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                       "The message store is closed");
  return FALSE;
}

static GPtrArray *
load_before (PetrelHistorySource        *source,
             const PetrelHistoryCursor  *cursor,
             guint                       limit,
             GError                    **error)
{
  PetrelStoreHistory *self = PETREL_STORE_HISTORY (source);
  g_autoptr(GPtrArray) rows = NULL;
  PetrelDbCursor before;

  if (!check_open (self, error))
    return NULL;

  if (cursor != NULL)
    {
      before.sort_time = cursor->sort_time;
      before.id = cursor->id;
    }
  rows = petrel_db_message_history (self->db, self->conversation_id, cursor ? &before : NULL, limit, error);
  if (rows == NULL)
    return NULL;

  return messages_from_rows (self, rows);
}

static GPtrArray *
load_after (PetrelHistorySource        *source,
            const PetrelHistoryCursor  *cursor,
            guint                       limit,
            GError                    **error)
{
  PetrelStoreHistory *self = PETREL_STORE_HISTORY (source);
  g_autoptr(GPtrArray) rows = NULL;
  PetrelDbCursor after = { 0 };

  if (!check_open (self, error))
    return NULL;

  if (cursor != NULL)
    {
      after.sort_time = cursor->sort_time;
      after.id = cursor->id;
    }
  rows = petrel_db_message_history_after (self->db, self->conversation_id, &after, limit, error);
  if (rows == NULL)
    return NULL;

  return messages_from_rows (self, rows);
}

static void
history_source_iface_init (PetrelHistorySourceInterface *iface)
{
  iface->load_before = load_before;
  iface->load_after = load_after;
}

static void
petrel_store_history_finalize (GObject *object)
{
  PetrelStoreHistory *self = PETREL_STORE_HISTORY (object);

  g_free (self->account);
  g_free (self->peer);

  G_OBJECT_CLASS (petrel_store_history_parent_class)->finalize (object);
}

static void
petrel_store_history_class_init (PetrelStoreHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = petrel_store_history_finalize;
}

static void
petrel_store_history_init (PetrelStoreHistory *self)
{
}

PetrelStoreHistory *
petrel_store_history_new (PetrelDb   *db,
                          gint64      conversation_id,
                          const char *account,
                          const char *peer)
{
  PetrelStoreHistory *self;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);
  g_return_val_if_fail (account != NULL && peer != NULL, NULL);

  self = g_object_new (PETREL_TYPE_STORE_HISTORY, NULL);
  self->db = db;
  self->conversation_id = conversation_id;
  self->account = g_strdup (account);
  self->peer = g_strdup (peer);

  return self;
}

gint64
petrel_store_history_get_conversation_id (PetrelStoreHistory *self)
{
  g_return_val_if_fail (PETREL_IS_STORE_HISTORY (self), 0);

  return self->conversation_id;
}

const char *
petrel_store_history_get_account (PetrelStoreHistory *self)
{
  g_return_val_if_fail (PETREL_IS_STORE_HISTORY (self), NULL);

  return self->account;
}

const char *
petrel_store_history_get_peer (PetrelStoreHistory *self)
{
  g_return_val_if_fail (PETREL_IS_STORE_HISTORY (self), NULL);

  return self->peer;
}

void
petrel_store_history_close (PetrelStoreHistory *self)
{
  g_return_if_fail (PETREL_IS_STORE_HISTORY (self));

  self->db = NULL;
}
