/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelAccountSettingsWindow (ui/petrel-account-settings-window.ui): the
 * accounts of the profile, each with its connection state; choosing one
 * shows its PetrelAccountSettingsPage as a subpage.  "Add Account…" is
 * app.add-account (the assistant).  With a single account the window
 * opens on its page (petrel_account_settings_window_show_account ()).
 *
 * Actions:
 *   accounts.show (s)  the page of an account
 */
#define G_LOG_DOMAIN "petrel-account-settings-window"

#include <glib/gi18n.h>

#include "petrel-account-settings-window.h"

struct _PetrelAccountSettingsWindow
{
  AdwPreferencesWindow parent_instance;

  PetrelAccounts *accounts;
  PetrelAccountSettingsPage *page;   /* weak: the subpage shown */

  GtkListBox *accounts_list;
};

G_DEFINE_FINAL_TYPE (PetrelAccountSettingsWindow, petrel_account_settings_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
account_changed_cb (PetrelAccount *account,
                    GParamSpec    *pspec,
                    AdwActionRow  *row)
{
  g_autofree char *subtitle = petrel_account_settings_describe_state (account);

  adw_action_row_set_subtitle (row, subtitle);
}

static GtkWidget *
create_account_row (gpointer item,
                    gpointer user_data)
{
  PetrelAccount *account = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), petrel_account_get_jid (account));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "accounts.show");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", petrel_account_get_jid (account));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);

  account_changed_cb (account, NULL, ADW_ACTION_ROW (row));
  g_signal_connect_object (account, "notify::state", G_CALLBACK (account_changed_cb), row, 0);
  g_signal_connect_object (account, "notify::error-message", G_CALLBACK (account_changed_cb), row, 0);
  g_signal_connect_object (account, "notify::enabled", G_CALLBACK (account_changed_cb), row, 0);

  return row;
}

static void
page_removed_cb (PetrelAccountSettingsPage   *page,
                 PetrelAccountSettingsWindow *self)
{
  /* Translators: %s is an account's address. */
  g_autofree char *text = g_strdup_printf (_("%s was removed"), petrel_account_settings_page_get_jid (page));

  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

PetrelAccountSettingsPage *
petrel_account_settings_window_show_account (PetrelAccountSettingsWindow *self,
                                             const char                  *jid)
{
  PetrelAccountSettingsPage *page;

  g_return_val_if_fail (PETREL_IS_ACCOUNT_SETTINGS_WINDOW (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  if (petrel_accounts_lookup (self->accounts, jid) == NULL)
    return NULL;

  page = petrel_account_settings_page_new (self->accounts, jid);
  g_signal_connect_object (page, "removed", G_CALLBACK (page_removed_cb), self, 0);
  g_set_weak_pointer (&self->page, page);
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), GTK_WIDGET (page));

  return page;
}

PetrelAccountSettingsPage *
petrel_account_settings_window_get_page (PetrelAccountSettingsWindow *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNT_SETTINGS_WINDOW (self), NULL);

  return self->page;
}

static void
show_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  petrel_account_settings_window_show_account (PETREL_ACCOUNT_SETTINGS_WINDOW (widget),
                                               g_variant_get_string (parameter, NULL));
}

static void
petrel_account_settings_window_dispose (GObject *object)
{
  PetrelAccountSettingsWindow *self = PETREL_ACCOUNT_SETTINGS_WINDOW (object);

  g_clear_weak_pointer (&self->page);
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_ACCOUNT_SETTINGS_WINDOW);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (petrel_account_settings_window_parent_class)->dispose (object);
}

static void
petrel_account_settings_window_class_init (PetrelAccountSettingsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = petrel_account_settings_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-account-settings-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsWindow, accounts_list);

  gtk_widget_class_install_action (widget_class, "accounts.show", "s", show_action_cb);
}

static void
petrel_account_settings_window_init (PetrelAccountSettingsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * petrel_account_settings_window_new:
 *
 * Returns: (transfer none): the window, owned by GTK until destroyed
 */
PetrelAccountSettingsWindow *
petrel_account_settings_window_new (PetrelAccounts *accounts)
{
  PetrelAccountSettingsWindow *self;

  g_return_val_if_fail (PETREL_IS_ACCOUNTS (accounts), NULL);

  self = g_object_new (PETREL_TYPE_ACCOUNT_SETTINGS_WINDOW, NULL);
  self->accounts = g_object_ref (accounts);
  gtk_list_box_bind_model (self->accounts_list, petrel_accounts_get_accounts (accounts),
                           create_account_row, NULL, NULL);

  return self;
}
