/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelChatView: one conversation (ui/petrel-chat-view.ui): its messages
 * in a GtkListView over the PetrelMessageList, and the composer.
 *
 * Scrolling.  The view "sticks" to the bottom while the user is there: a
 * new message, a longer list or a taller window keep the newest message
 * in view.  Whether the user is at the bottom is decided only when the
 * user moves (the value changes while the content height does not), so
 * the list growing under the view never unsticks it.  Near the top, the
 * next older page is read from the store (PetrelMessageList:has-older),
 * and while the content is shorter than two screens, so a conversation
 * opens with one small page and fills up over the next turns; near the
 * bottom of a window that was scrolled far back, the next newer one.
 * Each load runs in an idle, after the frame that laid out the last.
 *
 * Grouping.  A row shows the sender's name only when the sender changes,
 * and a day separator when the day does; both depend on the message
 * before it.  When older messages are prepended, the row that was first
 * gets a predecessor, so it is told (rows are tracked by message while
 * bound).
 *
 * Drafts are kept per conversation while the view lives.
 */
#define G_LOG_DOMAIN "petrel-chat-view"

#include <glib/gi18n.h>

#include "petrel-chat-view.h"
#include "petrel-composer.h"
#include "petrel-message-row.h"

/* How close to an edge counts as being there, in pixels. */
#define EDGE_THRESHOLD 48.0

/* Paging for the list view.  Binding and laying out a wrapped message
 * costs one to two milliseconds of text shaping, so a page of ten keeps
 * a frame well within its budget (a screen fills over a few turns); and
 * GTK 4.8's list view keeps a row, laid out on every frame, for up to
 * 200 items, so a window below that bounds the rows, their memory and
 * each frame's work. */
#define VIEW_PAGE_SIZE 10
#define VIEW_FIRST_PAGE_SIZE 20
#define VIEW_MAX_ITEMS 120

struct _PetrelChatView
{
  AdwBin parent_instance;

  PetrelAccounts *accounts;
  char *account;
  char *peer;
  char *peer_name;
  PetrelMessageList *messages;
  GHashTable *rows;   /* PetrelMessage* → PetrelMessageRow*, while bound */
  GHashTable *drafts; /* "account\npeer" → text */
  gboolean send_chat_states;

  gboolean sticky;
  double last_upper;
  guint load_idle_id;
  guint scroll_tick_id;

  GtkListView *list_view;
  GtkAdjustment *vadjustment;
  GtkRevealer *jump_revealer;
  PetrelComposer *composer;
};

G_DEFINE_FINAL_TYPE (PetrelChatView, petrel_chat_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MESSAGES,
  PROP_SEND_CHAT_STATES,
  N_PROPS
};

enum {
  SIGNAL_SEND_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Scrolling */

static void
scroll_to_end (PetrelChatView *self)
{
  gtk_adjustment_set_value (self->vadjustment,
                            gtk_adjustment_get_upper (self->vadjustment)
                              - gtk_adjustment_get_page_size (self->vadjustment));
}

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  PetrelChatView *self = PETREL_CHAT_VIEW (widget);

  self->scroll_tick_id = 0;
  if (self->sticky)
    scroll_to_end (self);

  return G_SOURCE_REMOVE;
}

/* The list view ignores a new value while it allocates (which is when
 * the content height changes), so the scroll waits for the next frame. */
static void
queue_scroll_to_end (PetrelChatView *self)
{
  if (self->scroll_tick_id == 0)
    self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_tick_cb, NULL, NULL);
}

static gboolean
load_idle_cb (gpointer user_data)
{
  PetrelChatView *self = user_data;
  double value = gtk_adjustment_get_value (self->vadjustment);
  double upper = gtk_adjustment_get_upper (self->vadjustment);
  double page = gtk_adjustment_get_page_size (self->vadjustment);
  g_autoptr (GError) error = NULL;

  self->load_idle_id = 0;
  if (self->messages == NULL || page <= 0)
    return G_SOURCE_REMOVE;

  /* Older pages come in while the history above is less than a screen
   * (so there is always something to scroll up to, one small page per
   * main-loop turn), or when the user is near the top. */
  if (petrel_message_list_get_has_older (self->messages)
      && (upper < 2 * page || (value < page && !self->sticky)))
    petrel_message_list_load_older (self->messages, &error);
  else if (petrel_message_list_get_has_newer (self->messages)
           && value + 2 * page >= upper)
    petrel_message_list_load_newer (self->messages, &error);

  /* A store that cannot be read: the history stays as it is. */
  if (error != NULL)
    g_debug ("Could not read more history: %s", error->message);

  return G_SOURCE_REMOVE;
}

static void
update_edges (PetrelChatView *self)
{
  gboolean at_end = self->sticky
                    && (self->messages == NULL || !petrel_message_list_get_has_newer (self->messages));

  gtk_revealer_set_reveal_child (self->jump_revealer, !at_end);

  if (self->messages != NULL && self->load_idle_id == 0
      && (petrel_message_list_get_has_older (self->messages)
          || petrel_message_list_get_has_newer (self->messages)))
    self->load_idle_id = g_idle_add (load_idle_cb, self);
}

static void
value_changed_cb (GtkAdjustment  *adjustment,
                  PetrelChatView *self)
{
  double value = gtk_adjustment_get_value (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);

  /* Only the user's own scrolling decides; a change of content height
   * comes with its own value changes. */
  if (upper == self->last_upper)
    self->sticky = value + page >= upper - EDGE_THRESHOLD;

  update_edges (self);
}

static void
size_changed_cb (GtkAdjustment  *adjustment,
                 GParamSpec     *pspec,
                 PetrelChatView *self)
{
  self->last_upper = gtk_adjustment_get_upper (adjustment);
  if (self->sticky)
    queue_scroll_to_end (self);
  update_edges (self);
}

/**
 * petrel_chat_view_scroll_to_bottom:
 *
 * Shows the newest message, reading the newest page again if the window
 * was scrolled far back.
 */
void
petrel_chat_view_scroll_to_bottom (PetrelChatView *self)
{
  g_return_if_fail (PETREL_IS_CHAT_VIEW (self));

  if (self->messages != NULL && petrel_message_list_get_has_newer (self->messages))
    {
      g_autoptr (GError) error = NULL;

      if (!petrel_message_list_load_newest (self->messages, &error))
        g_debug ("Could not read the newest messages: %s", error->message);
    }

  self->sticky = TRUE;
  scroll_to_end (self);
  queue_scroll_to_end (self);
  update_edges (self);
}

static void
scroll_to_bottom_action_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  petrel_chat_view_scroll_to_bottom (PETREL_CHAT_VIEW (widget));
}

/* Rows */

static PetrelMessage *
dup_previous (PetrelChatView *self,
              guint           position)
{
  if (position == 0 || self->messages == NULL)
    return NULL;

  return g_list_model_get_item (G_LIST_MODEL (self->messages), position - 1);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              PetrelChatView           *self)
{
  gtk_list_item_set_child (item, GTK_WIDGET (petrel_message_row_new ()));
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             PetrelChatView           *self)
{
  PetrelMessageRow *row = PETREL_MESSAGE_ROW (gtk_list_item_get_child (item));
  PetrelMessage *message = gtk_list_item_get_item (item);
  g_autoptr (PetrelMessage) previous = dup_previous (self, gtk_list_item_get_position (item));

  petrel_message_row_set_message (row, message, previous, self->peer_name);
  g_hash_table_insert (self->rows, message, row);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               PetrelChatView           *self)
{
  PetrelMessageRow *row = PETREL_MESSAGE_ROW (gtk_list_item_get_child (item));
  PetrelMessage *message = petrel_message_row_get_message (row);

  if (message != NULL && g_hash_table_lookup (self->rows, message) == row)
    g_hash_table_remove (self->rows, message);
  petrel_message_row_set_message (row, NULL, NULL, NULL);
}

static void
items_changed_cb (GListModel     *model,
                  guint           position,
                  guint           removed,
                  guint           added,
                  PetrelChatView *self)
{
  g_autoptr (PetrelMessage) next = NULL;
  g_autoptr (PetrelMessage) previous = NULL;
  PetrelMessageRow *row;

  /* The message after the change has a new predecessor. */
  next = g_list_model_get_item (model, position + added);
  if (next == NULL)
    return;

  row = g_hash_table_lookup (self->rows, next);
  if (row == NULL)
    return;

  previous = dup_previous (self, position + added);
  petrel_message_row_set_previous (row, previous);
}

/* Sending */

static void
send_cb (PetrelComposer *composer,
         const char     *text,
         PetrelChatView *self)
{
  g_autoptr (GError) error = NULL;

  if (self->accounts == NULL || self->account == NULL || self->peer == NULL)
    return;

  /* The user wants to see what they sent. */
  petrel_chat_view_scroll_to_bottom (self);

  if (!petrel_accounts_send_message (self->accounts, self->account, self->peer, text, &error))
    {
      /* Give the text back rather than lose it. */
      petrel_composer_set_text (self->composer, text);
      g_signal_emit (self, signals[SIGNAL_SEND_FAILED], 0, error->message);
    }
}

static void
chat_state_cb (PetrelComposer *composer,
               const char     *state,
               PetrelChatView *self)
{
  if (self->accounts == NULL || self->account == NULL || self->peer == NULL)
    return;
  if (!self->send_chat_states)
    return;

  petrel_accounts_send_chat_state (self->accounts, self->account, self->peer, state);
}

/* Conversations */

static char *
draft_key (const char *account,
           const char *peer)
{
  return g_strconcat (account, "\n", peer, NULL);
}

static void
save_draft (PetrelChatView *self)
{
  g_autofree char *text = NULL;

  if (self->account == NULL || self->peer == NULL)
    return;

  petrel_composer_leave (self->composer);
  text = petrel_composer_dup_text (self->composer);
  if (*text != '\0')
    g_hash_table_replace (self->drafts, draft_key (self->account, self->peer), g_steal_pointer (&text));
  else
    {
      g_autofree char *key = draft_key (self->account, self->peer);

      g_hash_table_remove (self->drafts, key);
    }
}

/* GTK 4.8 warns about a dangling weak reference when a focused selectable
 * label goes away with its row, as all rows do when the conversation
 * changes: the focus leaves the rows first. */
static void
release_focus (PetrelChatView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    return;

  if (gtk_widget_get_mapped (GTK_WIDGET (self->composer)))
    petrel_composer_focus (self->composer);
  else
    gtk_root_set_focus (root, NULL);
}

/* Pages and a window the view can lay out a turn at a time; a list
 * opened with a larger page starts again from its newest small page,
 * before any row is built for it. */
static void
adapt_paging (PetrelChatView    *self,
              PetrelMessageList *messages)
{
  g_autoptr (GError) error = NULL;

  if (petrel_message_list_get_page_size (messages) > VIEW_PAGE_SIZE)
    {
      /* The first page fills a window at once; later ones are small. */
      petrel_message_list_set_page_size (messages, VIEW_FIRST_PAGE_SIZE);
      if (!petrel_message_list_get_has_newer (messages)
          && g_list_model_get_n_items (G_LIST_MODEL (messages)) > VIEW_FIRST_PAGE_SIZE
          && !petrel_message_list_load_newest (messages, &error))
        g_debug ("Could not read the newest messages: %s", error->message);
      petrel_message_list_set_page_size (messages, VIEW_PAGE_SIZE);
    }
  if (petrel_message_list_get_max_items (messages) > VIEW_MAX_ITEMS)
    petrel_message_list_set_max_items (messages, VIEW_MAX_ITEMS);
}

static void
set_messages (PetrelChatView    *self,
              PetrelMessageList *messages)
{
  g_autoptr (GtkNoSelection) selection = NULL;

  if (self->messages != NULL)
    g_signal_handlers_disconnect_by_func (self->messages, items_changed_cb, self);

  release_focus (self);
  /* Unbinding the old rows needs the old model gone first. */
  gtk_list_view_set_model (self->list_view, NULL);
  g_hash_table_remove_all (self->rows);
  g_set_object (&self->messages, messages);

  if (messages != NULL)
    {
      adapt_paging (self, messages);
      selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (messages)));
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
      g_signal_connect_after (messages, "items-changed", G_CALLBACK (items_changed_cb), self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGES]);
}

/**
 * petrel_chat_view_set_conversation:
 * @accounts: (nullable): where messages and chat states go
 * @account: (nullable): the account's bare JID
 * @peer: (nullable): the peer's bare JID
 * @peer_name: (nullable): the name shown for the peer's messages
 * @messages: (nullable): the conversation's messages
 *
 * Shows a conversation, or nothing when @messages is %NULL.  The view
 * starts at the newest message.
 */
void
petrel_chat_view_set_conversation (PetrelChatView    *self,
                                   PetrelAccounts    *accounts,
                                   const char        *account,
                                   const char        *peer,
                                   const char        *peer_name,
                                   PetrelMessageList *messages)
{
  g_autofree char *key = NULL;
  const char *draft;

  g_return_if_fail (PETREL_IS_CHAT_VIEW (self));
  g_return_if_fail (accounts == NULL || PETREL_IS_ACCOUNTS (accounts));
  g_return_if_fail (messages == NULL || PETREL_IS_MESSAGE_LIST (messages));

  save_draft (self);

  g_set_object (&self->accounts, accounts);
  g_free (self->account);
  self->account = g_strdup (account);
  g_free (self->peer);
  self->peer = g_strdup (peer);
  g_free (self->peer_name);
  self->peer_name = g_strdup (peer_name);

  self->sticky = TRUE;
  self->last_upper = -1;
  set_messages (self, messages);

  key = account != NULL && peer != NULL ? draft_key (account, peer) : NULL;
  draft = key != NULL ? g_hash_table_lookup (self->drafts, key) : NULL;
  petrel_composer_set_text (self->composer, draft);

  queue_scroll_to_end (self);
  update_edges (self);
}

PetrelMessageList *
petrel_chat_view_get_messages (PetrelChatView *self)
{
  g_return_val_if_fail (PETREL_IS_CHAT_VIEW (self), NULL);

  return self->messages;
}

const char *
petrel_chat_view_get_account (PetrelChatView *self)
{
  g_return_val_if_fail (PETREL_IS_CHAT_VIEW (self), NULL);

  return self->account;
}

const char *
petrel_chat_view_get_peer (PetrelChatView *self)
{
  g_return_val_if_fail (PETREL_IS_CHAT_VIEW (self), NULL);

  return self->peer;
}

void
petrel_chat_view_focus_composer (PetrelChatView *self)
{
  g_return_if_fail (PETREL_IS_CHAT_VIEW (self));

  petrel_composer_focus (self->composer);
}

static void
petrel_chat_view_dispose (GObject *object)
{
  PetrelChatView *self = PETREL_CHAT_VIEW (object);

  g_clear_handle_id (&self->load_idle_id, g_source_remove);
  if (self->scroll_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick_id);
      self->scroll_tick_id = 0;
    }
  if (self->messages != NULL)
    g_signal_handlers_disconnect_by_func (self->messages, items_changed_cb, self);
  if (self->list_view != NULL)
    {
      release_focus (self);
      gtk_list_view_set_model (self->list_view, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_CHAT_VIEW);
  self->list_view = NULL;
  g_clear_object (&self->messages);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (petrel_chat_view_parent_class)->dispose (object);
}

static void
petrel_chat_view_finalize (GObject *object)
{
  PetrelChatView *self = PETREL_CHAT_VIEW (object);

  g_hash_table_unref (self->rows);
  g_hash_table_unref (self->drafts);
  g_free (self->account);
  g_free (self->peer);
  g_free (self->peer_name);

  G_OBJECT_CLASS (petrel_chat_view_parent_class)->finalize (object);
}

static void
petrel_chat_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PetrelChatView *self = PETREL_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_MESSAGES: g_value_set_object (value, self->messages); break;
    case PROP_SEND_CHAT_STATES: g_value_set_boolean (value, self->send_chat_states); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_chat_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  PetrelChatView *self = PETREL_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SEND_CHAT_STATES:
      if (self->send_chat_states != g_value_get_boolean (value))
        {
          self->send_chat_states = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_chat_view_class_init (PetrelChatViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = petrel_chat_view_dispose;
  object_class->finalize = petrel_chat_view_finalize;
  object_class->get_property = petrel_chat_view_get_property;
  object_class->set_property = petrel_chat_view_set_property;

  properties[PROP_MESSAGES] =
    g_param_spec_object ("messages", NULL, NULL, PETREL_TYPE_MESSAGE_LIST,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* XEP-0085 notifications to the peer; the preferences bind it. */
  properties[PROP_SEND_CHAT_STATES] =
    g_param_spec_boolean ("send-chat-states", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PetrelChatView::send-failed:
   * @message: why, for people
   *
   * The message could not be queued; its text is back in the composer.
   */
  signals[SIGNAL_SEND_FAILED] =
    g_signal_new ("send-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (PETREL_TYPE_COMPOSER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-chat-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelChatView, list_view);
  gtk_widget_class_bind_template_child (widget_class, PetrelChatView, vadjustment);
  gtk_widget_class_bind_template_child (widget_class, PetrelChatView, jump_revealer);
  gtk_widget_class_bind_template_child (widget_class, PetrelChatView, composer);
  gtk_widget_class_bind_template_callback (widget_class, value_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, size_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, send_cb);
  gtk_widget_class_bind_template_callback (widget_class, chat_state_cb);

  gtk_widget_class_install_action (widget_class, "chat.scroll-to-bottom", NULL,
                                   scroll_to_bottom_action_cb);
}

static void
petrel_chat_view_init (PetrelChatView *self)
{
  self->rows = g_hash_table_new (NULL, NULL);
  self->drafts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->send_chat_states = TRUE;
  self->sticky = TRUE;
  self->last_upper = -1;

  gtk_widget_init_template (GTK_WIDGET (self));
}
