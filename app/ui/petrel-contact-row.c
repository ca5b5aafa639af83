/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelContactRow: a roster entry in the contacts page
 * (ui/petrel-contact-row.ui): presence, name, status or address, and a
 * menu to rename or remove it.  The menu's items carry (account, jid) as
 * the target of the page's "contacts.rename" and "contacts.remove".
 */
#define G_LOG_DOMAIN "petrel-contact-row"

#include <glib/gi18n.h>

#include "petrel-contact-row.h"
#include "petrel-presence.h"

struct _PetrelContactRow
{
  AdwBin parent_instance;

  char *account;
  PetrelContact *contact;

  GtkMenuButton *menu_button;
};

G_DEFINE_FINAL_TYPE (PetrelContactRow, petrel_contact_row, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
presence_icon_name (gpointer           unused,
                    PetrelPresenceShow show)
{
  return g_strdup (petrel_presence_icon_name (show));
}

/* Asked for when the pointer rests on the icon: a tooltip text set on
 * every bind costs a round trip to the display server per row. */
static gboolean
presence_query_tooltip_cb (GtkWidget        *widget,
                           int               x,
                           int               y,
                           gboolean          keyboard_mode,
                           GtkTooltip       *tooltip,
                           PetrelContactRow *self)
{
  const char *words = self->contact != NULL ? petrel_presence_describe (petrel_contact_get_show (self->contact)) : NULL;

  if (words == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, words);
  return TRUE;
}

static GStrv
presence_css_classes (gpointer           unused,
                      PetrelPresenceShow show)
{
  const char *classes[] = { "presence-icon", petrel_presence_style_class (show), NULL };

  return g_strdupv ((char **) classes);
}

/* The status message when there is one; otherwise the address, and
 * whether the contact has not accepted us yet (RFC 6121 §3). */
static char *
format_subtitle (gpointer    unused,
                 const char *jid,
                 const char *status,
                 const char *subscription)
{
  g_autofree char *valid = NULL;

  if (status != NULL && *status != '\0')
    {
      valid = g_utf8_make_valid (status, -1);
      g_strdelimit (valid, "\r\n\t", ' ');
      return g_steal_pointer (&valid);
    }

  if (g_strcmp0 (subscription, "to") != 0 && g_strcmp0 (subscription, "both") != 0)
    /* Translators: %s is a contact's address; they have not shared their presence. */
    return g_strdup_printf (_("%s · Waiting for approval"), jid != NULL ? jid : "");

  return g_strdup (jid != NULL ? jid : "");
}

/* The menu is built when the button is clicked, not for every row the
 * list binds: a menu model on a GtkMenuButton builds its whole popover
 * at once, which for a roster of thousands was most of the page's
 * memory. */
static void
create_popup_cb (GtkMenuButton *button,
                 gpointer       user_data)
{
  PetrelContactRow *self = PETREL_CONTACT_ROW (user_data);
  g_autoptr (GMenu) menu = NULL;
  g_autoptr (GMenuItem) rename = NULL;
  g_autoptr (GMenuItem) remove = NULL;
  GVariant *target;

  if (self->contact == NULL || self->account == NULL)
    {
      gtk_menu_button_set_menu_model (button, NULL);
      return;
    }

  menu = g_menu_new ();
  target = g_variant_new ("(ss)", self->account, petrel_contact_get_jid (self->contact));
  g_variant_ref_sink (target);

  rename = g_menu_item_new (_("_Rename…"), NULL);
  g_menu_item_set_action_and_target_value (rename, "contacts.rename", target);
  g_menu_append_item (menu, rename);
  remove = g_menu_item_new (_("Re_move…"), NULL);
  g_menu_item_set_action_and_target_value (remove, "contacts.remove", target);
  g_menu_append_item (menu, remove);
  g_variant_unref (target);

  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (menu));
}

/**
 * petrel_contact_row_set_contact:
 * @account: (nullable): the account whose roster holds @contact
 * @contact: (nullable): the contact
 */
void
petrel_contact_row_set_contact (PetrelContactRow *self,
                                const char       *account,
                                PetrelContact    *contact)
{
  g_return_if_fail (PETREL_IS_CONTACT_ROW (self));
  g_return_if_fail (contact == NULL || PETREL_IS_CONTACT (contact));

  g_free (self->account);
  self->account = g_strdup (account);
  if (g_set_object (&self->contact, contact))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTACT]);
  /* A menu built for the previous contact goes; the next click builds
   * the new one. */
  if (gtk_menu_button_get_menu_model (self->menu_button) != NULL)
    gtk_menu_button_set_menu_model (self->menu_button, NULL);
}

const char *
petrel_contact_row_get_account (PetrelContactRow *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT_ROW (self), NULL);

  return self->account;
}

PetrelContact *
petrel_contact_row_get_contact (PetrelContactRow *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACT_ROW (self), NULL);

  return self->contact;
}

static void
petrel_contact_row_dispose (GObject *object)
{
  PetrelContactRow *self = PETREL_CONTACT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_CONTACT_ROW);
  g_clear_object (&self->contact);
  g_clear_pointer (&self->account, g_free);

  G_OBJECT_CLASS (petrel_contact_row_parent_class)->dispose (object);
}

static void
petrel_contact_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PetrelContactRow *self = PETREL_CONTACT_ROW (object);

  switch (prop_id)
    {
    case PROP_CONTACT: g_value_set_object (value, self->contact); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_contact_row_class_init (PetrelContactRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = petrel_contact_row_dispose;
  object_class->get_property = petrel_contact_row_get_property;

  properties[PROP_CONTACT] =
    g_param_spec_object ("contact", NULL, NULL, PETREL_TYPE_CONTACT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PETREL_TYPE_CONTACT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-contact-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelContactRow, menu_button);
  gtk_widget_class_bind_template_callback (widget_class, presence_icon_name);
  gtk_widget_class_bind_template_callback (widget_class, presence_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, presence_css_classes);
  gtk_widget_class_bind_template_callback (widget_class, format_subtitle);
}

static void
petrel_contact_row_init (PetrelContactRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (self->menu_button, create_popup_cb, self, NULL);
}

PetrelContactRow *
petrel_contact_row_new (void)
{
  return g_object_new (PETREL_TYPE_CONTACT_ROW, NULL);
}
