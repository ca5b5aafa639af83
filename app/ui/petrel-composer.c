/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelComposer: where a message is written (ui/petrel-composer.ui).
 *
 * Enter sends, Shift+Enter starts a new line.  Enter goes to the input
 * method first, so an IME that is composing (CJK, dead keys) commits its
 * text instead of sending half a word.
 *
 * It also decides the chat state (XEP-0085 §5) from typing, and tells it
 * through "chat-state" only when it changes:
 *
 *   active ──type──▶ composing ──5 s without typing──▶ paused
 *     ▲                 │  ▲                               │
 *     │                 │  └────────────type───────────────┘
 *     └──text cleared───┘  (or sent: the message itself says active)
 *
 * So a long message costs two or three state stanzas, not one per key.
 */
#define G_LOG_DOMAIN "petrel-composer"

#include <glib/gi18n.h>

#include "petrel-composer.h"

#define PAUSE_SECONDS 5

struct _PetrelComposer
{
  AdwBin parent_instance;

  GtkTextView *text_view;
  GtkWidget *placeholder;

  const char *chat_state; /* static string */
  guint pause_id;
  gboolean setting_text;
};

G_DEFINE_FINAL_TYPE (PetrelComposer, petrel_composer, ADW_TYPE_BIN)

enum {
  SIGNAL_SEND,
  SIGNAL_CHAT_STATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GtkTextBuffer *
get_buffer (PetrelComposer *self)
{
  return gtk_text_view_get_buffer (self->text_view);
}

static void
set_chat_state (PetrelComposer *self,
                const char     *state,
                gboolean        tell)
{
  if (g_strcmp0 (self->chat_state, state) == 0)
    return;

  self->chat_state = state;
  if (tell)
    g_signal_emit (self, signals[SIGNAL_CHAT_STATE], 0, state);
}

static gboolean
pause_timeout_cb (gpointer user_data)
{
  PetrelComposer *self = user_data;

  self->pause_id = 0;
  set_chat_state (self, "paused", TRUE);

  return G_SOURCE_REMOVE;
}

static gboolean
buffer_has_text (PetrelComposer *self)
{
  GtkTextIter start;
  GtkTextIter end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (get_buffer (self), &start, &end);
  text = gtk_text_buffer_get_text (get_buffer (self), &start, &end, FALSE);

  return *g_strstrip (text) != '\0';
}

static void
buffer_changed_cb (GtkTextBuffer  *buffer,
                   PetrelComposer *self)
{
  gboolean has_text = buffer_has_text (self);

  gtk_widget_set_visible (self->placeholder, gtk_text_buffer_get_char_count (buffer) == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send", has_text);

  if (self->setting_text)
    return;

  g_clear_handle_id (&self->pause_id, g_source_remove);
  if (has_text)
    {
      set_chat_state (self, "composing", TRUE);
      self->pause_id = g_timeout_add_seconds (PAUSE_SECONDS, pause_timeout_cb, self);
    }
  else
    {
      set_chat_state (self, "active", TRUE);
    }
}

static void
set_text_quietly (PetrelComposer *self,
                  const char     *text)
{
  self->setting_text = TRUE;
  gtk_text_buffer_set_text (get_buffer (self), text != NULL ? text : "", -1);
  self->setting_text = FALSE;
}

static void
send_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PetrelComposer *self = PETREL_COMPOSER (widget);
  g_autofree char *text = petrel_composer_dup_text (self);

  /* Trailing blank lines are never meant; leading spaces may be (code). */
  g_strchomp (text);
  if (*text == '\0')
    return;

  g_clear_handle_id (&self->pause_id, g_source_remove);
  set_text_quietly (self, NULL);
  set_chat_state (self, "active", FALSE);

  g_signal_emit (self, signals[SIGNAL_SEND], 0, text);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                PetrelComposer        *self)
{
  GdkEvent *event;

  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return FALSE;

  /* Shift+Enter (and Ctrl/Alt+Enter) is the text view's: a new line. */
  if ((state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  if (event != NULL && gtk_text_view_im_context_filter_keypress (self->text_view, event))
    return TRUE;

  gtk_widget_activate_action (GTK_WIDGET (self), "composer.send", NULL);
  return TRUE;
}

/**
 * petrel_composer_dup_text:
 *
 * Returns: (transfer full): what is written
 */
char *
petrel_composer_dup_text (PetrelComposer *self)
{
  GtkTextIter start;
  GtkTextIter end;

  g_return_val_if_fail (PETREL_IS_COMPOSER (self), NULL);

  gtk_text_buffer_get_bounds (get_buffer (self), &start, &end);
  return gtk_text_buffer_get_text (get_buffer (self), &start, &end, FALSE);
}

/* Replaces the text (a draft coming back) without any chat state. */
void
petrel_composer_set_text (PetrelComposer *self,
                          const char     *text)
{
  g_return_if_fail (PETREL_IS_COMPOSER (self));

  g_clear_handle_id (&self->pause_id, g_source_remove);
  set_text_quietly (self, text);
  self->chat_state = "active";
}

/* "active", "composing" or "paused" */
const char *
petrel_composer_get_chat_state (PetrelComposer *self)
{
  g_return_val_if_fail (PETREL_IS_COMPOSER (self), NULL);

  return self->chat_state;
}

/**
 * petrel_composer_leave:
 *
 * The user goes to another conversation: a message being written is
 * paused for the peer (XEP-0085 §5.4), and the state starts over.
 */
void
petrel_composer_leave (PetrelComposer *self)
{
  g_return_if_fail (PETREL_IS_COMPOSER (self));

  g_clear_handle_id (&self->pause_id, g_source_remove);
  if (g_strcmp0 (self->chat_state, "composing") == 0)
    set_chat_state (self, "paused", TRUE);
  self->chat_state = "active";
}

void
petrel_composer_focus (PetrelComposer *self)
{
  g_return_if_fail (PETREL_IS_COMPOSER (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static gboolean
petrel_composer_grab_focus (GtkWidget *widget)
{
  PetrelComposer *self = PETREL_COMPOSER (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
petrel_composer_dispose (GObject *object)
{
  PetrelComposer *self = PETREL_COMPOSER (object);

  g_clear_handle_id (&self->pause_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_COMPOSER);

  G_OBJECT_CLASS (petrel_composer_parent_class)->dispose (object);
}

static void
petrel_composer_class_init (PetrelComposerClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = petrel_composer_dispose;
  widget_class->grab_focus = petrel_composer_grab_focus;

  /**
   * PetrelComposer::send:
   * @text: the message, without trailing whitespace
   */
  signals[SIGNAL_SEND] =
    g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * PetrelComposer::chat-state:
   * @state: "active", "composing" or "paused" (XEP-0085)
   */
  signals[SIGNAL_CHAT_STATE] =
    g_signal_new ("chat-state", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelComposer, text_view);
  gtk_widget_class_bind_template_child (widget_class, PetrelComposer, placeholder);
  gtk_widget_class_bind_template_child_full (widget_class, "send_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, buffer_changed_cb);

  gtk_widget_class_install_action (widget_class, "composer.send", NULL, send_action_cb);
}

static void
petrel_composer_init (PetrelComposer *self)
{
  self->chat_state = "active";

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send", FALSE);
}
