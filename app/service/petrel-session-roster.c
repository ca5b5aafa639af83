/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The roster of a PetrelSession (RFC 6121 §2), kept in the store with its
 * version so an unchanged roster costs one empty reply (§2.6).
 */
#define G_LOG_DOMAIN "petrel-session-roster"

#include "petrel-session-private.h"

#include "xmpp-error.h"
#include "xmpp-roster.h"

#define NS_ROSTERVER "urn:xmpp:features:rosterver"

static const char * const subscription_names[] = { "none", "to", "from", "both", "remove" };

static PetrelDbSubscription
db_subscription (XmppRosterSubscription subscription)
{
  switch (subscription)
    {
    case XMPP_ROSTER_SUBSCRIPTION_TO:
      return PETREL_DB_SUBSCRIPTION_TO;
    case XMPP_ROSTER_SUBSCRIPTION_FROM:
      return PETREL_DB_SUBSCRIPTION_FROM;
    case XMPP_ROSTER_SUBSCRIPTION_BOTH:
      return PETREL_DB_SUBSCRIPTION_BOTH;
    case XMPP_ROSTER_SUBSCRIPTION_REMOVE:
      return PETREL_DB_SUBSCRIPTION_REMOVE;
    case XMPP_ROSTER_SUBSCRIPTION_NONE:
    default:
      return PETREL_DB_SUBSCRIPTION_NONE;
    }
}

static PetrelDbRosterItem *
db_item_from (const XmppRosterItem *item)
{
  PetrelDbRosterItem *row = g_new0 (PetrelDbRosterItem, 1);

  row->jid = g_strdup (xmpp_jid_to_string (xmpp_roster_item_get_jid (item)));
  row->name = g_strdup (xmpp_roster_item_get_name (item));
  row->subscription = db_subscription (xmpp_roster_item_get_subscription (item));
  row->ask = xmpp_roster_item_get_ask (item);
  row->groups = g_strdupv ((char **) xmpp_roster_item_get_groups (item));

  return row;
}

static PetrelContact *
contact_from (const PetrelDbRosterItem *row)
{
  return petrel_contact_new (row->jid, row->name,
                             subscription_names[MIN ((guint) row->subscription, 4)],
                             (const char * const *) row->groups);
}

static void
remember (PetrelSession            *self,
          const PetrelDbRosterItem *row)
{
  if (row->subscription == PETREL_DB_SUBSCRIPTION_REMOVE)
    g_hash_table_remove (self->roster, row->jid);
  else
    g_hash_table_insert (self->roster, g_strdup (row->jid), GINT_TO_POINTER (row->subscription));
}

void
petrel_session_roster_load (PetrelSession *self)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_hash_table_remove_all (self->roster);
  if (self->db == NULL)
    return;

  rows = petrel_db_roster_load (self->db, self->account_id, NULL, NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    remember (self, g_ptr_array_index (rows, i));
}

PetrelDbSubscription
petrel_session_roster_subscription (PetrelSession *self,
                                    const char    *bare_jid)
{
  gpointer value;

  if (!g_hash_table_lookup_extended (self->roster, bare_jid, NULL, &value))
    return PETREL_DB_SUBSCRIPTION_REMOVE;

  return GPOINTER_TO_INT (value);
}

static void
push_cb (XmppClient     *client,
         XmppRosterItem *item,
         const char     *ver,
         gpointer        user_data)
{
  PetrelSession *self = user_data;
  g_autoptr(PetrelDbRosterItem) row = db_item_from (item);
  g_autoptr(PetrelContact) contact = contact_from (row);
  g_autoptr(GError) error = NULL;

  if (self->db != NULL &&
      !petrel_db_roster_apply_push (self->db, self->account_id, ver, row, &error))
    g_warning ("cannot store a roster change: %s", error->message);
  remember (self, row);

  g_signal_emit_by_name (self, "roster-push", contact,
                         row->subscription == PETREL_DB_SUBSCRIPTION_REMOVE);
}

void
petrel_session_roster_attach (PetrelSession *self)
{
  xmpp_roster_attach (self->client, push_cb, self, NULL);
}

static GPtrArray *
contacts_from_rows (GPtrArray *rows)
{
  GPtrArray *contacts = g_ptr_array_new_full (rows->len, g_object_unref);

  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (contacts, contact_from (g_ptr_array_index (rows, i)));

  return contacts;
}

GPtrArray *
petrel_session_dup_roster (PetrelSession *self)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (PETREL_IS_SESSION (self), NULL);

  if (self->db != NULL)
    rows = petrel_db_roster_load (self->db, self->account_id, NULL, NULL);
  if (rows == NULL)
    return g_ptr_array_new_with_free_func (g_object_unref);

  return contacts_from_rows (rows);
}

/* A whole roster (RFC 6121 §2.1.3) of tens of thousands of contacts is
 * stored and turned into contacts in slices of at most this long, so the
 * main loop keeps running (the UI, the keepalive, other accounts). */
#define STORE_SLICE_USEC (8 * 1000)

typedef struct
{
  GPtrArray *items;      /* XmppRosterItem */
  char *ver;
  GPtrArray *contacts;   /* PetrelContact, the task's result */
  guint next;
  guint slice;           /* items per slice, adapted to the time they take */
} RosterStore;

static void
roster_store_free (RosterStore *store)
{
  g_clear_pointer (&store->items, g_ptr_array_unref);
  g_clear_pointer (&store->contacts, g_ptr_array_unref);
  g_free (store->ver);
  g_free (store);
}

/* Stores @rows (a slice of the whole roster).  The first slice replaces
 * the stored roster without a version; the version is stored with the
 * last one.  A session that ends in between leaves a partial roster
 * without a version, which the next login replaces whole (§2.6.3). */
static gboolean
store_rows (PetrelSession  *self,
            RosterStore    *store,
            GPtrArray      *rows,
            gboolean        first,
            gboolean        last,
            GError        **error)
{
  if (self->db == NULL)
    return TRUE;

  if (first)
    return petrel_db_roster_replace (self->db, self->account_id, last ? store->ver : NULL, rows, error);

  if (!petrel_db_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      const char *ver = last && i + 1 == rows->len ? store->ver : NULL;

      if (!petrel_db_roster_apply_push (self->db, self->account_id, ver, g_ptr_array_index (rows, i), error))
        {
          petrel_db_rollback (self->db);
          return FALSE;
        }
    }

  return petrel_db_commit (self->db, error);
}

static gboolean
store_some_cb (gpointer user_data)
{
  GTask *task = user_data;
  PetrelSession *self = g_task_get_source_object (task);
  RosterStore *store = g_task_get_task_data (task);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_roster_item_free);
  gint64 start = g_get_monotonic_time ();
  gboolean first = store->next == 0;
  guint end = MIN (store->next + store->slice, store->items->len);
  GError *error = NULL;
  gint64 took;

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;

  if (first)
    g_hash_table_remove_all (self->roster);

  for (; store->next < end; store->next++)
    {
      PetrelDbRosterItem *row = db_item_from (g_ptr_array_index (store->items, store->next));

      g_ptr_array_add (rows, row);
      g_ptr_array_add (store->contacts, contact_from (row));
      remember (self, row);
    }

  if (!store_rows (self, store, rows, first, store->next == store->items->len, &error))
    {
      g_task_return_error (task, error);
      return G_SOURCE_REMOVE;
    }

  /* Storing dominates, at a few microseconds a row on a desktop and far
   * more on a slow disk: size the next slice by what this one took. */
  took = MAX (g_get_monotonic_time () - start, 1);
  store->slice = CLAMP ((guint) (rows->len * STORE_SLICE_USEC / took), 16, 8192);

  if (store->next < store->items->len)
    return G_SOURCE_CONTINUE;

  g_task_return_pointer (task, g_steal_pointer (&store->contacts), (GDestroyNotify) g_ptr_array_unref);
  return G_SOURCE_REMOVE;
}

static void
roster_get_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PetrelSession *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GSource) idle = NULL;
  g_autofree char *ver = NULL;
  GError *error = NULL;
  gboolean unchanged = FALSE;
  RosterStore *store;

  items = xmpp_roster_get_finish (XMPP_CLIENT (source), result, &ver, &unchanged, &error);
  if (items == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (unchanged && self->db != NULL)
    {
      /* RFC 6121 §2.6.3: nothing changed since the stored version. */
      rows = petrel_db_roster_load (self->db, self->account_id, NULL, &error);
      if (rows == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_task_return_pointer (task, contacts_from_rows (rows), (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  store = g_new0 (RosterStore, 1);
  store->items = g_steal_pointer (&items);
  store->ver = g_steal_pointer (&ver);
  store->contacts = g_ptr_array_new_full (store->items->len, g_object_unref);
  store->slice = 256;
  g_task_set_task_data (task, store, (GDestroyNotify) roster_store_free);

  idle = g_idle_source_new ();
  g_task_attach_source (task, idle, store_some_cb);
}

void
petrel_session_fetch_roster_async (PetrelSession       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *ver = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_fetch_roster_async);

  if (!petrel_session_check_connected (self, task))
    return;

  /* Only a server that announces versioning gets our version (§2.6.1). */
  if (self->db != NULL && xmpp_client_get_stream_feature (self->client, "ver", NS_ROSTERVER) != NULL)
    {
      g_autoptr(GPtrArray) rows = petrel_db_roster_load (self->db, self->account_id, &ver, NULL);

      if (rows == NULL)
        g_clear_pointer (&ver, g_free);
      else if (ver == NULL)
        ver = g_strdup ("");
    }

  xmpp_roster_get_async (self->client, ver, cancellable, roster_get_cb, g_steal_pointer (&task));
}

GPtrArray *
petrel_session_fetch_roster_finish (PetrelSession  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
roster_change_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (task) == petrel_session_roster_set_async)
    ok = xmpp_roster_set_finish (XMPP_CLIENT (source), result, &error);
  else
    ok = xmpp_roster_remove_finish (XMPP_CLIENT (source), result, &error);

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static XmppJid *
begin_change (PetrelSession  *self,
              GTask          *task,
              const char     *jid)
{
  GError *error = NULL;
  XmppJid *contact;

  if (!petrel_session_check_connected (self, task))
    return NULL;

  contact = xmpp_jid_parse (jid, &error);
  if (contact == NULL)
    g_task_return_error (task, error);

  return contact;
}

void
petrel_session_roster_set_async (PetrelSession       *self,
                                 const char          *jid,
                                 const char          *name,
                                 const char * const  *groups,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppJid) contact = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));
  g_return_if_fail (jid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_roster_set_async);
  if ((contact = begin_change (self, task, jid)) == NULL)
    return;

  xmpp_roster_set_async (self->client, contact, name, groups, cancellable,
                         roster_change_cb, g_steal_pointer (&task));
}

gboolean
petrel_session_roster_set_finish (PetrelSession  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
petrel_session_roster_remove_async (PetrelSession       *self,
                                    const char          *jid,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppJid) contact = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));
  g_return_if_fail (jid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_roster_remove_async);
  if ((contact = begin_change (self, task, jid)) == NULL)
    return;

  xmpp_roster_remove_async (self->client, contact, cancellable,
                            roster_change_cb, g_steal_pointer (&task));
}

gboolean
petrel_session_roster_remove_finish (PetrelSession  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
