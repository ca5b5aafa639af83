/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-contact-list"

/*
 * The roster of one account, sorted for the contact list: available
 * contacts first, then by display name (case-folded, compared with
 * g_utf8_collate_key () so the user's locale decides), then by JID so the
 * order is total.
 *
 * The list keeps each contact's sort key next to it and watches the
 * contact's "available" and "display-name": when a key changes the
 * contact moves, announced as one removal and one addition
 * (items-changed (old, 1, 0) then (new, 0, 1)), or not at all when its
 * position stays.  Only petrel_contact_list_replace () and
 * petrel_contact_list_clear_presence (), which change the whole list, say
 * so with one items-changed (0, n_old, n_new).
 */

#include <string.h>

#include "petrel-contact-list.h"
#include "petrel-sorted-array.h"

typedef struct
{
  PetrelContactList *list; /* unowned */
  PetrelContact *contact;
  gboolean available;
  char *key;
} Entry;

struct _PetrelContactList
{
  GObject parent_instance;

  char *account;
  PetrelSortedArray entries; /* Entry, sorted, by bare JID; owns them */
  gboolean batch;      /* while set, contact notifications do not move items */
};

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

PETREL_SORTED_ARRAY_DEFINE_LIST_MODEL (PETREL_CONTACT_LIST, entries, PETREL_TYPE_CONTACT)

G_DEFINE_FINAL_TYPE_WITH_CODE (PetrelContactList, petrel_contact_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void contact_notify_cb (PetrelContact *contact,
                               GParamSpec    *pspec,
                               gpointer       user_data);

static int
entry_compare (gconstpointer data_a,
               gconstpointer data_b,
               gpointer      user_data)
{
  const Entry *a = data_a;
  const Entry *b = data_b;
  int cmp;

  if (a->available != b->available)
    return a->available ? -1 : 1;
  cmp = strcmp (a->key, b->key);
  if (cmp != 0)
    return cmp;

  return strcmp (petrel_contact_get_jid (a->contact), petrel_contact_get_jid (b->contact));
}

/* Returns whether the key changed. */
static gboolean
entry_update_key (Entry *entry)
{
  g_autofree char *folded = g_utf8_casefold (petrel_contact_get_display_name (entry->contact), -1);
  g_autofree char *key = g_utf8_collate_key (folded, -1);
  gboolean available = petrel_contact_get_available (entry->contact);

  if (entry->key != NULL && entry->available == available && strcmp (entry->key, key) == 0)
    return FALSE;

  g_free (entry->key);
  entry->key = g_steal_pointer (&key);
  entry->available = available;

  return TRUE;
}

static Entry *
entry_new (PetrelContactList *self,
           PetrelContact     *contact)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->list = self;
  entry->contact = g_object_ref (contact);
  entry_update_key (entry);
  g_signal_connect (contact, "notify::available", G_CALLBACK (contact_notify_cb), self);
  g_signal_connect (contact, "notify::display-name", G_CALLBACK (contact_notify_cb), self);

  return entry;
}

static const char *
entry_get_jid (gconstpointer data)
{
  const Entry *entry = data;

  return petrel_contact_get_jid (entry->contact);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_signal_handlers_disconnect_by_func (entry->contact, contact_notify_cb, entry->list);
  g_object_unref (entry->contact);
  g_free (entry->key);
  g_free (entry);
}

/* Moves @entry to where its (possibly new) sort key belongs. */
static void
reposition (PetrelContactList *self,
            Entry             *entry)
{
  guint old_position = petrel_sorted_array_position (&self->entries, entry);

  if (!entry_update_key (entry))
    return;

  petrel_sorted_array_reposition (&self->entries, old_position, G_LIST_MODEL (self));
}

static void
contact_notify_cb (PetrelContact *contact,
                   GParamSpec    *pspec,
                   gpointer       user_data)
{
  PetrelContactList *self = user_data;
  Entry *entry;

  if (self->batch)
    return;

  entry = petrel_sorted_array_lookup (&self->entries, petrel_contact_get_jid (contact));
  g_assert (entry != NULL && entry->contact == contact);
  reposition (self, entry);
}

static void
petrel_contact_list_dispose (GObject *object)
{
  PetrelContactList *self = PETREL_CONTACT_LIST (object);

  petrel_sorted_array_remove_all (&self->entries);

  G_OBJECT_CLASS (petrel_contact_list_parent_class)->dispose (object);
}

static void
petrel_contact_list_finalize (GObject *object)
{
  PetrelContactList *self = PETREL_CONTACT_LIST (object);

  g_free (self->account);
  petrel_sorted_array_clear (&self->entries);

  G_OBJECT_CLASS (petrel_contact_list_parent_class)->finalize (object);
}

static void
petrel_contact_list_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PetrelContactList *self = PETREL_CONTACT_LIST (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT: g_value_set_string (value, self->account); break;
    case PROP_N_ITEMS: g_value_set_uint (value, petrel_sorted_array_get_length (&self->entries)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_contact_list_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PetrelContactList *self = PETREL_CONTACT_LIST (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT: self->account = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_contact_list_class_init (PetrelContactListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = petrel_contact_list_dispose;
  object_class->finalize = petrel_contact_list_finalize;
  object_class->get_property = petrel_contact_list_get_property;
  object_class->set_property = petrel_contact_list_set_property;

  properties[PROP_ACCOUNT] =
    g_param_spec_string ("account", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
petrel_contact_list_init (PetrelContactList *self)
{
  petrel_sorted_array_init (&self->entries, entry_compare, NULL, entry_free,
                            G_STRUCT_OFFSET (Entry, contact), entry_get_jid);
}

/* @account: the account's bare JID */
PetrelContactList *
petrel_contact_list_new (const char *account)
{
  return g_object_new (PETREL_TYPE_CONTACT_LIST, "account", account, NULL);
}

const char *
petrel_contact_list_get_account (PetrelContactList *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT_LIST (self), NULL);

  return self->account;
}

static void
copy_roster_data (PetrelContact *dest,
                  PetrelContact *src)
{
  petrel_contact_set_name (dest, petrel_contact_get_name (src));
  petrel_contact_set_subscription (dest, petrel_contact_get_subscription (src));
  petrel_contact_set_groups (dest, petrel_contact_get_groups (src));
}

/**
 * petrel_contact_list_add_or_update:
 * @contact: a roster item, as from a roster result or push
 *
 * Adds @contact, or, when the list has a contact with its JID, copies the
 * roster data (name, subscription, groups) of @contact into that one and
 * keeps its presence, so views bound to it stay bound.
 *
 * Returns: (transfer none): the contact in the list
 */
PetrelContact *
petrel_contact_list_add_or_update (PetrelContactList *self,
                                   PetrelContact     *contact)
{
  Entry *entry;
  guint position;

  g_return_val_if_fail (PETREL_IS_CONTACT_LIST (self), NULL);
  g_return_val_if_fail (PETREL_IS_CONTACT (contact), NULL);

  entry = petrel_sorted_array_lookup (&self->entries, petrel_contact_get_jid (contact));
  if (entry != NULL)
    {
      /* Moves, if it must, through contact_notify_cb (). */
      if (entry->contact != contact)
        copy_roster_data (entry->contact, contact);
      return entry->contact;
    }

  entry = entry_new (self, contact);
  position = petrel_sorted_array_insert (&self->entries, entry);
  petrel_sorted_array_items_changed (G_LIST_MODEL (self), properties[PROP_N_ITEMS],
                                     position, 0, 1);

  return contact;
}

/* Returns whether @jid was in the list. */
gboolean
petrel_contact_list_remove (PetrelContactList *self,
                            const char        *jid)
{
  Entry *entry;
  guint position;

  g_return_val_if_fail (PETREL_IS_CONTACT_LIST (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  entry = petrel_sorted_array_lookup (&self->entries, jid);
  if (entry == NULL)
    return FALSE;

  position = petrel_sorted_array_remove (&self->entries, entry);
  petrel_sorted_array_items_changed (G_LIST_MODEL (self), properties[PROP_N_ITEMS],
                                     position, 1, 0);

  return TRUE;
}

/* Returns: (transfer none) (nullable): the contact with bare JID @jid */
PetrelContact *
petrel_contact_list_lookup (PetrelContactList *self,
                            const char        *jid)
{
  Entry *entry;

  g_return_val_if_fail (PETREL_IS_CONTACT_LIST (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  entry = petrel_sorted_array_lookup (&self->entries, jid);

  return entry != NULL ? entry->contact : NULL;
}

/**
 * petrel_contact_list_replace:
 * @contacts: (element-type PetrelContact): the whole roster
 *
 * Makes the list hold exactly @contacts, as after a full roster result.
 * Contacts already in the list stay the same objects (with the roster data
 * of @contacts, and their presence); one items-changed (0, old, new) says
 * that everything changed.
 */
void
petrel_contact_list_replace (PetrelContactList *self,
                             GPtrArray         *contacts)
{
  g_autoptr(GHashTable) old_by_jid = NULL;
  g_autoptr(GPtrArray) old_entries = NULL;
  GHashTableIter iter;
  gpointer value;
  guint old_n;

  g_return_if_fail (PETREL_IS_CONTACT_LIST (self));
  g_return_if_fail (contacts != NULL);

  old_n = petrel_sorted_array_get_length (&self->entries);
  old_entries = petrel_sorted_array_steal_all (&self->entries, &old_by_jid);

  self->batch = TRUE;
  for (guint i = 0; i < contacts->len; i++)
    {
      PetrelContact *contact = g_ptr_array_index (contacts, i);
      const char *jid = petrel_contact_get_jid (contact);
      Entry *entry;

      if (petrel_sorted_array_lookup (&self->entries, jid) != NULL)
        continue;

      entry = g_hash_table_lookup (old_by_jid, jid);
      if (entry != NULL)
        {
          g_hash_table_remove (old_by_jid, jid);
          if (entry->contact != contact)
            copy_roster_data (entry->contact, contact);
          entry_update_key (entry);
        }
      else
        {
          entry = entry_new (self, contact);
        }
      petrel_sorted_array_append_unsorted (&self->entries, entry);
    }
  self->batch = FALSE;

  /* What is left in the old table is no longer in the roster. */
  g_hash_table_iter_init (&iter, old_by_jid);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    entry_free (value);

  petrel_sorted_array_sort (&self->entries);
  if (old_n > 0 || petrel_sorted_array_get_length (&self->entries) > 0)
    petrel_sorted_array_items_changed (G_LIST_MODEL (self), properties[PROP_N_ITEMS],
                                       0, old_n, petrel_sorted_array_get_length (&self->entries));
}

/**
 * petrel_contact_list_set_presence:
 * @full_jid: who sent the presence: a full JID, or a bare one
 * @show: %PETREL_PRESENCE_OFFLINE for an unavailable presence
 * @status: (nullable): its `<status/>` text
 *
 * Returns: %FALSE when the sender's bare JID is not in the roster
 */
gboolean
petrel_contact_list_set_presence (PetrelContactList  *self,
                                  const char         *full_jid,
                                  PetrelPresenceShow  show,
                                  const char         *status)
{
  g_autofree char *bare = NULL;
  const char *slash;
  PetrelContact *contact;

  g_return_val_if_fail (PETREL_IS_CONTACT_LIST (self), FALSE);
  g_return_val_if_fail (full_jid != NULL, FALSE);

  slash = strchr (full_jid, '/');
  bare = slash != NULL ? g_strndup (full_jid, slash - full_jid) : g_strdup (full_jid);
  contact = petrel_contact_list_lookup (self, bare);
  if (contact == NULL)
    return FALSE;

  /* Moves the contact, if it must, through contact_notify_cb (). */
  petrel_contact_set_presence (contact, slash != NULL ? slash + 1 : NULL, show, status);

  return TRUE;
}

/**
 * petrel_contact_list_clear_presence:
 *
 * Makes every contact offline, as when the account disconnects.  Nearly
 * every item moves, so this announces one items-changed (0, n, n) when the
 * order changed, and none when it did not.
 */
void
petrel_contact_list_clear_presence (PetrelContactList *self)
{
  g_autoptr(GPtrArray) before = NULL;
  gboolean moved = FALSE;

  g_return_if_fail (PETREL_IS_CONTACT_LIST (self));

  /* The copy shares the entries: it must not free them. */
  before = g_ptr_array_copy (self->entries.items, NULL, NULL);
  g_ptr_array_set_free_func (before, NULL);

  self->batch = TRUE;
  for (guint i = 0; i < before->len; i++)
    {
      Entry *entry = g_ptr_array_index (before, i);

      petrel_contact_clear_presence (entry->contact);
      entry_update_key (entry);
    }
  self->batch = FALSE;

  petrel_sorted_array_sort (&self->entries);
  for (guint i = 0; i < before->len && !moved; i++)
    moved = g_ptr_array_index (before, i) != petrel_sorted_array_get (&self->entries, i);
  if (moved)
    petrel_sorted_array_items_changed (G_LIST_MODEL (self), properties[PROP_N_ITEMS],
                                       0, before->len, before->len);
}
