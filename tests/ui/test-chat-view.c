/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Widget tests of the chat view over a fake PetrelHistorySource: rows are
 * built for the messages, grouped by sender and day, with the state icon
 * of outgoing messages; bodies are styled but never interpreted as markup;
 * older pages joining at the top regroup the row that was first; the view
 * opens at the newest message; a correction changes the shown row in
 * place; and the composer's chat states.
 */
#include <adwaita.h>

#include "petrel-chat-view.h"
#include "petrel-composer.h"
#include "petrel-history-source.h"
#include "petrel-message-row.h"

/* A history in memory, oldest first. */
#define FAKE_TYPE_HISTORY (fake_history_get_type ())
G_DECLARE_FINAL_TYPE (FakeHistory, fake_history, FAKE, HISTORY, GObject)

struct _FakeHistory
{
  GObject parent_instance;
  GPtrArray *messages;
};

static void fake_history_iface_init (PetrelHistorySourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeHistory, fake_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PETREL_TYPE_HISTORY_SOURCE, fake_history_iface_init))

static GPtrArray *
fake_load_before (PetrelHistorySource        *source,
                  const PetrelHistoryCursor  *cursor,
                  guint                       limit,
                  GError                    **error)
{
  FakeHistory *self = FAKE_HISTORY (source);
  GPtrArray *page = g_ptr_array_new_with_free_func (g_object_unref);
  guint end = 0;
  guint start;

  while (end < self->messages->len)
    {
      PetrelHistoryCursor c;

      petrel_history_cursor_init_from_message (&c, g_ptr_array_index (self->messages, end));
      if (cursor != NULL && petrel_history_cursor_compare (&c, cursor) >= 0)
        break;
      end++;
    }

  start = end > limit ? end - limit : 0;
  for (guint i = start; i < end; i++)
    g_ptr_array_add (page, g_object_ref (g_ptr_array_index (self->messages, i)));

  return page;
}

static GPtrArray *
fake_load_after (PetrelHistorySource        *source,
                 const PetrelHistoryCursor  *cursor,
                 guint                       limit,
                 GError                    **error)
{
  FakeHistory *self = FAKE_HISTORY (source);
  GPtrArray *page = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->messages->len && page->len < limit; i++)
    {
      PetrelHistoryCursor c;

      petrel_history_cursor_init_from_message (&c, g_ptr_array_index (self->messages, i));
      if (cursor == NULL || petrel_history_cursor_compare (&c, cursor) > 0)
        g_ptr_array_add (page, g_object_ref (g_ptr_array_index (self->messages, i)));
    }

  return page;
}

static void
fake_history_iface_init (PetrelHistorySourceInterface *iface)
{
  iface->load_before = fake_load_before;
  iface->load_after = fake_load_after;
}

static void
fake_history_finalize (GObject *object)
{
  g_ptr_array_unref (FAKE_HISTORY (object)->messages);

  G_OBJECT_CLASS (fake_history_parent_class)->finalize (object);
}

static void
fake_history_class_init (FakeHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_history_finalize;
}

static void
fake_history_init (FakeHistory *self)
{
  self->messages = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Day 0 is 2026-03-02 (UTC noon, so the local day is the same). */
static void
add_message (FakeHistory *history,
             guint        day,
             guint        minute,
             gboolean     outgoing,
             const char  *body,
             const char  *state)
{
  g_autoptr (GDateTime) base = g_date_time_new_utc (2026, 3, 2, 12, 0, 0);
  g_autoptr (GDateTime) time = g_date_time_add_minutes (base, day * 24 * 60 + minute);
  gint64 row_id = history->messages->len + 1;

  g_ptr_array_add (history->messages,
                   g_object_new (PETREL_TYPE_MESSAGE,
                                 "account", "me@example.org",
                                 "from", outgoing ? "me@example.org/petrel" : "bob@example.org/phone",
                                 "to", outgoing ? "bob@example.org" : "me@example.org",
                                 "body", body,
                                 "time", time,
                                 "outgoing", outgoing,
                                 "state", state,
                                 "origin-id", body,
                                 "sort-time", g_date_time_to_unix (time) * G_USEC_PER_SEC,
                                 "row-id", row_id,
                                 NULL));
}

typedef struct
{
  GtkWindow *window;
  PetrelChatView *view;
  FakeHistory *history;
  PetrelMessageList *list;
} Fixture;

static void
fixture_open (Fixture *f,
              guint    page_size,
              int      height)
{
  g_autoptr (GError) error = NULL;

  f->list = g_object_new (PETREL_TYPE_MESSAGE_LIST,
                          "source", f->history,
                          "page-size", page_size,
                          NULL);
  g_assert_true (petrel_message_list_load_newest (f->list, &error));
  g_assert_no_error (error);

  f->window = GTK_WINDOW (gtk_window_new ());
  g_object_ref (f->window);
  gtk_window_set_default_size (f->window, 480, height);
  f->view = g_object_new (PETREL_TYPE_CHAT_VIEW, NULL);
  g_object_ref (f->view);
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  petrel_chat_view_set_conversation (f->view, NULL, "me@example.org", "bob@example.org", "Bob", f->list);

  gtk_window_present (f->window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_close (Fixture *f)
{
  gtk_window_destroy (f->window);
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->view);
  g_assert_finalize_object (f->list);
  g_assert_finalize_object (f->history);
}

/* Lets the list view lay out and bind what it shows. */
static void
settle (Fixture *f)
{
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (PETREL_IS_MESSAGE_ROW (widget))
    {
      if (gtk_widget_get_mapped (widget) && petrel_message_row_get_message (PETREL_MESSAGE_ROW (widget)) != NULL)
        g_ptr_array_add (rows, widget);
      return;
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

static PetrelMessageRow *
find_row (Fixture    *f,
          const char *body)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (f->view), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      PetrelMessage *message = petrel_message_row_get_message (rows->pdata[i]);

      if (g_strcmp0 (petrel_message_get_body (message), body) == 0)
        return rows->pdata[i];
    }

  g_error ("No row shows \"%s\"", body);
  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget  *widget,
                 GType       type,
                 const char *css_class)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type) && (css_class == NULL || gtk_widget_has_css_class (c, css_class)))
        return c;
      found = find_descendant (c, type, css_class);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
row_flag (PetrelMessageRow *row,
          const char       *property)
{
  gboolean value;

  g_object_get (row, property, &value, NULL);
  return value;
}

static const char *
row_body_text (PetrelMessageRow *row)
{
  GtkWidget *label = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (row), PETREL_TYPE_MESSAGE_ROW, "body_label");

  return gtk_label_get_text (GTK_LABEL (label));
}

static void
test_renders_message_list (void)
{
  Fixture f = { 0 };
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  PetrelMessageRow *row;
  GtkWidget *icon;

  f.history = g_object_new (FAKE_TYPE_HISTORY, NULL);
  add_message (f.history, 0, 0, FALSE, "hello", NULL);
  add_message (f.history, 0, 1, FALSE, "are you there?", NULL);
  add_message (f.history, 1, 0, TRUE, "*yes*, sorry", "displayed");
  add_message (f.history, 1, 1, TRUE, "<b>not bold</b> & <a href='file:///etc/passwd'>x</a>", "delivered");
  add_message (f.history, 1, 2, TRUE, "see https://example.org and file:///etc/passwd", "sent");
  add_message (f.history, 1, 3, TRUE, "on its way", "pending");
  add_message (f.history, 1, 4, TRUE, "lost", "failed");
  add_message (f.history, 1, 5, FALSE, "/me waves", NULL);
  fixture_open (&f, 50, 800);
  settle (&f);

  collect_rows (GTK_WIDGET (f.view), rows);
  g_assert_cmpuint (rows->len, ==, 8);

  /* Grouping: a day separator and the sender when either changes. */
  row = find_row (&f, "hello");
  g_assert_true (row_flag (row, "show-day"));
  g_assert_true (row_flag (row, "show-header"));
  row = find_row (&f, "are you there?");
  g_assert_false (row_flag (row, "show-day"));
  g_assert_false (row_flag (row, "show-header"));
  row = find_row (&f, "*yes*, sorry");
  g_assert_true (row_flag (row, "show-day"));
  g_assert_true (row_flag (row, "show-header"));
  row = find_row (&f, "on its way");
  g_assert_false (row_flag (row, "show-day"));
  g_assert_false (row_flag (row, "show-header"));
  row = find_row (&f, "/me waves");
  g_assert_true (row_flag (row, "show-header"));

  /* Styling shows, markup in a body does not. */
  row = find_row (&f, "*yes*, sorry");
  g_assert_cmpstr (row_body_text (row), ==, "*yes*, sorry");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (row), PETREL_TYPE_MESSAGE_ROW, "body_label"))), "<b>"));
  row = find_row (&f, "<b>not bold</b> & <a href='file:///etc/passwd'>x</a>");
  g_assert_cmpstr (row_body_text (row), ==, "<b>not bold</b> & <a href='file:///etc/passwd'>x</a>");
  row = find_row (&f, "see https://example.org and file:///etc/passwd");
  g_assert_cmpstr (row_body_text (row), ==, "see https://example.org and file:///etc/passwd");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (row), PETREL_TYPE_MESSAGE_ROW, "body_label"))),
                            "<a href=\"https://example.org\">"));
  g_assert_null (strstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (row), PETREL_TYPE_MESSAGE_ROW, "body_label"))),
                         "href=\"file:"));
  row = find_row (&f, "/me waves");
  g_assert_cmpstr (row_body_text (row), ==, "* Bob waves");

  /* Delivery state of outgoing messages, incoming have none. */
  icon = find_descendant (GTK_WIDGET (find_row (&f, "on its way")), GTK_TYPE_IMAGE, "message-state");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, "petrel-message-pending-symbolic");
  icon = find_descendant (GTK_WIDGET (find_row (&f, "see https://example.org and file:///etc/passwd")), GTK_TYPE_IMAGE, "message-state");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, "petrel-message-sent-symbolic");
  icon = find_descendant (GTK_WIDGET (find_row (&f, "*yes*, sorry")), GTK_TYPE_IMAGE, "message-state");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, "petrel-message-delivered-symbolic");
  g_assert_true (gtk_widget_has_css_class (icon, "displayed"));
  icon = find_descendant (GTK_WIDGET (find_row (&f, "lost")), GTK_TYPE_IMAGE, "message-state");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, "dialog-warning-symbolic");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "Not sent");
  icon = find_descendant (GTK_WIDGET (find_row (&f, "hello")), GTK_TYPE_IMAGE, "message-state");
  g_assert_false (gtk_widget_get_visible (icon));

  /* A state change reaches the icon. */
  petrel_message_set_state (petrel_message_row_get_message (find_row (&f, "on its way")), "delivered");
  icon = find_descendant (GTK_WIDGET (find_row (&f, "on its way")), GTK_TYPE_IMAGE, "message-state");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, "petrel-message-delivered-symbolic");

  fixture_close (&f);
}

static void
test_older_page_regroups_first_row (void)
{
  Fixture f = { 0 };
  PetrelMessageRow *row;

  f.history = g_object_new (FAKE_TYPE_HISTORY, NULL);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *body = g_strdup_printf ("message %u", i);

      add_message (f.history, 0, i, FALSE, body, NULL);
    }

  /* Four messages do not fill the view: the older page comes by itself,
   * and the row that was first now continues Bob's messages. */
  fixture_open (&f, 4, 800);
  settle (&f);

  g_assert_false (petrel_message_list_get_has_older (f.list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.list)), ==, 8);
  row = find_row (&f, "message 4");
  g_assert_false (row_flag (row, "show-header"));
  g_assert_false (row_flag (row, "show-day"));
  row = find_row (&f, "message 0");
  g_assert_true (row_flag (row, "show-header"));
  g_assert_true (row_flag (row, "show-day"));

  fixture_close (&f);
}

static void
test_opens_at_newest_message (void)
{
  Fixture f = { 0 };
  g_autoptr (PetrelMessage) top = NULL;
  GtkAdjustment *adjustment;
  gint64 end;
  guint n;

  f.history = g_object_new (FAKE_TYPE_HISTORY, NULL);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *body = g_strdup_printf ("line %u", i);

      add_message (f.history, 0, i, i % 3 == 0, body, i % 3 == 0 ? "sent" : NULL);
    }
  fixture_open (&f, 50, 300);

  adjustment = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (f.view), PETREL_TYPE_CHAT_VIEW, "vadjustment");
  end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end
         && gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
              < gtk_adjustment_get_upper (adjustment) - 1)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment),
                     >=, gtk_adjustment_get_upper (adjustment) - 1);
  settle (&f);
  find_row (&f, "line 199");
  /* Small pages, the newest first, until there is more than a screen to
   * scroll up to: never the whole history. */
  g_assert_cmpuint (petrel_message_list_get_page_size (f.list), ==, 10);
  n = g_list_model_get_n_items (G_LIST_MODEL (f.list));
  g_assert_cmpuint (n, >=, 10);
  g_assert_cmpuint (n, <, 200);
  g_assert_cmpuint (n % 10, ==, 0);
  top = g_list_model_get_item (G_LIST_MODEL (f.list), 0);

  /* Scrolling to the top reads the page before. */
  gtk_adjustment_set_value (adjustment, 0);
  settle (&f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.list)), >, n);
  /* …without jumping: the message that was on top is still in view. */
  find_row (&f, petrel_message_get_body (top));

  g_clear_object (&top);
  fixture_close (&f);
}

static void
test_switch_with_focus_in_a_message (void)
{
  Fixture f = { 0 };
  GtkWidget *label;

  f.history = g_object_new (FAKE_TYPE_HISTORY, NULL);
  add_message (f.history, 0, 0, FALSE, "select me", NULL);
  fixture_open (&f, 50, 400);
  settle (&f);

  /* A selectable body has the focus (the user selected text in it);
   * GTK 4.8 warns if it goes away focused with its row. */
  label = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (find_row (&f, "select me")), PETREL_TYPE_MESSAGE_ROW, "body_label");
  g_assert_true (gtk_widget_grab_focus (label));
  petrel_chat_view_set_conversation (f.view, NULL, NULL, NULL, NULL, NULL);
  settle (&f);
  g_assert_null (petrel_chat_view_get_messages (f.view));

  fixture_close (&f);
}

static void
record_state_cb (PetrelComposer *composer,
                 const char     *state,
                 GString        *log)
{
  g_string_append_printf (log, "%s;", state);
}

static void
record_send_cb (PetrelComposer *composer,
                const char     *text,
                GString        *log)
{
  g_string_append_printf (log, "send:%s;", text);
}

static void
test_composer_chat_states_and_send (void)
{
  PetrelComposer *composer = g_object_ref_sink (g_object_new (PETREL_TYPE_COMPOSER, NULL));
  GtkTextView *text_view = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (composer), PETREL_TYPE_COMPOSER, "text_view");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);
  g_autoptr (GString) log = g_string_new (NULL);
  g_autofree char *left = NULL;

  g_signal_connect (composer, "chat-state", G_CALLBACK (record_state_cb), log);
  g_signal_connect (composer, "send", G_CALLBACK (record_send_cb), log);

  /* Several keys, one state. */
  gtk_text_buffer_insert_at_cursor (buffer, "h", -1);
  gtk_text_buffer_insert_at_cursor (buffer, "i", -1);
  gtk_text_buffer_insert_at_cursor (buffer, "\n\n", -1);
  g_assert_cmpstr (petrel_composer_get_chat_state (composer), ==, "composing");

  /* Sent: trailing blank lines go, the message says "active" itself. */
  gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL);
  g_assert_cmpstr (log->str, ==, "composing;send:hi;");
  left = petrel_composer_dup_text (composer);
  g_assert_cmpstr (left, ==, "");
  g_assert_cmpstr (petrel_composer_get_chat_state (composer), ==, "active");

  /* Typing and deleting it all. */
  g_string_truncate (log, 0);
  gtk_text_buffer_set_text (buffer, "draft", -1);
  gtk_text_buffer_set_text (buffer, "", -1);
  g_assert_cmpstr (log->str, ==, "composing;active;");

  /* Leaving while composing pauses. */
  g_string_truncate (log, 0);
  gtk_text_buffer_set_text (buffer, "more", -1);
  petrel_composer_leave (composer);
  g_assert_cmpstr (log->str, ==, "composing;paused;");

  /* Whitespace only is not sent. */
  g_string_truncate (log, 0);
  petrel_composer_set_text (composer, "   \n ");
  gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL);
  g_assert_cmpstr (log->str, ==, "");

  g_assert_finalize_object (composer);
}

/* XEP-0308: a correction of a shown message changes its row at once. */
static void
test_correction_updates_row (void)
{
  Fixture f = { 0 };
  g_autoptr (PetrelMessage) corrected = NULL;
  g_autoptr (GDateTime) base = g_date_time_new_utc (2026, 3, 2, 12, 1, 0);
  PetrelMessageRow *row;
  PetrelMessage *original;

  f.history = g_object_new (FAKE_TYPE_HISTORY, NULL);
  add_message (f.history, 0, 0, FALSE, "hello", NULL);
  add_message (f.history, 0, 1, FALSE, "are you tehre?", NULL);
  add_message (f.history, 0, 2, TRUE, "/me is here", "delivered");
  add_message (f.history, 0, 3, FALSE, "a long message that has to wrap onto several lines in a "
               "window this narrow, because it goes on and on about nothing in particular", NULL);
  fixture_open (&f, 50, 600);
  settle (&f);

  /* Bodies take the row's width and wrap within it. */
  {
    GtkWidget *short_body = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (find_row (&f, "hello")), PETREL_TYPE_MESSAGE_ROW, "body_label");
    GtkWidget *long_body = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (find_row (&f, "a long message that has to wrap onto several lines in a "
                                                                                 "window this narrow, because it goes on and on about nothing in particular")),
                                                          PETREL_TYPE_MESSAGE_ROW, "body_label");

    g_assert_cmpint (gtk_widget_get_width (short_body), >, gtk_widget_get_width (GTK_WIDGET (f.view)) / 2);
    g_assert_cmpint (gtk_widget_get_width (long_body), <=, gtk_widget_get_width (GTK_WIDGET (f.view)));
    g_assert_cmpint (gtk_widget_get_height (long_body), >=, 2 * gtk_widget_get_height (short_body));
  }

  row = find_row (&f, "are you tehre?");
  original = petrel_message_row_get_message (row);
  g_assert_cmpstr (row_body_text (row), ==, "are you tehre?");

  /* What the store hands out for the original once the correction is
   * kept: the same row id and place, the new text. */
  corrected = g_object_new (PETREL_TYPE_MESSAGE,
                            "account", "me@example.org",
                            "from", "bob@example.org/phone",
                            "to", "me@example.org",
                            "body", "are you *there*?",
                            "time", base,
                            "sort-time", petrel_message_get_sort_time (original),
                            "row-id", petrel_message_get_row_id (original),
                            NULL);
  g_assert_true (petrel_message_list_update (f.list, corrected));

  /* The same row, no rebind, styled like any body. */
  g_assert_true (find_row (&f, "are you *there*?") == row);
  g_assert_cmpstr (row_body_text (row), ==, "are you *there*?");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (row), PETREL_TYPE_MESSAGE_ROW, "body_label"))), "<b>"));
  /* The neighbours keep their text. */
  g_assert_cmpstr (row_body_text (find_row (&f, "hello")), ==, "hello");
  g_assert_cmpstr (row_body_text (find_row (&f, "/me is here")), ==, "* Me is here");

  fixture_close (&f);
}

static void
test_accessible_names (void)
{
  Fixture f = { 0 };
  GtkWidget *list_view;
  PetrelComposer *composer;

  f.history = g_object_new (FAKE_TYPE_HISTORY, NULL);
  add_message (f.history, 0, 0, FALSE, "hello", NULL);
  fixture_open (&f, 50, 400);

  list_view = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (f.view), PETREL_TYPE_CHAT_VIEW, "list_view");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (list_view), GTK_ACCESSIBLE_PROPERTY_LABEL, "Messages");
  composer = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (f.view), PETREL_TYPE_CHAT_VIEW, "composer");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_template_child (GTK_WIDGET (composer), PETREL_TYPE_COMPOSER, "text_view")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Message");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_template_child (GTK_WIDGET (composer), PETREL_TYPE_COMPOSER, "send_button")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Send");

  fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/im/petrel/Petrel/icons");

  g_test_add_func ("/ui/chat-view/renders-message-list", test_renders_message_list);
  g_test_add_func ("/ui/chat-view/older-page-regroups-first-row", test_older_page_regroups_first_row);
  g_test_add_func ("/ui/chat-view/opens-at-newest-message", test_opens_at_newest_message);
  g_test_add_func ("/ui/chat-view/switch-with-focus-in-a-message", test_switch_with_focus_in_a_message);
  g_test_add_func ("/ui/chat-view/composer-chat-states-and-send", test_composer_chat_states_and_send);
  g_test_add_func ("/ui/chat-view/correction-updates-row", test_correction_updates_row);
  g_test_add_func ("/ui/chat-view/accessible-names", test_accessible_names);

  return g_test_run ();
}
