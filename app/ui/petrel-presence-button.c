/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelPresenceButton: the user's own presence (ui/petrel-presence-button.ui):
 * a menu of Available / Away / Busy / Offline (the "presence.show"
 * property action) and a status message.  Each change goes to every
 * account through petrel_accounts_set_presence (); the window binds
 * "show" and "status" to GSettings, so the choice outlives the session.
 */
#define G_LOG_DOMAIN "petrel-presence-button"

#include "petrel-presence-button.h"
#include "petrel-presence.h"

struct _PetrelPresenceButton
{
  AdwBin parent_instance;

  PetrelAccounts *accounts;
  char *show;
  char *status;

  GtkMenuButton *button;
  GtkPopover *popover;
  GtkEditable *status_entry;
};

G_DEFINE_FINAL_TYPE (PetrelPresenceButton, petrel_presence_button, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACCOUNTS,
  PROP_SHOW,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
show_icon_name (gpointer    unused,
                const char *show)
{
  return g_strdup (petrel_presence_icon_name (petrel_presence_from_nick (show)));
}

static GStrv
show_css_classes (gpointer    unused,
                  const char *show)
{
  const char *classes[] = {
    "presence-button", petrel_presence_style_class (petrel_presence_from_nick (show)), NULL
  };

  return g_strdupv ((char **) classes);
}

static void
apply (PetrelPresenceButton *self)
{
  if (self->accounts == NULL)
    return;

  petrel_accounts_set_presence (self->accounts,
                                petrel_presence_from_nick (self->show),
                                self->status != NULL && *self->status != '\0' ? self->status : NULL);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* The icon alone says nothing to a screen reader. */
static void
update_accessible (PetrelPresenceButton *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  petrel_presence_describe (petrel_presence_from_nick (self->show)),
                                  -1);
}

static void
set_show (PetrelPresenceButton *self,
          const char           *show)
{
  if (show == NULL || *show == '\0')
    show = "online";
  if (!set_string (&self->show, show))
    return;

  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW]);
  apply (self);
}

static void
set_status (PetrelPresenceButton *self,
            const char           *status)
{
  if (!set_string (&self->status, status))
    return;

  if (g_strcmp0 (gtk_editable_get_text (self->status_entry), status != NULL ? status : "") != 0)
    gtk_editable_set_text (self->status_entry, status != NULL ? status : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  apply (self);
}

static void
status_activate_cb (GtkEntry             *entry,
                    PetrelPresenceButton *self)
{
  set_status (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
  gtk_popover_popdown (self->popover);
}

static void
popover_closed_cb (GtkPopover           *popover,
                   PetrelPresenceButton *self)
{
  set_status (self, gtk_editable_get_text (self->status_entry));
}

const char *
petrel_presence_button_get_show (PetrelPresenceButton *self)
{
  g_return_val_if_fail (PETREL_IS_PRESENCE_BUTTON (self), NULL);

  return self->show;
}

const char *
petrel_presence_button_get_status (PetrelPresenceButton *self)
{
  g_return_val_if_fail (PETREL_IS_PRESENCE_BUTTON (self), NULL);

  return self->status;
}

static void
petrel_presence_button_dispose (GObject *object)
{
  PetrelPresenceButton *self = PETREL_PRESENCE_BUTTON (object);

  /* The button is both AdwBin's child and a template child: AdwBin must
   * let go of it before the template unparents it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_PRESENCE_BUTTON);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (petrel_presence_button_parent_class)->dispose (object);
}

static void
petrel_presence_button_finalize (GObject *object)
{
  PetrelPresenceButton *self = PETREL_PRESENCE_BUTTON (object);

  g_free (self->show);
  g_free (self->status);

  G_OBJECT_CLASS (petrel_presence_button_parent_class)->finalize (object);
}

static void
petrel_presence_button_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  PetrelPresenceButton *self = PETREL_PRESENCE_BUTTON (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS: g_value_set_object (value, self->accounts); break;
    case PROP_SHOW: g_value_set_string (value, self->show); break;
    case PROP_STATUS: g_value_set_string (value, self->status); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_presence_button_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  PetrelPresenceButton *self = PETREL_PRESENCE_BUTTON (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS:
      if (g_set_object (&self->accounts, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_SHOW: set_show (self, g_value_get_string (value)); break;
    case PROP_STATUS: set_status (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_presence_button_class_init (PetrelPresenceButtonClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags     rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = petrel_presence_button_dispose;
  object_class->finalize = petrel_presence_button_finalize;
  object_class->get_property = petrel_presence_button_get_property;
  object_class->set_property = petrel_presence_button_set_property;

  properties[PROP_ACCOUNTS] = g_param_spec_object ("accounts", NULL, NULL, PETREL_TYPE_ACCOUNTS, rw);
  /* "online", "away", "dnd" or "offline" (PetrelPresenceShow nicks) */
  properties[PROP_SHOW] = g_param_spec_string ("show", NULL, NULL, "online", rw);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-presence-button.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelPresenceButton, button);
  gtk_widget_class_bind_template_child (widget_class, PetrelPresenceButton, popover);
  gtk_widget_class_bind_template_child (widget_class, PetrelPresenceButton, status_entry);
  gtk_widget_class_bind_template_callback (widget_class, show_icon_name);
  gtk_widget_class_bind_template_callback (widget_class, show_css_classes);
  gtk_widget_class_bind_template_callback (widget_class, status_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, popover_closed_cb);

  gtk_widget_class_install_property_action (widget_class, "presence.show", "show");
}

static void
petrel_presence_button_init (PetrelPresenceButton *self)
{
  self->show = g_strdup ("online");

  gtk_widget_init_template (GTK_WIDGET (self));
  update_accessible (self);
}
