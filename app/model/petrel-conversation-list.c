/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-conversation-list"

/*
 * The conversation list of the main window: every account's
 * conversations in one list (a sidebar shows them together), sorted by
 * last activity, newest first, then by account and peer so the order is
 * total.  A conversation is named by (account, peer).
 *
 * The list watches each conversation's "last-activity": when it changes
 * the conversation moves, announced as items-changed (old, 1, 0) then
 * (new, 0, 1), or not at all when its position stays (a message in the
 * conversation already on top).  It watches "unread" to keep
 * "total-unread", the sum over all conversations, for a badge.
 */

#include <string.h>

#include "petrel-conversation-list.h"
#include "petrel-sorted-array.h"

typedef struct
{
  PetrelConversationList *list; /* unowned */
  PetrelConversation *conversation;
  char *key;            /* account "\n" peer */
  gint64 last_activity; /* the sort key */
  guint unread;         /* as counted in total_unread */
} Entry;

struct _PetrelConversationList
{
  GObject parent_instance;

  PetrelSortedArray entries; /* Entry, sorted, by Entry.key; owns them */
  guint total_unread;
};

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_TOTAL_UNREAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

PETREL_SORTED_ARRAY_DEFINE_LIST_MODEL (PETREL_CONVERSATION_LIST, entries, PETREL_TYPE_CONVERSATION)

G_DEFINE_FINAL_TYPE_WITH_CODE (PetrelConversationList, petrel_conversation_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void last_activity_cb (PetrelConversation *conversation,
                              GParamSpec         *pspec,
                              gpointer            user_data);
static void unread_cb (PetrelConversation *conversation,
                       GParamSpec         *pspec,
                       gpointer            user_data);

static char *
make_key (const char *account,
          const char *peer)
{
  return g_strconcat (account, "\n", peer, NULL);
}

static int
entry_compare (gconstpointer data_a,
               gconstpointer data_b,
               gpointer      user_data)
{
  const Entry *a = data_a;
  const Entry *b = data_b;

  if (a->last_activity != b->last_activity)
    return a->last_activity > b->last_activity ? -1 : 1;

  /* "\n" sorts before every character of a JID, so this orders by
   * account, then peer. */
  return strcmp (a->key, b->key);
}

static Entry *
entry_new (PetrelConversationList *self,
           PetrelConversation     *conversation)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->list = self;
  entry->conversation = g_object_ref (conversation);
  entry->key = make_key (petrel_conversation_get_account (conversation),
                         petrel_conversation_get_peer (conversation));
  entry->last_activity = petrel_conversation_get_last_activity (conversation);
  entry->unread = petrel_conversation_get_unread (conversation);
  g_signal_connect (conversation, "notify::last-activity", G_CALLBACK (last_activity_cb), self);
  g_signal_connect (conversation, "notify::unread", G_CALLBACK (unread_cb), self);

  return entry;
}

static const char *
entry_get_key (gconstpointer data)
{
  const Entry *entry = data;

  return entry->key;
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_signal_handlers_disconnect_by_func (entry->conversation, last_activity_cb, entry->list);
  g_signal_handlers_disconnect_by_func (entry->conversation, unread_cb, entry->list);
  g_object_unref (entry->conversation);
  g_free (entry->key);
  g_free (entry);
}

static void
add_to_total (PetrelConversationList *self,
              guint                   old_unread,
              guint                   new_unread)
{
  guint total = self->total_unread - old_unread + new_unread;

  if (total == self->total_unread)
    return;

  self->total_unread = total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_UNREAD]);
}

static Entry *
lookup_entry (PetrelConversationList *self,
              const char             *account,
              const char             *peer)
{
  g_autofree char *key = make_key (account, peer);

  return petrel_sorted_array_lookup (&self->entries, key);
}

static Entry *
entry_of (PetrelConversationList *self,
          PetrelConversation     *conversation)
{
  Entry *entry = lookup_entry (self,
                               petrel_conversation_get_account (conversation),
                               petrel_conversation_get_peer (conversation));

  g_assert (entry != NULL && entry->conversation == conversation);

  return entry;
}

static void
last_activity_cb (PetrelConversation *conversation,
                  GParamSpec         *pspec,
                  gpointer            user_data)
{
  PetrelConversationList *self = user_data;
  Entry *entry = entry_of (self, conversation);
  guint old_position = petrel_sorted_array_position (&self->entries, entry);

  entry->last_activity = petrel_conversation_get_last_activity (conversation);
  petrel_sorted_array_reposition (&self->entries, old_position, G_LIST_MODEL (self));
}

static void
unread_cb (PetrelConversation *conversation,
           GParamSpec         *pspec,
           gpointer            user_data)
{
  PetrelConversationList *self = user_data;
  Entry *entry = entry_of (self, conversation);
  guint old_unread = entry->unread;

  entry->unread = petrel_conversation_get_unread (conversation);
  add_to_total (self, old_unread, entry->unread);
}

static void
petrel_conversation_list_dispose (GObject *object)
{
  PetrelConversationList *self = PETREL_CONVERSATION_LIST (object);

  petrel_sorted_array_remove_all (&self->entries);

  G_OBJECT_CLASS (petrel_conversation_list_parent_class)->dispose (object);
}

static void
petrel_conversation_list_finalize (GObject *object)
{
  PetrelConversationList *self = PETREL_CONVERSATION_LIST (object);

  petrel_sorted_array_clear (&self->entries);

  G_OBJECT_CLASS (petrel_conversation_list_parent_class)->finalize (object);
}

static void
petrel_conversation_list_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  PetrelConversationList *self = PETREL_CONVERSATION_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS: g_value_set_uint (value, petrel_sorted_array_get_length (&self->entries)); break;
    case PROP_TOTAL_UNREAD: g_value_set_uint (value, self->total_unread); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_conversation_list_class_init (PetrelConversationListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = petrel_conversation_list_dispose;
  object_class->finalize = petrel_conversation_list_finalize;
  object_class->get_property = petrel_conversation_list_get_property;

  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_TOTAL_UNREAD] = g_param_spec_uint ("total-unread", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
petrel_conversation_list_init (PetrelConversationList *self)
{
  petrel_sorted_array_init (&self->entries, entry_compare, NULL, entry_free,
                            G_STRUCT_OFFSET (Entry, conversation), entry_get_key);
}

PetrelConversationList *
petrel_conversation_list_new (void)
{
  return g_object_new (PETREL_TYPE_CONVERSATION_LIST, NULL);
}

/* The sum of every conversation's unread count. */
guint
petrel_conversation_list_get_total_unread (PetrelConversationList *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION_LIST (self), 0);

  return self->total_unread;
}

/**
 * petrel_conversation_list_upsert:
 * @conversation: a conversation, as read from the store or just opened
 *
 * Adds @conversation, or, when the list has one with its account and
 * peer, copies the display name, last activity, unread count and preview
 * of @conversation into that one, so views bound to it stay bound.
 *
 * Returns: (transfer none): the conversation in the list
 */
PetrelConversation *
petrel_conversation_list_upsert (PetrelConversationList *self,
                                 PetrelConversation     *conversation)
{
  PetrelConversation *existing;
  Entry *entry;
  guint position;

  g_return_val_if_fail (PETREL_IS_CONVERSATION_LIST (self), NULL);
  g_return_val_if_fail (PETREL_IS_CONVERSATION (conversation), NULL);

  existing = petrel_conversation_list_lookup (self,
                                              petrel_conversation_get_account (conversation),
                                              petrel_conversation_get_peer (conversation));
  if (existing == conversation)
    return existing;
  if (existing != NULL)
    {
      /* The watched properties move the item and count the unread. */
      petrel_conversation_set_display_name (existing, petrel_conversation_get_display_name (conversation));
      petrel_conversation_set_last_message_preview (existing, petrel_conversation_get_last_message_preview (conversation));
      petrel_conversation_set_unread (existing, petrel_conversation_get_unread (conversation));
      petrel_conversation_set_last_activity (existing, petrel_conversation_get_last_activity (conversation));
      return existing;
    }

  entry = entry_new (self, conversation);
  position = petrel_sorted_array_insert (&self->entries, entry);
  petrel_sorted_array_items_changed (G_LIST_MODEL (self), properties[PROP_N_ITEMS],
                                     position, 0, 1);
  add_to_total (self, 0, entry->unread);

  return conversation;
}

/* Returns whether the conversation was in the list. */
gboolean
petrel_conversation_list_remove (PetrelConversationList *self,
                                 const char             *account,
                                 const char             *peer)
{
  Entry *entry;
  guint position;
  guint unread;

  g_return_val_if_fail (PETREL_IS_CONVERSATION_LIST (self), FALSE);
  g_return_val_if_fail (account != NULL && peer != NULL, FALSE);

  entry = lookup_entry (self, account, peer);
  if (entry == NULL)
    return FALSE;

  unread = entry->unread;
  position = petrel_sorted_array_remove (&self->entries, entry);
  petrel_sorted_array_items_changed (G_LIST_MODEL (self), properties[PROP_N_ITEMS],
                                     position, 1, 0);
  add_to_total (self, unread, 0);

  return TRUE;
}

/* Returns: (transfer none) (nullable): the conversation with @peer on @account */
PetrelConversation *
petrel_conversation_list_lookup (PetrelConversationList *self,
                                 const char             *account,
                                 const char             *peer)
{
  Entry *entry;

  g_return_val_if_fail (PETREL_IS_CONVERSATION_LIST (self), NULL);
  g_return_val_if_fail (account != NULL && peer != NULL, NULL);

  entry = lookup_entry (self, account, peer);

  return entry != NULL ? entry->conversation : NULL;
}

/**
 * petrel_conversation_list_bump:
 * @time: when the message was sent, µs since the epoch
 * @preview: (nullable): a preview of the message
 * @unread_delta: how many unread messages it adds (0 for the user's own)
 *
 * Records a new message in a conversation.  A message newer than the last
 * activity moves the conversation up and becomes its preview; an older
 * one (history fetched late) only counts as unread.
 *
 * Returns: %FALSE when the list has no such conversation: upsert it first
 */
gboolean
petrel_conversation_list_bump (PetrelConversationList *self,
                               const char             *account,
                               const char             *peer,
                               gint64                  time,
                               const char             *preview,
                               guint                   unread_delta)
{
  PetrelConversation *conversation;

  g_return_val_if_fail (PETREL_IS_CONVERSATION_LIST (self), FALSE);
  g_return_val_if_fail (account != NULL && peer != NULL, FALSE);
  g_return_val_if_fail (time >= 0, FALSE);

  conversation = petrel_conversation_list_lookup (self, account, peer);
  if (conversation == NULL)
    return FALSE;

  /* The item moves last, once it shows everything new. */
  petrel_conversation_set_unread (conversation, petrel_conversation_get_unread (conversation) + unread_delta);
  if (time >= petrel_conversation_get_last_activity (conversation))
    {
      petrel_conversation_set_last_message_preview (conversation, preview);
      petrel_conversation_set_last_activity (conversation, time);
    }

  return TRUE;
}

/* Returns: %FALSE when the list has no such conversation */
gboolean
petrel_conversation_list_mark_read (PetrelConversationList *self,
                                    const char             *account,
                                    const char             *peer)
{
  PetrelConversation *conversation;

  g_return_val_if_fail (PETREL_IS_CONVERSATION_LIST (self), FALSE);
  g_return_val_if_fail (account != NULL && peer != NULL, FALSE);

  conversation = petrel_conversation_list_lookup (self, account, peer);
  if (conversation == NULL)
    return FALSE;

  petrel_conversation_set_unread (conversation, 0);

  return TRUE;
}
