/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelConversationSidebar: the list of conversations with a search
 * entry (ui/petrel-conversation-sidebar.ui).  The filter — the search
 * text against the name and the address — lives in the template.
 *
 * Choosing a conversation opens it.  A click or Enter (in the list, or in
 * the search entry for the first match: the Ctrl+K "jump to a chat" path)
 * also moves the focus to its composer; the arrow keys leave it in the
 * list, to go on browsing.
 *
 * The conversation list reorders as messages arrive (newest first), which
 * a GtkSingleSelection may lose; the sidebar remembers which conversation
 * is open and selects it again.
 *
 * The list view sees a growing slice of the matches: GTK 4.8's list view
 * builds, binds and measures a row for up to 200 items whether they are
 * on screen or not, which with a few hundred conversations was most of
 * the main window's start-up.  The slice starts at what fills a tall
 * window and grows a step whenever the view comes near its end, so
 * scrolling and the keyboard still reach every match.  A conversation
 * opened from elsewhere (a notification, the contacts) that lies beyond
 * the slice is selected once the slice grows to it, rather than building
 * every row above it at once.
 */
#define G_LOG_DOMAIN "petrel-conversation-sidebar"

#include "petrel-conversation-row.h"
#include "petrel-conversation-sidebar.h"

/* Rows the list view gets at first and then per step: a little more than
 * a maximised window shows. */
#define SLICE_STEP 30

struct _PetrelConversationSidebar
{
  AdwBin parent_instance;

  GListModel *model;
  PetrelAccounts *accounts;
  gboolean show_accounts;

  char *selected_account;
  char *selected_peer;
  gboolean syncing;
  gboolean explicit_activation;
  guint pointer_reset_id;

  GtkSearchEntry *search_entry;
  GtkStack *stack;
  GtkListView *list_view;
  GtkSingleSelection *selection;
  GtkSliceListModel *slice_model;
  GtkFilterListModel *filter_model;
  GtkAdjustment *vadjustment;
};

G_DEFINE_FINAL_TYPE (PetrelConversationSidebar, petrel_conversation_sidebar, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_ACCOUNTS,
  PROP_SHOW_ACCOUNTS,
  N_PROPS
};

enum {
  SIGNAL_CONVERSATION_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Makes the slice hold the first @n matches at least. */
static void
reveal_up_to (PetrelConversationSidebar *self,
              guint                      n)
{
  guint size = gtk_slice_list_model_get_size (self->slice_model);

  if (n <= size)
    return;

  gtk_slice_list_model_set_size (self->slice_model, (n + SLICE_STEP - 1) / SLICE_STEP * SLICE_STEP);
}

/* Near the end of what the list shows, or a view taller than it: one
 * step more. */
static void
maybe_grow (PetrelConversationSidebar *self)
{
  double value, upper, page;
  guint size;

  if (self->slice_model == NULL || self->vadjustment == NULL || self->filter_model == NULL)
    return;

  size = gtk_slice_list_model_get_size (self->slice_model);
  if (size >= g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)))
    return;

  value = gtk_adjustment_get_value (self->vadjustment);
  upper = gtk_adjustment_get_upper (self->vadjustment);
  page = gtk_adjustment_get_page_size (self->vadjustment);
  if (page > 0 && value + 2 * page >= upper)
    reveal_up_to (self, size + SLICE_STEP);
}

static void
scrolled_cb (GtkAdjustment             *adjustment,
             PetrelConversationSidebar *self)
{
  maybe_grow (self);
}

static void
extent_changed_cb (GtkAdjustment             *adjustment,
                   GParamSpec                *pspec,
                   PetrelConversationSidebar *self)
{
  maybe_grow (self);
}

static void
update_stack (PetrelConversationSidebar *self)
{
  const char *search;
  const char *page = "list";

  /* Bindings run while the template is still being built. */
  if (self->stack == NULL || self->search_entry == NULL || self->filter_model == NULL)
    return;

  search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    page = search != NULL && *search != '\0' ? "no-results" : "empty";

  gtk_stack_set_visible_child_name (self->stack, page);
}

/* The position among the rows the list shows (the slice), or
 * GTK_INVALID_LIST_POSITION; a conversation further down is selected
 * when the slice grows to it. */
static guint
find_position (PetrelConversationSidebar *self,
               const char                *account,
               const char                *peer)
{
  GListModel *model = G_LIST_MODEL (self->slice_model);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PetrelConversation) conversation = g_list_model_get_item (model, i);

      if (g_strcmp0 (petrel_conversation_get_account (conversation), account) == 0
          && g_strcmp0 (petrel_conversation_get_peer (conversation), peer) == 0)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

static void
select_quietly (PetrelConversationSidebar *self,
                guint                      position)
{
  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->syncing = FALSE;
}

static void
filtered_items_changed_cb (GListModel                *model,
                           guint                      position,
                           guint                      removed,
                           guint                      added,
                           PetrelConversationSidebar *self)
{
  update_stack (self);
}

/* Keeps the open conversation selected when it moves, reappears, or the
 * slice grows to it. */
static void
shown_items_changed_cb (GListModel                *model,
                        guint                      position,
                        guint                      removed,
                        guint                      added,
                        PetrelConversationSidebar *self)
{
  if (self->selection != NULL && self->selected_peer != NULL
      && gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    {
      guint found = find_position (self, self->selected_account, self->selected_peer);

      if (found != GTK_INVALID_LIST_POSITION)
        select_quietly (self, found);
    }
}

static void
search_text_cb (GtkSearchEntry            *entry,
                GParamSpec                *pspec,
                PetrelConversationSidebar *self)
{
  update_stack (self);
}

static void
selected_item_cb (GtkSingleSelection        *selection,
                  GParamSpec                *pspec,
                  PetrelConversationSidebar *self)
{
  PetrelConversation *conversation = gtk_single_selection_get_selected_item (selection);

  if (self->syncing || conversation == NULL)
    return;

  /* The list moved under the selection: the same conversation. */
  if (!self->explicit_activation
      && g_strcmp0 (petrel_conversation_get_account (conversation), self->selected_account) == 0
      && g_strcmp0 (petrel_conversation_get_peer (conversation), self->selected_peer) == 0)
    return;

  g_free (self->selected_account);
  self->selected_account = g_strdup (petrel_conversation_get_account (conversation));
  g_free (self->selected_peer);
  self->selected_peer = g_strdup (petrel_conversation_get_peer (conversation));

  g_signal_emit (self, signals[SIGNAL_CONVERSATION_ACTIVATED], 0,
                 conversation, self->explicit_activation);
}

static void
activate_position (PetrelConversationSidebar *self,
                   guint                      position)
{
  PetrelConversation *conversation;

  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)))
    return;

  /* Selecting an already selected item notifies nothing: emit here. */
  if (gtk_single_selection_get_selected (self->selection) == position)
    {
      conversation = gtk_single_selection_get_selected_item (self->selection);
      g_signal_emit (self, signals[SIGNAL_CONVERSATION_ACTIVATED], 0, conversation, TRUE);
      return;
    }

  reveal_up_to (self, position + 1);
  self->explicit_activation = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->explicit_activation = FALSE;
}

static void
list_activate_cb (GtkListView               *list_view,
                  guint                      position,
                  PetrelConversationSidebar *self)
{
  activate_position (self, position);
}

/* A click selects in the row's own gesture; this one, in the capture
 * phase, runs first and marks the selection as the user's explicit
 * choice, until the click is over. */
static void
list_pressed_cb (GtkGestureClick           *gesture,
                 int                        n_press,
                 double                     x,
                 double                     y,
                 PetrelConversationSidebar *self)
{
  g_clear_handle_id (&self->pointer_reset_id, g_source_remove);
  self->explicit_activation = TRUE;
}

static gboolean
pointer_reset_cb (gpointer user_data)
{
  PetrelConversationSidebar *self = user_data;

  self->pointer_reset_id = 0;
  self->explicit_activation = FALSE;

  return G_SOURCE_REMOVE;
}

static void
list_released_cb (GtkGestureClick           *gesture,
                  int                        n_press,
                  double                     x,
                  double                     y,
                  PetrelConversationSidebar *self)
{
  if (self->pointer_reset_id == 0)
    self->pointer_reset_id = g_idle_add (pointer_reset_cb, self);
}

static void
search_activate_cb (GtkSearchEntry            *entry,
                    PetrelConversationSidebar *self)
{
  activate_position (self, 0);
}

static void
search_stop_cb (GtkSearchEntry            *entry,
                PetrelConversationSidebar *self)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static gboolean
search_key_pressed_cb (GtkEventControllerKey     *controller,
                       guint                      keyval,
                       guint                      keycode,
                       GdkModifierType            state,
                       PetrelConversationSidebar *self)
{
  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;

  /* From the search to its results, as in a menu. */
  return gtk_widget_child_focus (GTK_WIDGET (self->list_view), GTK_DIR_TAB_FORWARD);
}

/* Rows */

static void
setup_row_cb (GtkSignalListItemFactory  *factory,
              GtkListItem               *item,
              PetrelConversationSidebar *self)
{
  PetrelConversationRow *row = petrel_conversation_row_new ();

  g_object_bind_property (self, "show-accounts", row, "show-account", G_BINDING_SYNC_CREATE);
  gtk_list_item_set_child (item, GTK_WIDGET (row));
}

static void
bind_row_cb (GtkSignalListItemFactory  *factory,
             GtkListItem               *item,
             PetrelConversationSidebar *self)
{
  PetrelConversationRow *row = PETREL_CONVERSATION_ROW (gtk_list_item_get_child (item));
  PetrelConversation *conversation = gtk_list_item_get_item (item);
  PetrelContactList *contacts = NULL;
  PetrelContact *contact = NULL;

  if (self->accounts != NULL)
    contacts = petrel_accounts_get_contacts (self->accounts, petrel_conversation_get_account (conversation));
  if (contacts != NULL)
    contact = petrel_contact_list_lookup (contacts, petrel_conversation_get_peer (conversation));

  petrel_conversation_row_set_conversation (row, conversation);
  petrel_conversation_row_set_contact (row, contact);
}

static void
unbind_row_cb (GtkSignalListItemFactory  *factory,
               GtkListItem               *item,
               PetrelConversationSidebar *self)
{
  PetrelConversationRow *row = PETREL_CONVERSATION_ROW (gtk_list_item_get_child (item));

  petrel_conversation_row_set_conversation (row, NULL);
  petrel_conversation_row_set_contact (row, NULL);
}

/* Public */

/** Returns: (transfer none) (nullable): the PetrelConversations shown */
GListModel *
petrel_conversation_sidebar_get_model (PetrelConversationSidebar *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION_SIDEBAR (self), NULL);

  return self->model;
}

void
petrel_conversation_sidebar_set_model (PetrelConversationSidebar *self,
                                       GListModel                *model)
{
  g_return_if_fail (PETREL_IS_CONVERSATION_SIDEBAR (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (g_set_object (&self->model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  update_stack (self);
}

/** Returns: (transfer none): the conversations that match the search */
GListModel *
petrel_conversation_sidebar_get_visible (PetrelConversationSidebar *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION_SIDEBAR (self), NULL);

  return G_LIST_MODEL (self->filter_model);
}

void
petrel_conversation_sidebar_set_search_text (PetrelConversationSidebar *self,
                                             const char                *text)
{
  g_return_if_fail (PETREL_IS_CONVERSATION_SIDEBAR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
}

void
petrel_conversation_sidebar_focus_search (PetrelConversationSidebar *self)
{
  g_return_if_fail (PETREL_IS_CONVERSATION_SIDEBAR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/**
 * petrel_conversation_sidebar_select:
 *
 * Marks the conversation that is open, without activating it again.
 */
void
petrel_conversation_sidebar_select (PetrelConversationSidebar *self,
                                    const char                *account,
                                    const char                *peer)
{
  g_return_if_fail (PETREL_IS_CONVERSATION_SIDEBAR (self));

  g_free (self->selected_account);
  self->selected_account = g_strdup (account);
  g_free (self->selected_peer);
  self->selected_peer = g_strdup (peer);

  select_quietly (self, peer != NULL ? find_position (self, account, peer) : GTK_INVALID_LIST_POSITION);
}

static void
petrel_conversation_sidebar_dispose (GObject *object)
{
  PetrelConversationSidebar *self = PETREL_CONVERSATION_SIDEBAR (object);

  g_clear_handle_id (&self->pointer_reset_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_CONVERSATION_SIDEBAR);
  g_clear_object (&self->model);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (petrel_conversation_sidebar_parent_class)->dispose (object);
}

static void
petrel_conversation_sidebar_finalize (GObject *object)
{
  PetrelConversationSidebar *self = PETREL_CONVERSATION_SIDEBAR (object);

  g_free (self->selected_account);
  g_free (self->selected_peer);

  G_OBJECT_CLASS (petrel_conversation_sidebar_parent_class)->finalize (object);
}

static void
petrel_conversation_sidebar_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  PetrelConversationSidebar *self = PETREL_CONVERSATION_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_MODEL: g_value_set_object (value, self->model); break;
    case PROP_ACCOUNTS: g_value_set_object (value, self->accounts); break;
    case PROP_SHOW_ACCOUNTS: g_value_set_boolean (value, self->show_accounts); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_conversation_sidebar_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  PetrelConversationSidebar *self = PETREL_CONVERSATION_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      petrel_conversation_sidebar_set_model (self, g_value_get_object (value));
      break;
    case PROP_ACCOUNTS:
      if (g_set_object (&self->accounts, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_SHOW_ACCOUNTS:
      if (self->show_accounts != g_value_get_boolean (value))
        {
          self->show_accounts = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_conversation_sidebar_class_init (PetrelConversationSidebarClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags     rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = petrel_conversation_sidebar_dispose;
  object_class->finalize = petrel_conversation_sidebar_finalize;
  object_class->get_property = petrel_conversation_sidebar_get_property;
  object_class->set_property = petrel_conversation_sidebar_set_property;

  properties[PROP_MODEL] = g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL, rw);
  /* For the peers' presence; none is shown without it. */
  properties[PROP_ACCOUNTS] = g_param_spec_object ("accounts", NULL, NULL, PETREL_TYPE_ACCOUNTS, rw);
  properties[PROP_SHOW_ACCOUNTS] = g_param_spec_boolean ("show-accounts", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PetrelConversationSidebar::conversation-activated:
   * @conversation: the conversation to open
   * @explicit: whether it was activated (Enter, double click) rather than
   *   only selected, so the focus should follow to the composer
   */
  signals[SIGNAL_CONVERSATION_ACTIVATED] =
    g_signal_new ("conversation-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, PETREL_TYPE_CONVERSATION, G_TYPE_BOOLEAN);

  g_type_ensure (PETREL_TYPE_CONVERSATION);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-conversation-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelConversationSidebar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PetrelConversationSidebar, stack);
  gtk_widget_class_bind_template_child (widget_class, PetrelConversationSidebar, list_view);
  gtk_widget_class_bind_template_child (widget_class, PetrelConversationSidebar, selection);
  gtk_widget_class_bind_template_child (widget_class, PetrelConversationSidebar, slice_model);
  gtk_widget_class_bind_template_child (widget_class, PetrelConversationSidebar, filter_model);
  gtk_widget_class_bind_template_child (widget_class, PetrelConversationSidebar, vadjustment);
  gtk_widget_class_bind_template_callback (widget_class, scrolled_cb);
  gtk_widget_class_bind_template_callback (widget_class, extent_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filtered_items_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, selected_item_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_released_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_stop_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row_cb);
}

static void
petrel_conversation_sidebar_init (PetrelConversationSidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_slice_list_model_set_size (self->slice_model, SLICE_STEP);
  /* After the selection's own handler, which may have dropped the
   * selection for the change. */
  g_signal_connect_after (self->slice_model, "items-changed", G_CALLBACK (shown_items_changed_cb), self);
  update_stack (self);
}
