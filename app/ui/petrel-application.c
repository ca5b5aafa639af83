/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelApplication: the GTK front end's process-wide object.
 *
 * It owns the PetrelAccounts of the profile ($PETREL_PROFILE, else
 * $XDG_DATA_HOME/petrel, as petrel-cli) and starts them; on activation it
 * shows the account assistant when there is no account yet, else the main
 * window.
 *
 * Actions and shortcuts:
 *   app.quit                   Ctrl+Q
 *   app.about
 *   app.preferences            Ctrl+,
 *   app.shortcuts              (win.show-help-overlay, Ctrl+?)
 *   app.add-account            the assistant, from the preferences
 *   app.accounts               the account settings (server, transport,
 *                              password, enabled, remove)
 *   app.account-settings (s)   the settings of one account (the
 *                              preferences' account rows)
 *   app.open-conversation (ss) (account, peer): from a notification or an
 *                              xmpp: link
 *
 * Notifications: a message that arrives while its conversation is not on
 * screen in the active window becomes a GNotification (one per
 * conversation, replaced by the next), whose click opens that
 * conversation.
 *
 * Client State Indication (XEP-0352): the accounts are told the user is
 * inactive when none of Petrel's windows has had the focus for a moment,
 * and active again as soon as one has it.  The moment absorbs focus
 * passing between Petrel's own windows and dialogs.
 */
#define G_LOG_DOMAIN "petrel-application"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "petrel-account-settings-window.h"
#include "petrel-application.h"
#include "petrel-assistant.h"
#include "petrel-preferences-window.h"
#include "petrel-styling.h"
#include "petrel-window.h"

#define INACTIVE_DELAY_SECONDS 2
#define STOP_TIMEOUT_MS        3000
#define NOTIFICATION_MAX_CHARS 200

struct _PetrelApplication
{
  AdwApplication parent_instance;

  PetrelAccounts *accounts;
  GError *startup_error;
  GSettings *settings;

  gboolean inactive;
  guint inactive_id;

  /* Whether some service shows notifications: without one, GIO's
   * freedesktop backend warns on every message (headless sessions). */
  gboolean can_notify;
  GCancellable *cancellable;
  guint sigterm_id;
  guint sigint_id;
};

G_DEFINE_FINAL_TYPE (PetrelApplication, petrel_application, ADW_TYPE_APPLICATION)

/* Returns the settings, or NULL when the schema is not installed (a run
 * from the build tree without `meson devenv`). */
static GSettings *
dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, PETREL_APP_ID, TRUE);

  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

static char *
dup_profile_dir (void)
{
  const char *env = g_getenv ("PETREL_PROFILE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "petrel", NULL);
}

static PetrelWindow *
get_main_window (PetrelApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (PETREL_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static PetrelWindow *
ensure_main_window (PetrelApplication *self)
{
  PetrelWindow *window = get_main_window (self);

  if (window == NULL)
    window = petrel_window_new (self);

  return window;
}

/* Client State Indication */

static gboolean
any_window_active (PetrelApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (gtk_window_is_active (l->data))
      return TRUE;

  return FALSE;
}

static void
set_inactive (PetrelApplication *self,
              gboolean           inactive)
{
  if (self->inactive == inactive)
    return;

  self->inactive = inactive;
  if (self->accounts != NULL)
    petrel_accounts_set_inactive (self->accounts, inactive);
}

static gboolean
inactive_timeout_cb (gpointer user_data)
{
  PetrelApplication *self = user_data;

  self->inactive_id = 0;
  set_inactive (self, !any_window_active (self));

  return G_SOURCE_REMOVE;
}

static void
window_active_cb (GtkWindow         *window,
                  GParamSpec        *pspec,
                  PetrelApplication *self)
{
  if (any_window_active (self))
    {
      g_clear_handle_id (&self->inactive_id, g_source_remove);
      set_inactive (self, FALSE);
    }
  else if (self->inactive_id == 0)
    {
      self->inactive_id = g_timeout_add_seconds (INACTIVE_DELAY_SECONDS, inactive_timeout_cb, self);
    }
}

static void
petrel_application_window_added (GtkApplication *application,
                                 GtkWindow      *window)
{
  GTK_APPLICATION_CLASS (petrel_application_parent_class)->window_added (application, window);

  g_signal_connect_object (window, "notify::is-active", G_CALLBACK (window_active_cb), application, 0);
}

static void
petrel_application_window_removed (GtkApplication *application,
                                   GtkWindow      *window)
{
  PetrelApplication *self = PETREL_APPLICATION (application);

  g_signal_handlers_disconnect_by_func (window, window_active_cb, self);
  GTK_APPLICATION_CLASS (petrel_application_parent_class)->window_removed (application, window);
  window_active_cb (NULL, NULL, self);
}

/* Notifications */

static char *
notification_id (const char *account,
                 const char *peer)
{
  return g_strdup_printf ("message/%s/%s", account, peer);
}

/**
 * petrel_application_withdraw_notification:
 *
 * Removes the notification of the conversation, once it is on screen.
 */
void
petrel_application_withdraw_notification (PetrelApplication *self,
                                          const char        *account,
                                          const char        *peer)
{
  g_autofree char *id = NULL;

  g_return_if_fail (PETREL_IS_APPLICATION (self));

  if (!g_application_get_is_registered (G_APPLICATION (self)))
    return;

  id = notification_id (account, peer);
  g_application_withdraw_notification (G_APPLICATION (self), id);
}

static char *
notification_body (PetrelMessage *message,
                   const char    *sender)
{
  g_autofree char *clean = petrel_styling_sanitize (petrel_message_get_body (message));
  g_autofree char *cut = NULL;

  if (g_utf8_strlen (clean, -1) > NOTIFICATION_MAX_CHARS)
    {
      g_autofree char *start = g_utf8_substring (clean, 0, NOTIFICATION_MAX_CHARS);

      cut = g_strconcat (start, "…", NULL);
    }
  else
    cut = g_steal_pointer (&clean);

  if (g_str_has_prefix (cut, "/me "))
    return g_strdup_printf ("* %s %s", sender, cut + strlen ("/me "));

  return g_steal_pointer (&cut);
}

static void
message_received_cb (PetrelAccounts     *accounts,
                     PetrelConversation *conversation,
                     PetrelMessage      *message,
                     PetrelApplication  *self)
{
  const char *account = petrel_conversation_get_account (conversation);
  const char *peer = petrel_conversation_get_peer (conversation);
  const char *name = petrel_conversation_get_display_name (conversation);
  PetrelWindow *window = get_main_window (self);
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *id = NULL;
  g_autofree char *body = NULL;

  if (!self->can_notify)
    return;
  if (self->settings != NULL && !g_settings_get_boolean (self->settings, "notifications"))
    return;
  if (petrel_message_get_outgoing (message) || petrel_message_get_body (message) == NULL)
    return;
  if (window != NULL && gtk_window_is_active (GTK_WINDOW (window))
      && petrel_window_is_showing_conversation (window, account, peer))
    return;

  if (name == NULL || *name == '\0')
    name = peer;
  body = notification_body (message, name);

  notification = g_notification_new (name);
  g_notification_set_body (notification, body);
  g_notification_set_category (notification, "im.received");
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.open-conversation",
                                                "(ss)", account, peer);

  id = notification_id (account, peer);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static gboolean
names_contain_notifier (GVariant *reply)
{
  static const char *const notifiers[] = {
    "org.gtk.Notifications",          /* GNOME Shell */
    "org.freedesktop.Notifications",  /* every other desktop */
    "org.freedesktop.portal.Desktop", /* sandboxes */
  };
  g_autofree const char **names = NULL;

  g_variant_get (reply, "(^a&s)", &names);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    for (guint j = 0; j < G_N_ELEMENTS (notifiers); j++)
      if (g_str_equal (names[i], notifiers[j]))
        return TRUE;

  return FALSE;
}

static void
list_names_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  PetrelApplication *self = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply != NULL && names_contain_notifier (reply))
    self->can_notify = TRUE;
  else if (error != NULL)
    g_debug ("Cannot list bus names: %s", error->message);
}

/* Names that own a notification service now, or can be started. */
static void
probe_notifications (PetrelApplication *self)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (self));
  const char *methods[] = { "ListNames", "ListActivatableNames" };

  if (bus == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", methods[i], NULL, G_VARIANT_TYPE ("(as)"),
                            G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable, list_names_cb, self);
}

/* Actions */

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  PetrelApplication *self = user_data;
  GtkWindow         *parent;

  parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (parent,
                         "application-name", _("Petrel"),
                         "application-icon", PETREL_APP_ID,
                         "developer-name", _("Petrel developers"),
                         "version", PETREL_VERSION,
                         "website", "https://petrel.im",
                         "copyright", _("© 2026 Petrel developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: replace with your names, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  PetrelApplication *self = user_data;
  g_autolist (GtkWindow) windows = NULL;

  /* Closing each window, rather than g_application_quit(), lets every
   * window run its close-request (where it saves its state and may later
   * refuse, e.g. with unsent messages); the application exits once the
   * last window is gone.  The list is copied because closing a window
   * removes it from the application's list. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    windows = g_list_prepend (windows, g_object_ref (l->data));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PetrelApplication *self = user_data;
  PetrelPreferencesWindow *preferences;

  preferences = petrel_preferences_window_new (self->accounts, self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (preferences),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

/* The account settings; @jid: (nullable): the account to show, else the
 * list (or the only account's settings). */
static void
show_account_settings (PetrelApplication *self,
                       const char        *jid)
{
  PetrelAccountSettingsWindow *window;
  GListModel *accounts;

  if (self->accounts == NULL)
    return;

  window = petrel_account_settings_window_new (self->accounts);
  gtk_window_set_transient_for (GTK_WINDOW (window),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_set_application (GTK_WINDOW (window), GTK_APPLICATION (self));

  /* One account: straight to its settings (the list is one step back). */
  accounts = petrel_accounts_get_accounts (self->accounts);
  if (jid != NULL)
    {
      petrel_account_settings_window_show_account (window, jid);
    }
  else if (g_list_model_get_n_items (accounts) == 1)
    {
      g_autoptr(PetrelAccount) account = g_list_model_get_item (accounts, 0);

      petrel_account_settings_window_show_account (window, petrel_account_get_jid (account));
    }

  gtk_window_present (GTK_WINDOW (window));
}

static void
accounts_action_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  show_account_settings (user_data, NULL);
}

static void
account_settings_action_cb (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  show_account_settings (user_data, g_variant_get_string (parameter, NULL));
}

static void
shortcuts_action_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PetrelApplication *self = user_data;
  PetrelWindow *window = get_main_window (self);

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
signed_in_cb (PetrelAssistant   *assistant,
              PetrelAccount     *account,
              PetrelApplication *self)
{
  PetrelWindow *window = ensure_main_window (self);

  gtk_window_present (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (assistant));
}

static void
show_assistant (PetrelApplication *self,
                GtkWindow         *parent)
{
  PetrelAssistant *assistant = petrel_assistant_new (self->accounts);

  gtk_window_set_application (GTK_WINDOW (assistant), GTK_APPLICATION (self));
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (assistant), parent);
      gtk_window_set_modal (GTK_WINDOW (assistant), TRUE);
    }
  g_signal_connect_object (assistant, "signed-in", G_CALLBACK (signed_in_cb), self, 0);
  gtk_window_present (GTK_WINDOW (assistant));
}

static void
add_account_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PetrelApplication *self = user_data;

  show_assistant (self, gtk_application_get_active_window (GTK_APPLICATION (self)));
}

static void
open_conversation_action_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  PetrelApplication *self = user_data;
  PetrelWindow *window;
  const char *account;
  const char *peer;

  if (self->accounts == NULL)
    return;

  g_variant_get (parameter, "(&s&s)", &account, &peer);
  if (petrel_accounts_lookup (self->accounts, account) == NULL)
    return;

  window = ensure_main_window (self);
  petrel_window_open_conversation (window, account, peer);
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_action_cb },
  { .name = "quit", .activate = quit_action_cb },
  { .name = "preferences", .activate = preferences_action_cb },
  { .name = "shortcuts", .activate = shortcuts_action_cb },
  { .name = "add-account", .activate = add_account_action_cb },
  { .name = "accounts", .activate = accounts_action_cb },
  { .name = "account-settings", .activate = account_settings_action_cb, .parameter_type = "s" },
  { .name = "open-conversation", .activate = open_conversation_action_cb, .parameter_type = "(ss)" },
};

/* Life cycle */

/* SIGTERM (logout, systemd) and SIGINT close the windows like Ctrl+Q, so
 * the streams end politely and the window state is saved. */
static gboolean
quit_signal_cb (gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);

  return G_SOURCE_CONTINUE;
}

static void
show_startup_error (PetrelApplication *self)
{
  AdwMessageDialog *dialog;
  g_autofree char *profile = dup_profile_dir ();

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (NULL, _("Cannot Open the Profile"), NULL));
  /* Translators: the first %s is a folder, the second the reason. */
  adw_message_dialog_format_body (dialog, _("Petrel could not open its profile in %s: %s"),
                                  profile, self->startup_error->message);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
petrel_application_startup (GApplication *application)
{
  PetrelApplication *self = PETREL_APPLICATION (application);
  g_autofree char *profile = dup_profile_dir ();

  G_APPLICATION_CLASS (petrel_application_parent_class)->startup (application);

  self->settings = dup_settings ();
  self->cancellable = g_cancellable_new ();
  probe_notifications (self);
  self->sigterm_id = g_unix_signal_add (SIGTERM, quit_signal_cb, self);
  self->sigint_id = g_unix_signal_add (SIGINT, quit_signal_cb, self);

  if (g_mkdir_with_parents (profile, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (&self->startup_error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s", g_strerror (saved_errno));
      return;
    }

  self->accounts = petrel_accounts_new (profile, &self->startup_error);
  if (self->accounts == NULL)
    return;

  g_signal_connect_object (self->accounts, "message-received",
                           G_CALLBACK (message_received_cb), self, 0);

  /* The last presence, except offline: starting Petrel means going
   * online (and offline would not even connect). */
  if (self->settings != NULL)
    {
      g_autofree char *show = g_settings_get_string (self->settings, "presence-show");
      g_autofree char *status = g_settings_get_string (self->settings, "presence-status");
      PetrelPresenceShow value = PETREL_PRESENCE_ONLINE;
      g_autoptr (GEnumClass) klass = g_type_class_ref (PETREL_TYPE_PRESENCE_SHOW);
      GEnumValue *nick = g_enum_get_value_by_nick (klass, show);

      if (nick != NULL && nick->value != PETREL_PRESENCE_OFFLINE)
        value = nick->value;
      else
        g_settings_set_string (self->settings, "presence-show", "online");
      petrel_accounts_set_presence (self->accounts, value, *status != '\0' ? status : NULL);
    }

  petrel_accounts_start (self->accounts);
}

static void
petrel_application_activate (GApplication *application)
{
  PetrelApplication *self = PETREL_APPLICATION (application);
  GtkWindow *window;

  if (self->accounts == NULL)
    {
      show_startup_error (self);
      return;
    }

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (g_list_model_get_n_items (petrel_accounts_get_accounts (self->accounts)) == 0)
    {
      show_assistant (self, NULL);
      return;
    }

  gtk_window_present (GTK_WINDOW (ensure_main_window (self)));
}

static void
stop_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  if (!petrel_accounts_stop_finish (PETREL_ACCOUNTS (source), result, &error))
    g_debug ("Accounts did not stop cleanly: %s", error->message);
  *done = TRUE;
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
petrel_application_shutdown (GApplication *application)
{
  PetrelApplication *self = PETREL_APPLICATION (application);

  g_clear_handle_id (&self->inactive_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);

  /* Every stream is closed politely (the server then does not keep a
   * resumable session around), but a dead network cannot hold the exit
   * for more than a few seconds. */
  if (self->accounts != NULL)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      gboolean done = FALSE;
      guint timeout_id = g_timeout_add (STOP_TIMEOUT_MS, stop_timeout_cb, cancellable);

      petrel_accounts_stop_async (self->accounts, cancellable, stop_done_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      if (!g_cancellable_is_cancelled (cancellable))
        g_source_remove (timeout_id);
    }

  G_APPLICATION_CLASS (petrel_application_parent_class)->shutdown (application);
}

static void
petrel_application_dispose (GObject *object)
{
  PetrelApplication *self = PETREL_APPLICATION (object);

  g_clear_handle_id (&self->inactive_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);
  g_clear_error (&self->startup_error);

  G_OBJECT_CLASS (petrel_application_parent_class)->dispose (object);
}

static void
petrel_application_class_init (PetrelApplicationClass *klass)
{
  GObjectClass        *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass   *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->dispose = petrel_application_dispose;
  app_class->startup = petrel_application_startup;
  app_class->activate = petrel_application_activate;
  app_class->shutdown = petrel_application_shutdown;
  gtk_app_class->window_added = petrel_application_window_added;
  gtk_app_class->window_removed = petrel_application_window_removed;
}

static void
petrel_application_init (PetrelApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "app.quit",
                                         (const char *[]){ "<primary>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "app.preferences",
                                         (const char *[]){ "<primary>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "window.close",
                                         (const char *[]){ "<primary>w", NULL });
}

/**
 * petrel_application_new:
 *
 * Returns: (transfer full): the application, with id im.petrel.Petrel
 */
PetrelApplication *
petrel_application_new (void)
{
  return g_object_new (PETREL_TYPE_APPLICATION,
                       "application-id", PETREL_APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/im/petrel/Petrel",
                       NULL);
}

/**
 * petrel_application_get_accounts:
 *
 * Returns: (transfer none) (nullable): the accounts, once started up
 */
PetrelAccounts *
petrel_application_get_accounts (PetrelApplication *self)
{
  g_return_val_if_fail (PETREL_IS_APPLICATION (self), NULL);

  return self->accounts;
}

/**
 * petrel_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the settings, when the schema is
 *   installed
 */
GSettings *
petrel_application_get_settings (PetrelApplication *self)
{
  g_return_val_if_fail (PETREL_IS_APPLICATION (self), NULL);

  return self->settings;
}
