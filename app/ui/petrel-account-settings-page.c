/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelAccountSettingsPage (ui/petrel-account-settings-page.ui): the
 * settings of one account, shown as a subpage of
 * PetrelAccountSettingsWindow.
 *
 * The switch takes effect at once (petrel_accounts_set_account_enabled ()):
 * a disabled account stays listed but does not connect.  The connection
 * fields and a new password take effect with Save
 * (petrel_accounts_update_async ()), which reconnects the account with
 * them.  A new password goes to the keyring; when there is none, the user
 * is asked whether the profile file may keep it, as in the assistant.
 * Errors appear as toasts of the window and stay readable through
 * petrel_account_settings_page_get_error_message ().
 *
 * Actions:
 *   account.save    store the form
 *   account.remove  forget the account, after a confirmation
 *   account.back    back to the list of accounts
 */
#define G_LOG_DOMAIN "petrel-account-settings-page"

#include <glib/gi18n.h>
#include <string.h>

#include "petrel-account-settings-page.h"
#include "petrel-assistant.h"
#include "petrel-store-error.h"

/* The rows of the transport list, in order. */
static const char * const transports[] = { NULL, "tcp", "websocket", "bosh" };

struct _PetrelAccountSettingsPage
{
  GtkBox parent_instance;

  PetrelAccounts *accounts;
  PetrelAccount *account;
  char *jid;
  GCancellable *cancellable;
  char *error_message;
  gboolean busy;

  AdwWindowTitle *title;
  GtkWidget *save_button;
  AdwActionRow *enabled_row;
  GtkSwitch *enabled_switch;
  AdwEntryRow *host_row;
  AdwEntryRow *port_row;
  GtkSwitch *direct_tls_switch;
  AdwComboRow *transport_row;
  AdwEntryRow *websocket_row;
  AdwEntryRow *bosh_row;
  AdwEntryRow *resource_row;
  AdwActionRow *password_location_row;
  AdwPasswordEntryRow *password_row;
};

G_DEFINE_FINAL_TYPE (PetrelAccountSettingsPage, petrel_account_settings_page, GTK_TYPE_BOX)

enum {
  SIGNAL_SAVED,
  SIGNAL_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * petrel_account_settings_describe_state:
 *
 * Returns: (transfer full): a sentence about the account's connection
 */
char *
petrel_account_settings_describe_state (PetrelAccount *account)
{
  const char *error = petrel_account_get_error_message (account);

  if (!petrel_account_get_enabled (account))
    return g_strdup (_("Disabled: Petrel does not connect it"));

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
show_toast (PetrelAccountSettingsPage *self,
            const char                *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

static void
set_error (PetrelAccountSettingsPage *self,
           const char                *message)
{
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  if (message != NULL)
    show_toast (self, message);
}

static void
set_busy (PetrelAccountSettingsPage *self,
          gboolean                   busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.save", !busy);
}

/* The model → the form */

static void
account_changed_cb (PetrelAccount             *account,
                    GParamSpec                *pspec,
                    PetrelAccountSettingsPage *self)
{
  g_autofree char *state = petrel_account_settings_describe_state (account);

  adw_action_row_set_subtitle (self->enabled_row, state);
}

static void enabled_cb (GtkSwitch                 *button,
                        GParamSpec                *pspec,
                        PetrelAccountSettingsPage *self);

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static void
load (PetrelAccountSettingsPage *self)
{
  g_autoptr(PetrelAccountRecord) record = petrel_accounts_dup_settings (self->accounts, self->jid);
  g_autofree char *port = NULL;
  guint transport = 0;

  if (record == NULL)
    return;

  set_entry (self->host_row, record->host);
  port = record->port != 0 ? g_strdup_printf ("%u", record->port) : NULL;
  set_entry (self->port_row, port);
  gtk_switch_set_active (self->direct_tls_switch, record->direct_tls);
  for (guint i = 1; i < G_N_ELEMENTS (transports); i++)
    if (g_strcmp0 (record->transport, transports[i]) == 0)
      transport = i;
  adw_combo_row_set_selected (self->transport_row, transport);
  set_entry (self->websocket_row, record->websocket_url);
  set_entry (self->bosh_row, record->bosh_url);
  set_entry (self->resource_row, record->resource);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");

  adw_action_row_set_subtitle (self->password_location_row,
                               record->password_in_keyring
                               ? _("In the keyring")
                               : _("In the profile folder, readable only by your user"));

  g_signal_handlers_block_by_func (self->enabled_switch, enabled_cb, self);
  gtk_switch_set_active (self->enabled_switch, !record->disabled);
  g_signal_handlers_unblock_by_func (self->enabled_switch, enabled_cb, self);
}

/* Enabling: at once */

static void
enabled_cb (GtkSwitch                 *button,
            GParamSpec                *pspec,
            PetrelAccountSettingsPage *self)
{
  g_autoptr(GError) error = NULL;
  gboolean active = gtk_switch_get_active (button);

  if (petrel_accounts_set_account_enabled (self->accounts, self->jid, active, &error))
    {
      account_changed_cb (self->account, NULL, self);
      return;
    }

  {
    /* Translators: %s is the technical reason. */
    g_autofree char *message = g_strdup_printf (_("Could not change the account: %s"), error->message);

    set_error (self, message);
  }
  g_signal_handlers_block_by_func (button, enabled_cb, self);
  gtk_switch_set_active (button, !active);
  g_signal_handlers_unblock_by_func (button, enabled_cb, self);
}

/* Saving */

static char *
entry_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static void save (PetrelAccountSettingsPage *self,
                  gboolean                   allow_file_password);

static void
keyring_response_cb (AdwMessageDialog          *dialog,
                     const char                *response,
                     PetrelAccountSettingsPage *self)
{
  if (g_strcmp0 (response, "keep") == 0)
    save (self, TRUE);
}

static void
ask_keyring (PetrelAccountSettingsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Keep the Password in the Profile?"),
                                                       _("No keyring (Secret Service) is available to keep "
                                                         "your password safe. Petrel can keep it in its "
                                                         "profile folder instead, readable only by your user, "
                                                         "but also by any program you run and by anyone who "
                                                         "gets a copy of the folder.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "keep", _("_Keep in Profile"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "keep", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (keyring_response_cb), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PetrelAccountSettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!petrel_accounts_update_finish (PETREL_ACCOUNTS (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      if (g_error_matches (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE))
        {
          ask_keyring (self);
          return;
        }

      {
        g_autofree char *reason = petrel_assistant_describe_error (error);
        /* Translators: %s is the reason, a sentence. */
        g_autofree char *message = g_strdup_printf (_("The settings were not saved: %s"), reason);

        set_error (self, message);
      }
      return;
    }

  set_busy (self, FALSE);
  set_error (self, NULL);
  load (self);
  show_toast (self, _("Settings saved"));
  g_signal_emit (self, signals[SIGNAL_SAVED], 0);
}

static void
save (PetrelAccountSettingsPage *self,
      gboolean                   allow_file_password)
{
  g_autofree char *host = entry_text (self->host_row);
  g_autofree char *port = entry_text (self->port_row);
  g_autofree char *websocket = entry_text (self->websocket_row);
  g_autofree char *bosh = entry_text (self->bosh_row);
  g_autofree char *resource = entry_text (self->resource_row);
  g_autofree char *password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  g_autoptr(PetrelAccountRecord) current = petrel_accounts_dup_settings (self->accounts, self->jid);
  guint transport = adw_combo_row_get_selected (self->transport_row);
  PetrelAccountRecord record = { 0 };
  guint64 port_number = 0;

  if (self->busy || current == NULL)
    return;

  gtk_widget_remove_css_class (GTK_WIDGET (self->port_row), "error");
  if (port != NULL && (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &port_number, NULL)))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->port_row), "error");
      set_error (self, _("The port is a number from 1 to 65535, or empty for the usual one."));
      gtk_widget_grab_focus (GTK_WIDGET (self->port_row));
      return;
    }

  record.jid = self->jid;
  record.host = host;
  record.port = (guint16) port_number;
  record.direct_tls = gtk_switch_get_active (self->direct_tls_switch);
  record.ca_file = current->ca_file;
  record.resource = resource;
  record.transport = (char *) (transport < G_N_ELEMENTS (transports) ? transports[transport] : NULL);
  record.websocket_url = websocket;
  record.bosh_url = bosh;
  record.password = *password != '\0' ? password : NULL;
  record.disabled = !gtk_switch_get_active (self->enabled_switch);

  set_busy (self, TRUE);
  petrel_accounts_update_async (self->accounts, &record, allow_file_password, self->cancellable,
                                update_cb, g_object_ref (self));

  if (password != NULL)
    explicit_bzero (password, strlen (password));
}

static void
save_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  save (PETREL_ACCOUNT_SETTINGS_PAGE (widget), FALSE);
}

/* Removing */

static void
remove_response_cb (AdwMessageDialog          *dialog,
                    const char                *response,
                    PetrelAccountSettingsPage *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "remove") != 0)
    return;

  if (!petrel_accounts_remove (self->accounts, self->jid, &error))
    {
      /* Translators: %s is the technical reason. */
      g_autofree char *message = g_strdup_printf (_("Could not remove the account: %s"), error->message);

      set_error (self, message);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_REMOVED], 0);
}

static void
remove_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PetrelAccountSettingsPage *self = PETREL_ACCOUNT_SETTINGS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Remove Account?"), NULL));
  /* Translators: %s is an account's address. */
  adw_message_dialog_format_body (dialog, _("Petrel will forget %s: its settings and its password "
                                            "(also in the keyring), and it stops showing its "
                                            "conversations and contacts. The message history stays "
                                            "in the profile folder and comes back if you add the "
                                            "account again. The account itself stays on its server."),
                                  self->jid);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
back_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (root));
}

/* GObject */

static void
petrel_account_settings_page_dispose (GObject *object)
{
  PetrelAccountSettingsPage *self = PETREL_ACCOUNT_SETTINGS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_ACCOUNT_SETTINGS_PAGE);
  g_clear_object (&self->account);
  g_clear_object (&self->accounts);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (petrel_account_settings_page_parent_class)->dispose (object);
}

static void
petrel_account_settings_page_finalize (GObject *object)
{
  PetrelAccountSettingsPage *self = PETREL_ACCOUNT_SETTINGS_PAGE (object);

  g_free (self->jid);
  g_free (self->error_message);

  G_OBJECT_CLASS (petrel_account_settings_page_parent_class)->finalize (object);
}

static void
petrel_account_settings_page_class_init (PetrelAccountSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = petrel_account_settings_page_dispose;
  object_class->finalize = petrel_account_settings_page_finalize;

  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_REMOVED] = g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-account-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, title);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, enabled_row);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, host_row);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, port_row);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, direct_tls_switch);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, transport_row);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, websocket_row);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, bosh_row);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, resource_row);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, password_location_row);
  gtk_widget_class_bind_template_child (widget_class, PetrelAccountSettingsPage, password_row);

  gtk_widget_class_install_action (widget_class, "account.save", NULL, save_action_cb);
  gtk_widget_class_install_action (widget_class, "account.remove", NULL, remove_action_cb);
  gtk_widget_class_install_action (widget_class, "account.back", NULL, back_action_cb);
}

static void
petrel_account_settings_page_init (PetrelAccountSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * petrel_account_settings_page_new:
 * @jid: an account of @accounts
 *
 * Returns: (transfer floating): the page, filled from the stored settings
 */
PetrelAccountSettingsPage *
petrel_account_settings_page_new (PetrelAccounts *accounts,
                                  const char     *jid)
{
  PetrelAccountSettingsPage *self;
  PetrelAccount *account;

  g_return_val_if_fail (PETREL_IS_ACCOUNTS (accounts), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  account = petrel_accounts_lookup (accounts, jid);
  g_return_val_if_fail (account != NULL, NULL);

  self = g_object_new (PETREL_TYPE_ACCOUNT_SETTINGS_PAGE, NULL);
  self->accounts = g_object_ref (accounts);
  self->account = g_object_ref (account);
  self->jid = g_strdup (petrel_account_get_jid (account));

  adw_window_title_set_subtitle (self->title, self->jid);
  load (self);
  g_signal_connect (self->enabled_switch, "notify::active", G_CALLBACK (enabled_cb), self);
  g_signal_connect_object (account, "notify::state", G_CALLBACK (account_changed_cb), self, 0);
  g_signal_connect_object (account, "notify::error-message", G_CALLBACK (account_changed_cb), self, 0);
  g_signal_connect_object (account, "notify::enabled", G_CALLBACK (account_changed_cb), self, 0);
  account_changed_cb (account, NULL, self);

  return self;
}

const char *
petrel_account_settings_page_get_jid (PetrelAccountSettingsPage *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNT_SETTINGS_PAGE (self), NULL);

  return self->jid;
}

const char *
petrel_account_settings_page_get_error_message (PetrelAccountSettingsPage *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNT_SETTINGS_PAGE (self), NULL);

  return self->error_message;
}

gboolean
petrel_account_settings_page_get_busy (PetrelAccountSettingsPage *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNT_SETTINGS_PAGE (self), FALSE);

  return self->busy;
}
