/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelConversationRow: a conversation in the sidebar
 * (ui/petrel-conversation-row.ui): avatar with the peer's presence, name,
 * time of the last message, a one-line preview, the unread count, and the
 * account when several are configured.  All of it is bound in the
 * template; the sidebar sets the conversation, and the roster contact for
 * the presence when there is one.
 */
#define G_LOG_DOMAIN "petrel-conversation-row"

#include <string.h>

#include <glib/gi18n.h>

#include "petrel-conversation-row.h"
#include "petrel-presence.h"
#include "petrel-time-format.h"

struct _PetrelConversationRow
{
  AdwBin parent_instance;

  PetrelConversation *conversation;
  PetrelContact *contact;
  gboolean show_account;

  GtkWidget *unread_label;
};

G_DEFINE_FINAL_TYPE (PetrelConversationRow, petrel_conversation_row, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONVERSATION,
  PROP_CONTACT,
  PROP_SHOW_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Template closures */

static char *
name_or_peer (gpointer    unused,
              const char *name,
              const char *peer)
{
  return g_strdup (name != NULL && *name != '\0' ? name : peer != NULL ? peer : "");
}

static char *
format_activity (gpointer unused,
                 gint64   last_activity)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  return petrel_time_format_activity (last_activity, now);
}

/* A preview is a body: several lines, maybe huge; the label shows the
 * start of it on one line. */
static char *
one_line (gpointer    unused,
          const char *preview)
{
  g_autofree char *valid = NULL;
  g_autofree char *cut = NULL;

  if (preview == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (preview, MIN (strlen (preview), 1024));
  cut = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), 200));
  g_strdelimit (cut, "\r\n\t", ' ');
  return g_steal_pointer (&cut);
}

static gboolean
is_positive (gpointer unused,
             guint    value)
{
  return value > 0;
}

static gboolean
is_set (gpointer unused,
        GObject *object)
{
  return object != NULL;
}

static char *
format_unread (gpointer unused,
               guint    unread)
{
  if (unread > 999)
    return g_strdup ("999+");

  return g_strdup_printf ("%u", unread);
}

/* Tooltips are asked for when the pointer rests on them: a tooltip text
 * set on every bind costs a round trip to the display server per row. */
static gboolean
account_query_tooltip_cb (GtkWidget             *widget,
                          int                    x,
                          int                    y,
                          gboolean               keyboard_mode,
                          GtkTooltip            *tooltip,
                          PetrelConversationRow *self)
{
  const char *account = self->conversation != NULL ? petrel_conversation_get_account (self->conversation) : NULL;
  g_autofree char *text = NULL;

  if (account == NULL)
    return FALSE;

  /* Translators: %s is the user's own address (JID). */
  text = g_strdup_printf (_("On account %s"), account);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static char *
presence_icon_name (gpointer           unused,
                    PetrelPresenceShow show)
{
  return g_strdup (petrel_presence_icon_name (show));
}

static gboolean
presence_query_tooltip_cb (GtkWidget             *widget,
                           int                    x,
                           int                    y,
                           gboolean               keyboard_mode,
                           GtkTooltip            *tooltip,
                           PetrelConversationRow *self)
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

/* The badge reads "3"; a screen reader says what it counts. */
static void
update_unread_accessible (PetrelConversationRow *self)
{
  guint unread = self->conversation != NULL ? petrel_conversation_get_unread (self->conversation) : 0;
  g_autofree char *words = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unread message",
                                                         "%u unread messages", unread),
                                            unread);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->unread_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, words,
                                  -1);
}

static void
unread_changed_cb (PetrelConversation    *conversation,
                   GParamSpec            *pspec,
                   PetrelConversationRow *self)
{
  update_unread_accessible (self);
}

PetrelConversation *
petrel_conversation_row_get_conversation (PetrelConversationRow *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION_ROW (self), NULL);

  return self->conversation;
}

void
petrel_conversation_row_set_conversation (PetrelConversationRow *self,
                                          PetrelConversation    *conversation)
{
  g_return_if_fail (PETREL_IS_CONVERSATION_ROW (self));
  g_return_if_fail (conversation == NULL || PETREL_IS_CONVERSATION (conversation));

  if (self->conversation == conversation)
    return;

  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_func (self->conversation, unread_changed_cb, self);
  g_set_object (&self->conversation, conversation);
  /* After the template's binding, which sets the label's text and with
   * it the accessible name. */
  if (conversation != NULL)
    g_signal_connect_after (conversation, "notify::unread", G_CALLBACK (unread_changed_cb), self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
  update_unread_accessible (self);
}

/**
 * petrel_conversation_row_set_contact:
 * @contact: (nullable): the peer in the roster, for its presence
 */
void
petrel_conversation_row_set_contact (PetrelConversationRow *self,
                                     PetrelContact         *contact)
{
  g_return_if_fail (PETREL_IS_CONVERSATION_ROW (self));
  g_return_if_fail (contact == NULL || PETREL_IS_CONTACT (contact));

  if (g_set_object (&self->contact, contact))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTACT]);
}

static void
petrel_conversation_row_dispose (GObject *object)
{
  PetrelConversationRow *self = PETREL_CONVERSATION_ROW (object);

  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_func (self->conversation, unread_changed_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_CONVERSATION_ROW);
  g_clear_object (&self->conversation);
  g_clear_object (&self->contact);

  G_OBJECT_CLASS (petrel_conversation_row_parent_class)->dispose (object);
}

static void
petrel_conversation_row_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  PetrelConversationRow *self = PETREL_CONVERSATION_ROW (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION: g_value_set_object (value, self->conversation); break;
    case PROP_CONTACT: g_value_set_object (value, self->contact); break;
    case PROP_SHOW_ACCOUNT: g_value_set_boolean (value, self->show_account); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_conversation_row_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  PetrelConversationRow *self = PETREL_CONVERSATION_ROW (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      petrel_conversation_row_set_conversation (self, g_value_get_object (value));
      break;
    case PROP_CONTACT:
      petrel_conversation_row_set_contact (self, g_value_get_object (value));
      break;
    case PROP_SHOW_ACCOUNT:
      if (self->show_account != g_value_get_boolean (value))
        {
          self->show_account = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_conversation_row_class_init (PetrelConversationRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags     rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = petrel_conversation_row_dispose;
  object_class->get_property = petrel_conversation_row_get_property;
  object_class->set_property = petrel_conversation_row_set_property;

  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL, PETREL_TYPE_CONVERSATION, rw);
  properties[PROP_CONTACT] = g_param_spec_object ("contact", NULL, NULL, PETREL_TYPE_CONTACT, rw);
  /* Whether to name the account: only when there are several. */
  properties[PROP_SHOW_ACCOUNT] = g_param_spec_boolean ("show-account", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PETREL_TYPE_CONVERSATION);
  g_type_ensure (PETREL_TYPE_CONTACT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-conversation-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelConversationRow, unread_label);
  gtk_widget_class_bind_template_child_full (widget_class, "name_label", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "preview_label", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "account_label", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, name_or_peer);
  gtk_widget_class_bind_template_callback (widget_class, format_activity);
  gtk_widget_class_bind_template_callback (widget_class, one_line);
  gtk_widget_class_bind_template_callback (widget_class, is_positive);
  gtk_widget_class_bind_template_callback (widget_class, is_set);
  gtk_widget_class_bind_template_callback (widget_class, format_unread);
  gtk_widget_class_bind_template_callback (widget_class, account_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, presence_icon_name);
  gtk_widget_class_bind_template_callback (widget_class, presence_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, presence_css_classes);
}

static void
petrel_conversation_row_init (PetrelConversationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PetrelConversationRow *
petrel_conversation_row_new (void)
{
  return g_object_new (PETREL_TYPE_CONVERSATION_ROW, NULL);
}
