/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelWindow: the main window (ui/petrel-window.ui).
 *
 * An AdwLeaflet of two panes: the sidebar (conversations and contacts, in
 * an AdwViewStack, with the presence button and the main menu) and the
 * content (the open conversation).  Side by side when wide; below ~660 px
 * the leaflet folds to one pane, down to 360 px, with a back button and
 * swipe/Alt+Left to return to the list.
 *
 * Actions (shortcuts in PetrelApplication):
 *   win.jump-to-chat    Ctrl+K: the search entry of the conversation list,
 *                       where Enter opens the first match
 *   win.show-contacts   Ctrl+Shift+C
 *   win.go-back         the back button when folded
 *
 * Read markers: the accounts are told at once whether this window has the
 * focus (petrel_accounts_set_focused ()), so a conversation is marked read
 * and displayed (XEP-0333) only while the user can see it.
 *
 * The window remembers its size and maximized state in GSettings
 * (im.petrel.Petrel: window-width, window-height, window-maximized) and
 * binds the presence and chat-state settings to their widgets.
 */
#define G_LOG_DOMAIN "petrel-window"

#include <glib/gi18n.h>

#include "petrel-chat-view.h"
#include "petrel-contacts-page.h"
#include "petrel-conversation-sidebar.h"
#include "petrel-presence-button.h"
#include "petrel-window.h"

struct _PetrelWindow
{
  AdwApplicationWindow parent_instance;

  PetrelAccounts *accounts;
  GSettings *settings;
  GBinding *title_binding;

  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  AdwViewStack *sidebar_stack;
  PetrelPresenceButton *presence_button;
  PetrelConversationSidebar *conversation_sidebar;
  PetrelContactsPage *contacts_page;
  AdwWindowTitle *chat_title;
  GtkStack *content_stack;
  AdwStatusPage *status_page;
  PetrelChatView *chat_view;
};

G_DEFINE_FINAL_TYPE (PetrelWindow, petrel_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_ACCOUNTS,
  PROP_CONVERSATIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Returns the application's settings, or NULL when the schema is not
 * installed: a run from the build tree then works and simply forgets the
 * window size, instead of aborting in g_settings_new(). */
static GSettings *
dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, PETREL_APP_ID, TRUE);

  if (schema == NULL)
    {
      g_debug ("Schema %s not found; the window state is not kept", PETREL_APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
restore_window_state (PetrelWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (PetrelWindow *self)
{
  int width;
  int height;

  if (self->settings == NULL)
    return;

  /* While maximized, the default size still holds the unmaximized size,
   * which is the one to restore. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static void
toast (PetrelWindow *self,
       const char   *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

/* Accounts */

static void
account_state_cb (PetrelAccount *account,
                  GParamSpec    *pspec,
                  PetrelWindow  *self)
{
  g_autofree char *title = NULL;

  if (petrel_account_get_state (account) != PETREL_ACCOUNT_FAILED)
    return;

  /* Translators: %s is the account's address; the reason follows. */
  title = g_strdup_printf (_("%s stopped connecting: %s"),
                           petrel_account_get_jid (account),
                           petrel_account_get_error_message (account) != NULL
                             ? petrel_account_get_error_message (account) : _("unknown error"));
  toast (self, title);
}

static void
accounts_changed_cb (GListModel   *accounts,
                     guint         position,
                     guint         removed,
                     guint         added,
                     PetrelWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (PetrelAccount) account = g_list_model_get_item (accounts, i);

      g_signal_connect_object (account, "notify::state", G_CALLBACK (account_state_cb), self, 0);
    }

  g_object_set (self->conversation_sidebar,
                "show-accounts", g_list_model_get_n_items (accounts) > 1,
                NULL);
}

/* Conversations */

static void
conversation_activated_cb (PetrelConversationSidebar *sidebar,
                           PetrelConversation        *conversation,
                           gboolean                   explicit_activation,
                           PetrelWindow              *self)
{
  petrel_window_open_conversation (self,
                                   petrel_conversation_get_account (conversation),
                                   petrel_conversation_get_peer (conversation));
  if (explicit_activation)
    petrel_chat_view_focus_composer (self->chat_view);
}

static void
contact_activated_cb (PetrelContactsPage *page,
                      const char         *account,
                      const char         *jid,
                      PetrelWindow       *self)
{
  petrel_window_open_conversation (self, account, jid);
  adw_view_stack_set_visible_child_name (self->sidebar_stack, "chats");
  petrel_chat_view_focus_composer (self->chat_view);
}

static void
send_failed_cb (PetrelChatView *chat_view,
                const char     *message,
                PetrelWindow   *self)
{
  /* Translators: %s is the reason. */
  g_autofree char *title = g_strdup_printf (_("Could not send the message: %s"), message);

  toast (self, title);
}

/* XEP-0085: the peer of the open conversation is typing. */
static void
chat_state_cb (PetrelAccounts *accounts,
               const char     *account,
               const char     *from,
               const char     *state,
               PetrelWindow   *self)
{
  if (g_strcmp0 (petrel_chat_view_get_account (self->chat_view), account) != 0
      || g_strcmp0 (petrel_chat_view_get_peer (self->chat_view), from) != 0)
    return;

  if (g_strcmp0 (state, "composing") == 0)
    adw_window_title_set_subtitle (self->chat_title, _("typing…"));
  else
    adw_window_title_set_subtitle (self->chat_title, from);
}

static void
is_active_cb (PetrelWindow *self,
              GParamSpec   *pspec,
              gpointer      user_data)
{
  const char *account = petrel_chat_view_get_account (self->chat_view);
  const char *peer = petrel_chat_view_get_peer (self->chat_view);

  /* What arrived while the user was away is read once they look. */
  if (self->accounts != NULL && account != NULL && peer != NULL
      && petrel_window_is_showing_conversation (self, account, peer))
    petrel_accounts_mark_read (self->accounts, account, peer);
}

/**
 * petrel_window_open_conversation:
 * @account: the account's bare JID
 * @peer: the peer's bare JID
 *
 * Shows the conversation (creating it if needed) and marks it read.
 */
void
petrel_window_open_conversation (PetrelWindow *self,
                                 const char   *account,
                                 const char   *peer)
{
  g_autoptr (PetrelMessageList) messages = NULL;
  PetrelConversation *conversation;
  const char *name = NULL;
  GtkApplication *application;

  g_return_if_fail (PETREL_IS_WINDOW (self));
  g_return_if_fail (account != NULL && peer != NULL);

  if (self->accounts == NULL)
    return;

  messages = petrel_accounts_open_conversation (self->accounts, account, peer);
  if (messages == NULL)
    {
      /* Translators: %s is an address. */
      g_autofree char *title = g_strdup_printf (_("Cannot open a conversation with %s"), peer);

      toast (self, title);
      return;
    }

  g_clear_pointer (&self->title_binding, g_binding_unbind);
  conversation = petrel_conversation_list_lookup (petrel_accounts_get_conversations (self->accounts),
                                                  account, peer);
  if (conversation != NULL)
    name = petrel_conversation_get_display_name (conversation);
  if (name == NULL || *name == '\0')
    name = peer;

  petrel_chat_view_set_conversation (self->chat_view, self->accounts, account, peer, name, messages);
  adw_window_title_set_title (self->chat_title, name);
  adw_window_title_set_subtitle (self->chat_title, peer);
  if (conversation != NULL)
    self->title_binding = g_object_bind_property (conversation, "display-name",
                                                  self->chat_title, "title", G_BINDING_DEFAULT);

  gtk_stack_set_visible_child_name (self->content_stack, "chat");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  petrel_conversation_sidebar_select (self->conversation_sidebar, account, peer);

  application = gtk_window_get_application (GTK_WINDOW (self));
  if (PETREL_IS_APPLICATION (application))
    petrel_application_withdraw_notification (PETREL_APPLICATION (application), account, peer);
}

/**
 * petrel_window_is_showing_conversation:
 *
 * Returns: whether the conversation is the one open and on screen (when
 *   folded, the content pane is the visible one)
 */
gboolean
petrel_window_is_showing_conversation (PetrelWindow *self,
                                       const char   *account,
                                       const char   *peer)
{
  g_return_val_if_fail (PETREL_IS_WINDOW (self), FALSE);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "chat") != 0)
    return FALSE;
  if (g_strcmp0 (petrel_chat_view_get_account (self->chat_view), account) != 0
      || g_strcmp0 (petrel_chat_view_get_peer (self->chat_view), peer) != 0)
    return FALSE;

  return !adw_leaflet_get_folded (self->leaflet)
         || g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "content") == 0;
}

PetrelAccounts *
petrel_window_get_accounts (PetrelWindow *self)
{
  g_return_val_if_fail (PETREL_IS_WINDOW (self), NULL);

  return self->accounts;
}

/* Actions */

static void
jump_to_chat_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PetrelWindow *self = PETREL_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  adw_view_stack_set_visible_child_name (self->sidebar_stack, "chats");
  petrel_conversation_sidebar_focus_search (self->conversation_sidebar);
}

static void
show_contacts_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  PetrelWindow *self = PETREL_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  adw_view_stack_set_visible_child_name (self->sidebar_stack, "contacts");
}

static void
go_back_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PetrelWindow *self = PETREL_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* GObject */

static void
bind_settings (PetrelWindow *self)
{
  if (self->settings == NULL)
    return;

  g_settings_bind (self->settings, "send-chat-states", self->chat_view, "send-chat-states",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "presence-show", self->presence_button, "show",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "presence-status", self->presence_button, "status",
                   G_SETTINGS_BIND_DEFAULT);
}

/* The user sees the open conversation only while this window has the
 * focus, is shown, and (when folded) shows the content pane: read markers
 * and unread counts follow that at once. */
static void
focus_changed_cb (PetrelWindow *self)
{
  gboolean content_shown;

  if (self->accounts == NULL || self->leaflet == NULL)
    return;

  content_shown = !adw_leaflet_get_folded (self->leaflet)
                  || g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "content") == 0;
  petrel_accounts_set_focused (self->accounts,
                               gtk_window_is_active (GTK_WINDOW (self)) &&
                               gtk_widget_get_visible (GTK_WIDGET (self)) &&
                               content_shown);
}

static void
petrel_window_constructed (GObject *object)
{
  PetrelWindow *self = PETREL_WINDOW (object);

  G_OBJECT_CLASS (petrel_window_parent_class)->constructed (object);

  if (self->accounts != NULL)
    {
      GListModel *accounts = petrel_accounts_get_accounts (self->accounts);

      petrel_conversation_sidebar_set_model (self->conversation_sidebar,
                                             G_LIST_MODEL (petrel_accounts_get_conversations (self->accounts)));
      g_object_set (self->conversation_sidebar, "accounts", self->accounts, NULL);
      g_object_set (self->contacts_page, "accounts", self->accounts, NULL);
      g_object_set (self->presence_button, "accounts", self->accounts, NULL);

      g_signal_connect_object (accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self, 0);
      g_signal_connect_object (self->accounts, "chat-state", G_CALLBACK (chat_state_cb), self, 0);
      g_signal_connect_swapped (self, "notify::is-active", G_CALLBACK (focus_changed_cb), self);
      g_signal_connect_swapped (self, "notify::visible", G_CALLBACK (focus_changed_cb), self);
      g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (focus_changed_cb), self);
      g_signal_connect_swapped (self->leaflet, "notify::visible-child", G_CALLBACK (focus_changed_cb), self);
      accounts_changed_cb (accounts, 0, 0, g_list_model_get_n_items (accounts), self);

      /* The template's bindings ran before the accounts were set. */
      g_object_notify_by_pspec (object, properties[PROP_CONVERSATIONS]);
    }

  bind_settings (self);
}

static gboolean
petrel_window_close_request (GtkWindow *window)
{
  PetrelWindow *self = PETREL_WINDOW (window);

  save_window_state (self);

  return GTK_WINDOW_CLASS (petrel_window_parent_class)->close_request (window);
}

static void
petrel_window_dispose (GObject *object)
{
  PetrelWindow *self = PETREL_WINDOW (object);

  g_clear_pointer (&self->title_binding, g_binding_unbind);
  /* Drop the message list now: the service holds it weakly and stops
   * filling it once it is gone. */
  if (self->chat_view != NULL)
    petrel_chat_view_set_conversation (self->chat_view, NULL, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (petrel_window_parent_class)->dispose (object);
}

static void
petrel_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PetrelWindow *self = PETREL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS:
      g_value_set_object (value, self->accounts);
      break;
    case PROP_CONVERSATIONS:
      g_value_set_object (value, self->accounts != NULL ? petrel_accounts_get_conversations (self->accounts) : NULL);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PetrelWindow *self = PETREL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS: self->accounts = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_window_class_init (PetrelWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = petrel_window_constructed;
  object_class->dispose = petrel_window_dispose;
  object_class->get_property = petrel_window_get_property;
  object_class->set_property = petrel_window_set_property;
  window_class->close_request = petrel_window_close_request;

  /* The window works without accounts (tests); it then shows nothing. */
  properties[PROP_ACCOUNTS] =
    g_param_spec_object ("accounts", NULL, NULL, PETREL_TYPE_ACCOUNTS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* For the unread badge of the Chats page. */
  properties[PROP_CONVERSATIONS] =
    g_param_spec_object ("conversations", NULL, NULL, PETREL_TYPE_CONVERSATION_LIST,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PETREL_TYPE_CHAT_VIEW);
  g_type_ensure (PETREL_TYPE_CONTACTS_PAGE);
  g_type_ensure (PETREL_TYPE_CONVERSATION_LIST);
  g_type_ensure (PETREL_TYPE_CONVERSATION_SIDEBAR);
  g_type_ensure (PETREL_TYPE_PRESENCE_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, presence_button);
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, conversation_sidebar);
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, contacts_page);
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, chat_title);
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, chat_view);
  gtk_widget_class_bind_template_callback (widget_class, conversation_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, contact_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, send_failed_cb);
  gtk_widget_class_bind_template_callback (widget_class, is_active_cb);

  gtk_widget_class_install_action (widget_class, "win.jump-to-chat", NULL, jump_to_chat_action_cb);
  gtk_widget_class_install_action (widget_class, "win.show-contacts", NULL, show_contacts_action_cb);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "win.jump-to-chat", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.show-contacts", NULL);
}

static void
petrel_window_init (PetrelWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = dup_settings ();
  restore_window_state (self);
}

/**
 * petrel_window_new:
 * @application: the application the window belongs to
 *
 * Returns: (transfer none): a new main window, owned by GTK until
 *   gtk_window_destroy()
 */
PetrelWindow *
petrel_window_new (PetrelApplication *application)
{
  g_return_val_if_fail (PETREL_IS_APPLICATION (application), NULL);

  return g_object_new (PETREL_TYPE_WINDOW,
                       "application", application,
                       "accounts", petrel_application_get_accounts (application),
                       NULL);
}
