/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-contact"

#include "petrel-contact.h"

struct _PetrelContact
{
  GObject parent_instance;

  char *jid;
  char *name;
  char *subscription;
  GStrv groups;
};

enum {
  PROP_0,
  PROP_JID,
  PROP_NAME,
  PROP_SUBSCRIPTION,
  PROP_GROUPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PetrelContact, petrel_contact, G_TYPE_OBJECT)

static void
petrel_contact_finalize (GObject *object)
{
  PetrelContact *self = PETREL_CONTACT (object);

  g_free (self->jid);
  g_free (self->name);
  g_free (self->subscription);
  g_strfreev (self->groups);

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
    case PROP_NAME: self->name = g_value_dup_string (value); break;
    case PROP_SUBSCRIPTION: self->subscription = g_value_dup_string (value); break;
    case PROP_GROUPS:
      self->groups = g_value_dup_boxed (value);
      if (self->groups == NULL)
        self->groups = g_new0 (char *, 1);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_contact_class_init (PetrelContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = petrel_contact_finalize;
  object_class->get_property = petrel_contact_get_property;
  object_class->set_property = petrel_contact_set_property;

  properties[PROP_JID] = g_param_spec_string ("jid", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SUBSCRIPTION] = g_param_spec_string ("subscription", NULL, NULL, "none", flags);
  properties[PROP_GROUPS] = g_param_spec_boxed ("groups", NULL, NULL, G_TYPE_STRV, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
petrel_contact_init (PetrelContact *self)
{
}

PetrelContact *
petrel_contact_new (const char         *jid,
                    const char         *name,
                    const char         *subscription,
                    const char * const *groups)
{
  return g_object_new (PETREL_TYPE_CONTACT,
                       "jid", jid, "name", name,
                       "subscription", subscription ? subscription : "none",
                       "groups", groups, NULL);
}

const char *petrel_contact_get_jid (PetrelContact *self) { return self->jid; }
const char *petrel_contact_get_name (PetrelContact *self) { return self->name; }
const char *petrel_contact_get_subscription (PetrelContact *self) { return self->subscription; }
const char * const *petrel_contact_get_groups (PetrelContact *self) { return (const char * const *) self->groups; }
