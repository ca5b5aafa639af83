/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-contact"

/*
 * A contact's roster data (name, subscription, groups) comes from roster
 * pushes and may change; its JID never does.
 *
 * Presence is per resource (RFC 6121 §4.4): each full JID that sent an
 * available presence has an entry in a small table.  The contact shows its
 * best resource: the highest of chat > online > away > xa > dnd (the order
 * Conversations uses: a resource that asks not to be disturbed is the
 * worst place to write to), and among equals the one heard from last.
 * Without any resource the contact is offline.
 */

#include "petrel-contact.h"
#include "petrel-model-private.h"

typedef struct
{
  PetrelPresenceShow show;
  char *status;
  guint64 serial;
} Resource;

struct _PetrelContact
{
  GObject parent_instance;

  char *jid;
  char *name;
  char *subscription;
  GStrv groups;

  /* resource ("" for the bare JID) → Resource; NULL until the first
   * presence: most of a large roster is offline, and thousands of empty
   * tables cost memory at every start. */
  GHashTable *resources;
  guint64 next_serial;
  PetrelPresenceShow show;
  char *status;
};

enum {
  PROP_0,
  PROP_JID,
  PROP_NAME,
  PROP_SUBSCRIPTION,
  PROP_GROUPS,
  PROP_DISPLAY_NAME,
  PROP_SHOW,
  PROP_STATUS,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PetrelContact, petrel_contact, G_TYPE_OBJECT)

static void
resource_free (gpointer data)
{
  Resource *resource = data;

  g_free (resource->status);
  g_free (resource);
}

static void
petrel_contact_finalize (GObject *object)
{
  PetrelContact *self = PETREL_CONTACT (object);

  g_free (self->jid);
  g_free (self->name);
  g_free (self->subscription);
  g_strfreev (self->groups);
  g_clear_pointer (&self->resources, g_hash_table_unref);
  g_free (self->status);

  G_OBJECT_CLASS (petrel_contact_parent_class)->finalize (object);
}

static void
petrel_contact_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PetrelContact *self = PETREL_CONTACT (object);

  switch (prop_id)
    {
    case PROP_JID: g_value_set_string (value, self->jid); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_SUBSCRIPTION: g_value_set_string (value, self->subscription); break;
    case PROP_GROUPS: g_value_set_boxed (value, self->groups); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, petrel_contact_get_display_name (self)); break;
    case PROP_SHOW: g_value_set_enum (value, self->show); break;
    case PROP_STATUS: g_value_set_string (value, self->status); break;
    case PROP_AVAILABLE: g_value_set_boolean (value, petrel_contact_get_available (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_contact_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PetrelContact *self = PETREL_CONTACT (object);

  switch (prop_id)
    {
    case PROP_JID: self->jid = g_value_dup_string (value); break;
    case PROP_NAME: petrel_contact_set_name (self, g_value_get_string (value)); break;
    case PROP_SUBSCRIPTION: petrel_contact_set_subscription (self, g_value_get_string (value)); break;
    case PROP_GROUPS: petrel_contact_set_groups (self, g_value_get_boxed (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_contact_class_init (PetrelContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = petrel_contact_finalize;
  object_class->get_property = petrel_contact_get_property;
  object_class->set_property = petrel_contact_set_property;

  properties[PROP_JID] =
    g_param_spec_string ("jid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_SUBSCRIPTION] = g_param_spec_string ("subscription", NULL, NULL, "none", rw);
  properties[PROP_GROUPS] = g_param_spec_boxed ("groups", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  properties[PROP_SHOW] =
    g_param_spec_enum ("show", NULL, NULL, PETREL_TYPE_PRESENCE_SHOW, PETREL_PRESENCE_OFFLINE, ro);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, ro);
  properties[PROP_AVAILABLE] = g_param_spec_boolean ("available", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
petrel_contact_init (PetrelContact *self)
{
  self->subscription = g_strdup ("none");
  self->groups = g_new0 (char *, 1);
}

PetrelContact *
petrel_contact_new (const char         *jid,
                    const char         *name,
                    const char         *subscription,
                    const char * const *groups)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return g_object_new (PETREL_TYPE_CONTACT,
                       "jid", jid, "name", name,
                       "subscription", subscription ? subscription : "none",
                       "groups", groups, NULL);
}

const char *
petrel_contact_get_jid (PetrelContact *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT (self), NULL);

  return self->jid;
}

const char *
petrel_contact_get_name (PetrelContact *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT (self), NULL);

  return self->name;
}

const char *
petrel_contact_get_subscription (PetrelContact *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT (self), NULL);

  return self->subscription;
}

const char * const *
petrel_contact_get_groups (PetrelContact *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT (self), NULL);

  return (const char * const *) self->groups;
}

const char *
petrel_contact_get_display_name (PetrelContact *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT (self), NULL);

  return self->name != NULL ? self->name : self->jid;
}

/* @name: (nullable): %NULL or "" when the roster item has none */
void
petrel_contact_set_name (PetrelContact *self,
                         const char    *name)
{
  g_autofree char *old_display_name = NULL;

  g_return_if_fail (PETREL_IS_CONTACT (self));

  if (name != NULL && *name == '\0')
    name = NULL;
  old_display_name = g_strdup (petrel_contact_get_display_name (self));
  if (!petrel_model_set_str (&self->name, name))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  /* A name equal to the JID reads the same. */
  if (g_strcmp0 (old_display_name, petrel_contact_get_display_name (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

/* @subscription: (nullable): %NULL is "none" */
void
petrel_contact_set_subscription (PetrelContact *self,
                                 const char    *subscription)
{
  g_return_if_fail (PETREL_IS_CONTACT (self));

  if (petrel_model_set_str (&self->subscription, subscription ? subscription : "none"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBSCRIPTION]);
}

/* @groups: (nullable): %NULL means none */
void
petrel_contact_set_groups (PetrelContact      *self,
                           const char * const *groups)
{
  static const char * const none[] = { NULL };

  g_return_if_fail (PETREL_IS_CONTACT (self));

  if (groups == NULL)
    groups = none;
  if (g_strv_equal ((const char * const *) self->groups, groups))
    return;

  g_strfreev (self->groups);
  self->groups = g_strdupv ((char **) groups);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUPS]);
}

PetrelPresenceShow
petrel_contact_get_show (PetrelContact *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT (self), PETREL_PRESENCE_OFFLINE);

  return self->show;
}

/* The status text of the best resource, or %NULL. */
const char *
petrel_contact_get_status (PetrelContact *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT (self), NULL);

  return self->status;
}

gboolean
petrel_contact_get_available (PetrelContact *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT (self), FALSE);

  return self->show != PETREL_PRESENCE_OFFLINE;
}

/* How many resources are available. */
guint
petrel_contact_get_n_resources (PetrelContact *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT (self), 0);

  return self->resources != NULL ? g_hash_table_size (self->resources) : 0;
}

static int
show_rank (PetrelPresenceShow show)
{
  switch (show)
    {
    case PETREL_PRESENCE_CHAT: return 5;
    case PETREL_PRESENCE_ONLINE: return 4;
    case PETREL_PRESENCE_AWAY: return 3;
    case PETREL_PRESENCE_XA: return 2;
    case PETREL_PRESENCE_DND: return 1;
    case PETREL_PRESENCE_OFFLINE:
    default: return 0;
    }
}

/* Recomputes show and status from the table; notifies each that changed. */
static void
update_best (PetrelContact *self)
{
  const Resource *best = NULL;
  GHashTableIter iter;
  gpointer value;
  PetrelPresenceShow show;
  gboolean was_available = petrel_contact_get_available (self);

  /* No table: no presence yet, offline. */
  if (self->resources != NULL)
    {
      g_hash_table_iter_init (&iter, self->resources);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          const Resource *resource = value;

          if (best == NULL
              || show_rank (resource->show) > show_rank (best->show)
              || (show_rank (resource->show) == show_rank (best->show)
                  && resource->serial > best->serial))
            best = resource;
        }
    }

  show = best != NULL ? best->show : PETREL_PRESENCE_OFFLINE;
  if (self->show != show)
    {
      self->show = show;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW]);
    }
  if (petrel_model_set_str (&self->status, best != NULL ? best->status : NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  if (was_available != petrel_contact_get_available (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

/**
 * petrel_contact_set_presence:
 * @resource: (nullable): the resource that sent it; %NULL or "" for a
 *   presence from the bare JID
 * @show: %PETREL_PRESENCE_OFFLINE for an unavailable presence
 * @status: (nullable): its `<status/>` text
 *
 * Records one presence.  An unavailable presence removes its resource; an
 * unavailable presence from the bare JID makes the whole contact offline.
 */
void
petrel_contact_set_presence (PetrelContact      *self,
                             const char         *resource,
                             PetrelPresenceShow  show,
                             const char         *status)
{
  Resource *entry;

  g_return_if_fail (PETREL_IS_CONTACT (self));
  g_return_if_fail (show <= PETREL_PRESENCE_DND);

  if (resource == NULL)
    resource = "";

  if (show == PETREL_PRESENCE_OFFLINE)
    {
      if (self->resources != NULL && *resource == '\0')
        g_hash_table_remove_all (self->resources);
      else if (self->resources != NULL)
        g_hash_table_remove (self->resources, resource);
    }
  else
    {
      if (self->resources == NULL)
        self->resources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, resource_free);
      entry = g_new0 (Resource, 1);
      entry->show = show;
      entry->status = g_strdup (status);
      entry->serial = ++self->next_serial;
      g_hash_table_replace (self->resources, g_strdup (resource), entry);
    }

  update_best (self);
}

/* Every resource goes offline, as when the own account disconnects. */
void
petrel_contact_clear_presence (PetrelContact *self)
{
  g_return_if_fail (PETREL_IS_CONTACT (self));

  if (self->resources != NULL)
    g_hash_table_remove_all (self->resources);
  update_best (self);
}
