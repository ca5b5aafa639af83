/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Widget tests of the conversation sidebar: the search filters by name
 * and address, Enter in the search opens the first match, the open
 * conversation stays selected when the list reorders, rows show the
 * unread count and, with several accounts, the account, and a long list
 * builds rows for its first screens only and more as it is scrolled.
 */
#include <adwaita.h>

#include "petrel-conversation-list.h"
#include "petrel-conversation-row.h"
#include "petrel-conversation-sidebar.h"

typedef struct
{
  GtkWindow *window;
  PetrelConversationSidebar *sidebar;
  PetrelConversationList *list;
} Fixture;

static void
add_conversation (PetrelConversationList *list,
                  const char             *account,
                  const char             *peer,
                  const char             *name,
                  gint64                  minutes,
                  guint                   unread)
{
  g_autoptr (PetrelConversation) conversation = petrel_conversation_new (account, peer, PETREL_CONVERSATION_CHAT);

  petrel_conversation_set_display_name (conversation, name);
  petrel_conversation_set_last_activity (conversation, (G_GINT64_CONSTANT (1772452800) + minutes * 60) * G_USEC_PER_SEC);
  petrel_conversation_set_unread (conversation, unread);
  petrel_conversation_set_last_message_preview (conversation, "see you\nlater");
  petrel_conversation_list_upsert (list, conversation);
}

static void
fixture_open (Fixture *f)
{
  f->list = petrel_conversation_list_new ();
  add_conversation (f->list, "me@example.org", "alice@example.org", "Alice Liddell", 3, 0);
  add_conversation (f->list, "me@example.org", "bob@example.net", "Bob", 2, 4);
  add_conversation (f->list, "work@example.com", "carol@example.org", NULL, 1, 0);

  f->window = GTK_WINDOW (gtk_window_new ());
  g_object_ref (f->window);
  gtk_window_set_default_size (f->window, 360, 600);
  f->sidebar = g_object_new (PETREL_TYPE_CONVERSATION_SIDEBAR, NULL);
  g_object_ref (f->sidebar);
  petrel_conversation_sidebar_set_model (f->sidebar, G_LIST_MODEL (f->list));
  gtk_window_set_child (f->window, GTK_WIDGET (f->sidebar));
  gtk_window_present (f->window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_close (Fixture *f)
{
  gtk_window_destroy (f->window);
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->sidebar);
  g_assert_finalize_object (f->list);
}

static guint
n_visible (Fixture *f)
{
  return g_list_model_get_n_items (petrel_conversation_sidebar_get_visible (f->sidebar));
}

static const char *
stack_page (Fixture *f)
{
  GtkStack *stack = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (f->sidebar), PETREL_TYPE_CONVERSATION_SIDEBAR, "stack");

  return gtk_stack_get_visible_child_name (stack);
}

static void
test_search_filters (void)
{
  Fixture f = { 0 };

  fixture_open (&f);
  g_assert_cmpuint (n_visible (&f), ==, 3);
  g_assert_cmpstr (stack_page (&f), ==, "list");

  /* By name, ignoring case. */
  petrel_conversation_sidebar_set_search_text (f.sidebar, "lIDDell");
  g_assert_cmpuint (n_visible (&f), ==, 1);
  /* By address, also for a conversation without a name. */
  petrel_conversation_sidebar_set_search_text (f.sidebar, "carol@");
  g_assert_cmpuint (n_visible (&f), ==, 1);
  petrel_conversation_sidebar_set_search_text (f.sidebar, "example.org");
  g_assert_cmpuint (n_visible (&f), ==, 2);
  /* Nothing: a page that says so. */
  petrel_conversation_sidebar_set_search_text (f.sidebar, "zebra");
  g_assert_cmpuint (n_visible (&f), ==, 0);
  g_assert_cmpstr (stack_page (&f), ==, "no-results");
  /* Markup characters are only text. */
  petrel_conversation_sidebar_set_search_text (f.sidebar, "<b>");
  g_assert_cmpuint (n_visible (&f), ==, 0);
  petrel_conversation_sidebar_set_search_text (f.sidebar, "");
  g_assert_cmpuint (n_visible (&f), ==, 3);
  g_assert_cmpstr (stack_page (&f), ==, "list");

  /* The list follows the model. */
  petrel_conversation_sidebar_set_search_text (f.sidebar, "dave");
  add_conversation (f.list, "me@example.org", "dave@example.org", "Dave", 4, 1);
  g_assert_cmpuint (n_visible (&f), ==, 1);
  g_assert_cmpstr (stack_page (&f), ==, "list");

  fixture_close (&f);
}

static void
test_empty_state (void)
{
  PetrelConversationSidebar *sidebar = g_object_ref_sink (g_object_new (PETREL_TYPE_CONVERSATION_SIDEBAR, NULL));
  g_autoptr (PetrelConversationList) list = petrel_conversation_list_new ();
  GtkStack *stack = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (sidebar), PETREL_TYPE_CONVERSATION_SIDEBAR, "stack");

  petrel_conversation_sidebar_set_model (sidebar, G_LIST_MODEL (list));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  g_assert_finalize_object (sidebar);
}

static void
activated_cb (PetrelConversationSidebar *sidebar,
              PetrelConversation        *conversation,
              gboolean                   explicit_activation,
              GString                   *log)
{
  g_string_append_printf (log, "%s%s;", petrel_conversation_get_peer (conversation),
                          explicit_activation ? "!" : "");
}

static void
test_enter_opens_first_match (void)
{
  Fixture f = { 0 };
  g_autoptr (GString) log = g_string_new (NULL);
  GtkWidget *entry;

  fixture_open (&f);
  g_signal_connect (f.sidebar, "conversation-activated", G_CALLBACK (activated_cb), log);
  entry = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (f.sidebar), PETREL_TYPE_CONVERSATION_SIDEBAR, "search_entry");

  petrel_conversation_sidebar_focus_search (f.sidebar);
  petrel_conversation_sidebar_set_search_text (f.sidebar, "bob");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (log->str, ==, "bob@example.net!;");

  /* Again, already selected: still opens it. */
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (log->str, ==, "bob@example.net!;bob@example.net!;");

  /* Nothing matches: nothing opens. */
  petrel_conversation_sidebar_set_search_text (f.sidebar, "zebra");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (log->str, ==, "bob@example.net!;bob@example.net!;");

  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, "Search conversations");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_template_child (GTK_WIDGET (f.sidebar),
                                                                                      PETREL_TYPE_CONVERSATION_SIDEBAR,
                                                                                      "list_view")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Conversations");

  fixture_close (&f);
}

static void
test_selection_survives_reordering (void)
{
  Fixture f = { 0 };
  g_autoptr (GString) log = g_string_new (NULL);
  GtkSingleSelection *selection;
  PetrelConversation *selected;

  fixture_open (&f);
  g_signal_connect (f.sidebar, "conversation-activated", G_CALLBACK (activated_cb), log);
  selection = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (f.sidebar), PETREL_TYPE_CONVERSATION_SIDEBAR, "selection");

  petrel_conversation_sidebar_select (f.sidebar, "work@example.com", "carol@example.org");
  selected = gtk_single_selection_get_selected_item (selection);
  g_assert_cmpstr (petrel_conversation_get_peer (selected), ==, "carol@example.org");

  /* A message to Bob moves him up; Carol stays selected, nothing opens. */
  petrel_conversation_list_bump (f.list, "me@example.org", "bob@example.net",
                                 (G_GINT64_CONSTANT (1772452800) + 600) * G_USEC_PER_SEC, "new", 1);
  selected = gtk_single_selection_get_selected_item (selection);
  g_assert_nonnull (selected);
  g_assert_cmpstr (petrel_conversation_get_peer (selected), ==, "carol@example.org");
  g_assert_cmpstr (log->str, ==, "");

  fixture_close (&f);
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (PETREL_IS_CONVERSATION_ROW (widget))
    {
      if (petrel_conversation_row_get_conversation (PETREL_CONVERSATION_ROW (widget)) != NULL)
        g_ptr_array_add (rows, widget);
      return;
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

static PetrelConversationRow *
find_row (Fixture    *f,
          const char *peer)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (f->sidebar), rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (petrel_conversation_get_peer (petrel_conversation_row_get_conversation (rows->pdata[i])), peer) == 0)
      return rows->pdata[i];

  g_error ("No row for %s", peer);
  return NULL;
}

static GtkWidget *
row_child (PetrelConversationRow *row,
           const char            *name)
{
  return (gpointer) gtk_widget_get_template_child (GTK_WIDGET (row), PETREL_TYPE_CONVERSATION_ROW, name);
}

static void
test_rows_show_unread_and_account (void)
{
  Fixture f = { 0 };
  PetrelConversationRow *row;

  fixture_open (&f);

  row = find_row (&f, "bob@example.net");
  g_assert_true (gtk_widget_get_visible (row_child (row, "unread_label")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "unread_label"))), ==, "4");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_child (row, "unread_label")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "4 unread messages");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "preview_label"))), ==, "see you later");
  g_assert_false (gtk_widget_get_visible (row_child (row, "account_label")));

  row = find_row (&f, "alice@example.org");
  g_assert_false (gtk_widget_get_visible (row_child (row, "unread_label")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "name_label"))), ==, "Alice Liddell");
  row = find_row (&f, "carol@example.org");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "name_label"))), ==, "carol@example.org");

  /* Reading the conversation clears the badge. */
  petrel_conversation_list_mark_read (f.list, "me@example.org", "bob@example.net");
  row = find_row (&f, "bob@example.net");
  g_assert_false (gtk_widget_get_visible (row_child (row, "unread_label")));

  /* Several accounts: each row names its own. */
  g_object_set (f.sidebar, "show-accounts", TRUE, NULL);
  row = find_row (&f, "carol@example.org");
  g_assert_true (gtk_widget_get_visible (row_child (row, "account_label")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "account_label"))), ==, "work@example.com");

  fixture_close (&f);
}

static void
count_rows (GtkWidget *widget,
            guint     *n)
{
  if (PETREL_IS_CONVERSATION_ROW (widget))
    {
      if (petrel_conversation_row_get_conversation (PETREL_CONVERSATION_ROW (widget)) != NULL)
        (*n)++;
      return;
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    count_rows (c, n);
}

static guint
n_bound_rows (Fixture *f)
{
  guint n = 0;

  count_rows (GTK_WIDGET (f->sidebar), &n);
  return n;
}

/* Hundreds of conversations: rows are built for the first screens only,
 * and scrolling down builds more until every one can be reached. */
static void
test_long_list_grows_while_scrolling (void)
{
  Fixture f = { 0 };
  GtkSingleSelection *selection;
  GtkAdjustment *adjustment;
  PetrelConversation *selected;
  guint rows;

  fixture_open (&f);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *peer = g_strdup_printf ("peer%03u@example.org", i);

      add_conversation (f.list, "me@example.org", peer, NULL, -(gint64) i - 10, 0);
    }
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f.window));
  selection = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (f.sidebar), PETREL_TYPE_CONVERSATION_SIDEBAR, "selection");
  adjustment = GTK_ADJUSTMENT (gtk_widget_get_template_child (GTK_WIDGET (f.sidebar), PETREL_TYPE_CONVERSATION_SIDEBAR, "vadjustment"));

  /* Every conversation matches; far fewer rows exist. */
  g_assert_cmpuint (n_visible (&f), ==, 303);
  rows = n_bound_rows (&f);
  g_assert_cmpuint (rows, >, 0);
  g_assert_cmpuint (rows, <=, 60);

  /* Opened from elsewhere, far down: selected once the list reaches it. */
  petrel_conversation_sidebar_select (f.sidebar, "me@example.org", "peer250@example.org");
  g_assert_null (gtk_single_selection_get_selected_item (selection));

  for (guint i = 0; i < 100 && gtk_single_selection_get_selected_item (selection) == NULL; i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f.window));
    }
  selected = gtk_single_selection_get_selected_item (selection);
  g_assert_nonnull (selected);
  g_assert_cmpstr (petrel_conversation_get_peer (selected), ==, "peer250@example.org");
  g_assert_cmpuint (n_bound_rows (&f), >, rows);

  /* The last one is reachable too. */
  for (guint i = 0; i < 100; i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f.window));
    }
  g_assert_cmpuint (g_list_model_get_n_items (gtk_single_selection_get_model (selection)), ==, 303);

  fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/conversation-sidebar/search-filters", test_search_filters);
  g_test_add_func ("/ui/conversation-sidebar/empty-state", test_empty_state);
  g_test_add_func ("/ui/conversation-sidebar/enter-opens-first-match", test_enter_opens_first_match);
  g_test_add_func ("/ui/conversation-sidebar/selection-survives-reordering", test_selection_survives_reordering);
  g_test_add_func ("/ui/conversation-sidebar/rows-show-unread-and-account", test_rows_show_unread_and_account);
  g_test_add_func ("/ui/conversation-sidebar/long-list-grows-while-scrolling", test_long_list_grows_while_scrolling);

  return g_test_run ();
}
