/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-account"

/*
 * PetrelAccount holds what a view shows about an account: its address, a
 * name, whether it is enabled and how its connection is doing.  It has no
 * behaviour: the account's session (app/service) writes the state, and
 * settings are stored by app/store.
 */

#include "petrel-account.h"
#include "petrel-model-private.h"

struct _PetrelAccount
{
  GObject parent_instance;

  char *jid;
  char *display_name;
  PetrelAccountState state;
  char *error_message;
  gboolean enabled;
};

enum {
  PROP_0,
  PROP_JID,
  PROP_DISPLAY_NAME,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PetrelAccount, petrel_account, G_TYPE_OBJECT)

static void
petrel_account_finalize (GObject *object)
{
  PetrelAccount *self = PETREL_ACCOUNT (object);

  g_free (self->jid);
  g_free (self->display_name);
  g_free (self->error_message);

  G_OBJECT_CLASS (petrel_account_parent_class)->finalize (object);
}

static void
petrel_account_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PetrelAccount *self = PETREL_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_JID: g_value_set_string (value, self->jid); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, petrel_account_get_display_name (self)); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_ERROR_MESSAGE: g_value_set_string (value, self->error_message); break;
    case PROP_ENABLED: g_value_set_boolean (value, self->enabled); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_account_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PetrelAccount *self = PETREL_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_JID: self->jid = g_value_dup_string (value); break;
    case PROP_DISPLAY_NAME: petrel_account_set_display_name (self, g_value_get_string (value)); break;
    case PROP_STATE: petrel_account_set_state (self, g_value_get_enum (value)); break;
    case PROP_ERROR_MESSAGE: petrel_account_set_error_message (self, g_value_get_string (value)); break;
    case PROP_ENABLED: petrel_account_set_enabled (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_account_class_init (PetrelAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = petrel_account_finalize;
  object_class->get_property = petrel_account_get_property;
  object_class->set_property = petrel_account_set_property;

  properties[PROP_JID] =
    g_param_spec_string ("jid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Reads as the JID when no name is set, so a view can always bind it. */
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, PETREL_TYPE_ACCOUNT_STATE, PETREL_ACCOUNT_OFFLINE, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  properties[PROP_ENABLED] = g_param_spec_boolean ("enabled", NULL, NULL, TRUE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
petrel_account_init (PetrelAccount *self)
{
  self->enabled = TRUE;
}

PetrelAccount *
petrel_account_new (const char *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return g_object_new (PETREL_TYPE_ACCOUNT, "jid", jid, NULL);
}

const char *
petrel_account_get_jid (PetrelAccount *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNT (self), NULL);

  return self->jid;
}

const char *
petrel_account_get_display_name (PetrelAccount *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNT (self), NULL);

  return self->display_name != NULL ? self->display_name : self->jid;
}

/* @display_name: (nullable): %NULL or "" to show the JID */
void
petrel_account_set_display_name (PetrelAccount *self,
                                 const char    *display_name)
{
  g_return_if_fail (PETREL_IS_ACCOUNT (self));

  if (display_name != NULL && *display_name == '\0')
    display_name = NULL;
  if (petrel_model_set_str (&self->display_name, display_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

PetrelAccountState
petrel_account_get_state (PetrelAccount *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNT (self), PETREL_ACCOUNT_OFFLINE);

  return self->state;
}

void
petrel_account_set_state (PetrelAccount      *self,
                          PetrelAccountState  state)
{
  g_return_if_fail (PETREL_IS_ACCOUNT (self));
  g_return_if_fail (state <= PETREL_ACCOUNT_FAILED);

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
petrel_account_get_error_message (PetrelAccount *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNT (self), NULL);

  return self->error_message;
}

/* @error_message: (nullable): why the account failed, %NULL when it did not */
void
petrel_account_set_error_message (PetrelAccount *self,
                                  const char    *error_message)
{
  g_return_if_fail (PETREL_IS_ACCOUNT (self));

  if (petrel_model_set_str (&self->error_message, error_message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

gboolean
petrel_account_get_enabled (PetrelAccount *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNT (self), FALSE);

  return self->enabled;
}

void
petrel_account_set_enabled (PetrelAccount *self,
                            gboolean       enabled)
{
  g_return_if_fail (PETREL_IS_ACCOUNT (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;

  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}
