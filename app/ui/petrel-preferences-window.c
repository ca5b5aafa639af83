/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelPreferencesWindow (ui/petrel-preferences-window.ui): notification
 * and privacy switches bound to GSettings, and the accounts with their
 * connection state, to add, remove or open in the account settings
 * (app.account-settings).
 */
#define G_LOG_DOMAIN "petrel-preferences-window"

#include <glib/gi18n.h>

#include "petrel-preferences-window.h"

struct _PetrelPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  PetrelAccounts *accounts;
  GSettings *settings;

  GtkSwitch *notifications_switch;
  GtkSwitch *chat_states_switch;
  GtkListBox *accounts_list;
};

G_DEFINE_FINAL_TYPE (PetrelPreferencesWindow, petrel_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static char *
describe_account (PetrelAccount *account)
{
  const char *error = petrel_account_get_error_message (account);

  switch (petrel_account_get_state (account))
    {
    case PETREL_ACCOUNT_ONLINE:
      return g_strdup (_("Connected"));
    case PETREL_ACCOUNT_CONNECTING:
      return g_strdup (_("Connecting…"));
    case PETREL_ACCOUNT_WAITING:
      return g_strdup (_("Connection lost; trying again soon"));
    case PETREL_ACCOUNT_FAILED:
      /* Translators: %s is why the account stopped connecting. */
      return error != NULL ? g_strdup_printf (_("Not connected: %s"), error) : g_strdup (_("Not connected"));
    case PETREL_ACCOUNT_OFFLINE:
    default:
      return g_strdup (_("Offline"));
    }
}

static void
account_changed_cb (PetrelAccount *account,
                    GParamSpec    *pspec,
                    AdwActionRow  *row)
{
  g_autofree char *subtitle = describe_account (account);

  adw_action_row_set_subtitle (row, subtitle);
}

static GtkWidget *
create_account_row (gpointer item,
                    gpointer user_data)
{
  PetrelAccount *account = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  /* Translators: %s is an account's address. */
  g_autofree char *remove_label = g_strdup_printf (_("Remove account %s"), petrel_account_get_jid (account));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), petrel_account_get_jid (account));
  /* The row opens the account's settings. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "app.account-settings");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", petrel_account_get_jid (account));
  account_changed_cb (account, NULL, ADW_ACTION_ROW (row));
  g_signal_connect_object (account, "notify::state", G_CALLBACK (account_changed_cb), row, 0);
  g_signal_connect_object (account, "notify::error-message", G_CALLBACK (account_changed_cb), row, 0);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove Account"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "prefs.remove-account");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", petrel_account_get_jid (account));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  return row;
}

static void
remove_response_cb (AdwMessageDialog        *dialog,
                    const char              *response,
                    PetrelPreferencesWindow *self)
{
  const char *jid = g_object_get_data (G_OBJECT (dialog), "jid");
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (response, "remove") != 0 || self->accounts == NULL)
    return;

  if (!petrel_accounts_remove (self->accounts, jid, &error))
    {
      /* Translators: %s is the technical reason. */
      g_autofree char *title = g_strdup_printf (_("Could not remove the account: %s"), error->message);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (title));
    }
}

static void
remove_account_action_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PetrelPreferencesWindow *self = PETREL_PREFERENCES_WINDOW (widget);
  const char *jid = g_variant_get_string (parameter, NULL);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Remove Account?"), NULL));
  /* Translators: %s is an account's address. */
  /* The history stays in the store (petrel_accounts_remove ()). */
  adw_message_dialog_format_body (dialog, _("Petrel will forget %s: its settings and its password "
                                            "(also in the keyring), and it stops showing its "
                                            "conversations and contacts. The message history stays "
                                            "in the profile folder and comes back if you add the "
                                            "account again. The account itself stays on its server."),
                                  jid);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "jid", g_strdup (jid), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
petrel_preferences_window_dispose (GObject *object)
{
  PetrelPreferencesWindow *self = PETREL_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (petrel_preferences_window_parent_class)->dispose (object);
}

static void
petrel_preferences_window_class_init (PetrelPreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = petrel_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelPreferencesWindow, notifications_switch);
  gtk_widget_class_bind_template_child (widget_class, PetrelPreferencesWindow, chat_states_switch);
  gtk_widget_class_bind_template_child (widget_class, PetrelPreferencesWindow, accounts_list);

  gtk_widget_class_install_action (widget_class, "prefs.remove-account", "s", remove_account_action_cb);
}

static void
petrel_preferences_window_init (PetrelPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * petrel_preferences_window_new:
 * @accounts: (nullable): the accounts to list
 * @settings: (nullable): the application's settings; without them the
 *   switches are insensitive
 *
 * Returns: (transfer none): the window, owned by GTK until destroyed
 */
PetrelPreferencesWindow *
petrel_preferences_window_new (PetrelAccounts *accounts,
                               GSettings      *settings)
{
  PetrelPreferencesWindow *self;

  g_return_val_if_fail (accounts == NULL || PETREL_IS_ACCOUNTS (accounts), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (PETREL_TYPE_PREFERENCES_WINDOW, NULL);
  self->accounts = accounts != NULL ? g_object_ref (accounts) : NULL;
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;

  if (settings != NULL)
    {
      g_settings_bind (settings, "notifications", self->notifications_switch, "active", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "send-chat-states", self->chat_states_switch, "active", G_SETTINGS_BIND_DEFAULT);
    }
  else
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->notifications_switch), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->chat_states_switch), FALSE);
    }

  if (accounts != NULL)
    gtk_list_box_bind_model (self->accounts_list, petrel_accounts_get_accounts (accounts),
                             create_account_row, NULL, NULL);

  return self;
}
