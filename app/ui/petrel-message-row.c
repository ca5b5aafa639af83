/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelMessageRow: one message in the chat view (ui/petrel-message-row.ui).
 *
 * The chat view gives it the message and the one before it; from the two
 * the row decides whether it opens a new day (a day separator) and whether
 * the sender changed (the sender's name).  The row sets its labels itself
 * when it gets a message, and again when the message's body (a XEP-0308
 * correction) or delivery state changes: the list view binds rows by the
 * hundred (GTK 4.8 keeps up to 200 alive), and expression bindings cost
 * more than the few labels they would fill.  The day separator's text is
 * only worked out for rows that show one.
 *
 * Links in a body open only when clicked, and only http, https and xmpp
 * (SECURITY.md); an xmpp: URI opens the conversation in Petrel itself.
 */
#define G_LOG_DOMAIN "petrel-message-row"

#include <string.h>

#include <glib/gi18n.h>

#include "petrel-message-row.h"
#include "petrel-styling.h"
#include "petrel-time-format.h"
#include "xmpp-jid.h"

/* Longer bodies are cut for display: a label lays out its whole text, and
 * a 1 MB message would freeze the window.  The stored message is whole. */
#define MAX_DISPLAYED_BODY 20000

/* The width the body asks for, whatever its text; it expands into the
 * rest of the row. */
#define BODY_REQUESTED_WIDTH 48

/*
 * PetrelMessageBody: holds the body label and asks for a fixed width.
 *
 * A wrapping label works out its minimum and natural width by laying its
 * text out twice (wrapped as narrow as it goes, and on one line), every
 * time the list measures a new row; with its height for the row's width
 * and the final layout that is four text shapings per message, and text
 * shaping was most of the time a page of history took to appear.  The
 * body expands into the row anyway, so its width request does not need
 * the text: only its height for the given width is measured.
 */
#define PETREL_TYPE_MESSAGE_BODY (petrel_message_body_get_type ())
G_DECLARE_FINAL_TYPE (PetrelMessageBody, petrel_message_body, PETREL, MESSAGE_BODY, GtkWidget)

struct _PetrelMessageBody
{
  GtkWidget parent_instance;
};

static GtkBuildableIface *body_parent_buildable_iface;

static void petrel_message_body_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PetrelMessageBody, petrel_message_body, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, petrel_message_body_buildable_init))

static void
petrel_message_body_add_child (GtkBuildable *buildable,
                               GtkBuilder   *builder,
                               GObject      *child,
                               const char   *type)
{
  if (GTK_IS_WIDGET (child) && gtk_widget_get_first_child (GTK_WIDGET (buildable)) == NULL)
    gtk_widget_set_parent (GTK_WIDGET (child), GTK_WIDGET (buildable));
  else
    body_parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
petrel_message_body_buildable_init (GtkBuildableIface *iface)
{
  body_parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = petrel_message_body_add_child;
}

static void
petrel_message_body_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (child == NULL || orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = child != NULL ? BODY_REQUESTED_WIDTH : 0;
      return;
    }

  gtk_widget_measure (child, orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

/* The text's height depends on the width it gets. */
static GtkSizeRequestMode
petrel_message_body_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
petrel_message_body_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (child != NULL)
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

static void
petrel_message_body_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (petrel_message_body_parent_class)->dispose (object);
}

static void
petrel_message_body_class_init (PetrelMessageBodyClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = petrel_message_body_dispose;
  widget_class->get_request_mode = petrel_message_body_get_request_mode;
  widget_class->measure = petrel_message_body_measure;
  widget_class->size_allocate = petrel_message_body_size_allocate;
}

static void
petrel_message_body_init (PetrelMessageBody *self)
{
}

struct _PetrelMessageRow
{
  AdwBin parent_instance;

  PetrelMessage *message;
  GDateTime *time;
  char *sender_name;
  char *sender_key;
  gboolean show_header;
  gboolean show_day;

  GtkLabel *day_label;
  GtkLabel *sender_label;
  GtkLabel *body_label;
  GtkLabel *time_label;
  GtkImage *state_icon;
};

G_DEFINE_FINAL_TYPE (PetrelMessageRow, petrel_message_row, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MESSAGE,
  PROP_TIME,
  PROP_SENDER_NAME,
  PROP_SHOW_HEADER,
  PROP_SHOW_DAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Who sent @message, for grouping: "" for our own, the occupant's full
 * JID in a group chat, the bare JID otherwise. */
static char *
dup_sender_key (PetrelMessage *message)
{
  const char *from = petrel_message_get_from (message);
  const char *slash;

  if (petrel_message_get_outgoing (message))
    return g_strdup ("");
  if (from == NULL)
    return g_strdup ("?");
  if (g_strcmp0 (petrel_message_get_message_type (message), "groupchat") == 0)
    return g_strdup (from);

  slash = strchr (from, '/');
  return slash != NULL ? g_strndup (from, slash - from) : g_strdup (from);
}

static char *
dup_sender_name (PetrelMessage *message,
                 const char    *peer_name)
{
  const char *from = petrel_message_get_from (message);
  const char *slash;

  if (petrel_message_get_outgoing (message))
    return g_strdup (_("Me"));

  slash = from != NULL ? strchr (from, '/') : NULL;
  if (g_strcmp0 (petrel_message_get_message_type (message), "groupchat") == 0 && slash != NULL)
    return g_strdup (slash + 1);
  if (peer_name != NULL && *peer_name != '\0')
    return g_strdup (peer_name);

  return from != NULL ? dup_sender_key (message) : g_strdup (_("Unknown"));
}

static GDateTime *
dup_message_time (PetrelMessage *message)
{
  GDateTime *time = petrel_message_get_time (message);
  gint64 sort_time;

  if (time != NULL)
    return g_date_time_ref (time);

  sort_time = petrel_message_get_sort_time (message);
  if (sort_time > 0)
    return g_date_time_new_from_unix_utc (sort_time / G_USEC_PER_SEC);

  return NULL;
}

/**
 * petrel_message_row_dup_body_markup:
 * @message: (nullable): a message
 * @sender: (nullable): the name shown for its sender
 *
 * The body as GtkLabel markup: XEP-0393 styling, safe links, and "/me"
 * (XEP-0245) as "* sender does something" in italics.
 *
 * Returns: (transfer full): the markup
 */
char *
petrel_message_row_dup_body_markup (PetrelMessage *message,
                                    const char    *sender)
{
  const char *body;
  g_autofree char *cut = NULL;
  g_autofree char *styled = NULL;
  g_autofree char *name = NULL;

  if (message == NULL || petrel_message_get_body (message) == NULL)
    return g_strdup ("");

  body = petrel_message_get_body (message);
  if (strlen (body) > MAX_DISPLAYED_BODY)
    {
      const char *end = g_utf8_find_prev_char (body, body + MAX_DISPLAYED_BODY);

      cut = g_strdup_printf ("%.*s…", (int) (end - body), body);
      body = cut;
    }

  if (!g_str_has_prefix (body, "/me "))
    return petrel_styling_to_markup (body, PETREL_STYLING_LINKS);

  styled = petrel_styling_to_markup (body + strlen ("/me "), PETREL_STYLING_LINKS);
  name = g_markup_escape_text (sender != NULL ? sender : "", -1);

  return g_strdup_printf ("<i>* %s %s</i>", name, styled);
}

static const char *
state_icon_name_static (const char *state)
{
  if (g_strcmp0 (state, "pending") == 0)
    return "petrel-message-pending-symbolic";
  if (g_strcmp0 (state, "sent") == 0)
    return "petrel-message-sent-symbolic";
  if (g_strcmp0 (state, "delivered") == 0 || g_strcmp0 (state, "displayed") == 0)
    return "petrel-message-delivered-symbolic";
  if (g_strcmp0 (state, "failed") == 0)
    return "dialog-warning-symbolic";

  return NULL;
}

static const char *
describe_state (const char *state)
{
  if (g_strcmp0 (state, "pending") == 0)
    return _("Waiting to be sent");
  if (g_strcmp0 (state, "sent") == 0)
    return _("Sent");
  if (g_strcmp0 (state, "delivered") == 0)
    return _("Delivered");
  if (g_strcmp0 (state, "displayed") == 0)
    return _("Read");
  if (g_strcmp0 (state, "failed") == 0)
    return _("Not sent");

  return NULL;
}

static gboolean
activate_link_cb (GtkLabel         *label,
                  const char       *uri,
                  PetrelMessageRow *self)
{
  g_autofree char *scheme = NULL;

  /* Nothing unsafe is linked, but a link is a click away from the
   * system: check again, and swallow anything else. */
  if (!petrel_styling_is_safe_uri (uri))
    return TRUE;

  scheme = g_uri_parse_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "xmpp") == 0)
    {
      /* xmpp:jid[?query] (RFC 5122): open a chat with that JID on the
       * account the message arrived on. */
      g_autofree char *jid_text = g_strndup (uri + strlen ("xmpp:"), strcspn (uri + strlen ("xmpp:"), "?#"));
      g_autofree char *unescaped = g_uri_unescape_string (jid_text, NULL);
      g_autoptr (XmppJid) jid = unescaped != NULL ? xmpp_jid_parse (unescaped, NULL) : NULL;

      if (jid == NULL || self->message == NULL || petrel_message_get_account (self->message) == NULL)
        return TRUE;

      gtk_widget_activate_action (GTK_WIDGET (self), "app.open-conversation", "(ss)",
                                  petrel_message_get_account (self->message),
                                  xmpp_jid_get_bare_string (jid));
      return TRUE;
    }

  /* http and https: GtkLabel's own handler opens the browser. */
  return FALSE;
}

/* The delivery state: icon, tooltip, style class and the words for
 * screen readers. */
static void
update_state (PetrelMessageRow *self)
{
  const char *state = self->message != NULL ? petrel_message_get_state (self->message) : NULL;
  const char *words = describe_state (state);
  const char *classes[] = { "message-state", state, NULL };

  gtk_widget_set_visible (GTK_WIDGET (self->state_icon),
                          self->message != NULL && petrel_message_get_outgoing (self->message));
  gtk_image_set_from_icon_name (self->state_icon, state_icon_name_static (state));
  gtk_widget_set_css_classes (GTK_WIDGET (self->state_icon), (const char **) classes);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, words != NULL ? words : "",
                                  -1);
}

static void
update_body (PetrelMessageRow *self)
{
  g_autofree char *markup = petrel_message_row_dup_body_markup (self->message, self->sender_name);

  if (g_strcmp0 (gtk_label_get_label (self->body_label), markup) != 0)
    gtk_label_set_markup (self->body_label, markup);
}

static void
update_time (PetrelMessageRow *self)
{
  g_autofree char *clock = self->time != NULL ? petrel_time_format_clock (self->time) : NULL;

  gtk_label_set_text (self->time_label, clock != NULL ? clock : "");
}

/* Tooltips are asked for when the pointer rests on the time or the state
 * icon.  Setting a tooltip's text on every bind would cost a round trip
 * to the display server per row (GTK looks for the pointer each time a
 * tooltip changes). */
static gboolean
time_query_tooltip_cb (GtkWidget        *widget,
                       int               x,
                       int               y,
                       gboolean          keyboard_mode,
                       GtkTooltip       *tooltip,
                       PetrelMessageRow *self)
{
  g_autofree char *full = NULL;

  if (self->time == NULL)
    return FALSE;

  full = petrel_time_format_full (self->time);
  gtk_tooltip_set_text (tooltip, full);
  return full != NULL;
}

static gboolean
state_query_tooltip_cb (GtkWidget        *widget,
                        int               x,
                        int               y,
                        gboolean          keyboard_mode,
                        GtkTooltip       *tooltip,
                        PetrelMessageRow *self)
{
  const char *words = self->message != NULL ? describe_state (petrel_message_get_state (self->message)) : NULL;

  if (words == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, words);
  return TRUE;
}

static void
update_day (PetrelMessageRow *self)
{
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *day = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->day_label), self->message != NULL && self->show_day);
  if (self->message == NULL || !self->show_day || self->time == NULL)
    return;

  now = g_date_time_new_now_local ();
  day = petrel_time_format_day (self->time, now);
  gtk_label_set_text (self->day_label, day != NULL ? day : "");
}

static void
state_changed_cb (PetrelMessage    *message,
                  GParamSpec       *pspec,
                  PetrelMessageRow *self)
{
  update_state (self);
}

static void
body_changed_cb (PetrelMessage    *message,
                 GParamSpec       *pspec,
                 PetrelMessageRow *self)
{
  update_body (self);
}

/* Returns whether the flag changed. */
static gboolean
set_flag (PetrelMessageRow *self,
          gboolean         *field,
          gboolean          value,
          guint             prop)
{
  if (*field == value)
    return FALSE;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

void
petrel_message_row_set_previous (PetrelMessageRow *self,
                                 PetrelMessage    *previous)
{
  g_autoptr (GDateTime) previous_time = NULL;
  g_autofree char *previous_key = NULL;
  gboolean new_day;

  g_return_if_fail (PETREL_IS_MESSAGE_ROW (self));
  g_return_if_fail (previous == NULL || PETREL_IS_MESSAGE (previous));

  if (self->message == NULL)
    return;

  if (previous != NULL)
    {
      previous_time = dup_message_time (previous);
      previous_key = dup_sender_key (previous);
    }

  new_day = previous == NULL || !petrel_time_same_day (previous_time, self->time);
  if (set_flag (self, &self->show_day, new_day, PROP_SHOW_DAY) || new_day)
    update_day (self);
  set_flag (self, &self->show_header,
            new_day || g_strcmp0 (previous_key, self->sender_key) != 0,
            PROP_SHOW_HEADER);
  gtk_widget_set_visible (GTK_WIDGET (self->sender_label), self->show_header);
}

/**
 * petrel_message_row_set_message:
 * @message: (nullable): the message to show
 * @previous: (nullable): the message before it in the list
 * @peer_name: (nullable): the name of the chat's peer
 */
void
petrel_message_row_set_message (PetrelMessageRow *self,
                                PetrelMessage    *message,
                                PetrelMessage    *previous,
                                const char       *peer_name)
{
  g_autofree char *sender_name = NULL;

  g_return_if_fail (PETREL_IS_MESSAGE_ROW (self));
  g_return_if_fail (message == NULL || PETREL_IS_MESSAGE (message));

  if (self->message != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->message, state_changed_cb, self);
      g_signal_handlers_disconnect_by_func (self->message, body_changed_cb, self);
    }

  if (g_set_object (&self->message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);

  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_pointer (&self->sender_key, g_free);
  if (message != NULL)
    {
      self->time = dup_message_time (message);
      self->sender_key = dup_sender_key (message);
      sender_name = dup_sender_name (message, peer_name);
      g_signal_connect (message, "notify::state", G_CALLBACK (state_changed_cb), self);
      g_signal_connect (message, "notify::body", G_CALLBACK (body_changed_cb), self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME]);

  if (g_strcmp0 (self->sender_name, sender_name) != 0)
    {
      g_free (self->sender_name);
      self->sender_name = g_steal_pointer (&sender_name);
      gtk_label_set_text (self->sender_label, self->sender_name != NULL ? self->sender_name : "");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENDER_NAME]);
    }

  if (message == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->day_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->sender_label), FALSE);
      update_state (self);
      return;
    }

  update_body (self);
  update_time (self);
  update_state (self);
  /* Shows or hides the day separator and the sender. */
  self->show_day = !self->show_day;
  petrel_message_row_set_previous (self, previous);
}

PetrelMessage *
petrel_message_row_get_message (PetrelMessageRow *self)
{
  g_return_val_if_fail (PETREL_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}

static void
petrel_message_row_dispose (GObject *object)
{
  PetrelMessageRow *self = PETREL_MESSAGE_ROW (object);

  if (self->message != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->message, state_changed_cb, self);
      g_signal_handlers_disconnect_by_func (self->message, body_changed_cb, self);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_MESSAGE_ROW);
  g_clear_object (&self->message);

  G_OBJECT_CLASS (petrel_message_row_parent_class)->dispose (object);
}

static void
petrel_message_row_finalize (GObject *object)
{
  PetrelMessageRow *self = PETREL_MESSAGE_ROW (object);

  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->sender_name);
  g_free (self->sender_key);

  G_OBJECT_CLASS (petrel_message_row_parent_class)->finalize (object);
}

static void
petrel_message_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PetrelMessageRow *self = PETREL_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE: g_value_set_object (value, self->message); break;
    case PROP_TIME: g_value_set_boxed (value, self->time); break;
    case PROP_SENDER_NAME: g_value_set_string (value, self->sender_name); break;
    case PROP_SHOW_HEADER: g_value_set_boolean (value, self->show_header); break;
    case PROP_SHOW_DAY: g_value_set_boolean (value, self->show_day); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_message_row_class_init (PetrelMessageRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags     ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = petrel_message_row_dispose;
  object_class->finalize = petrel_message_row_finalize;
  object_class->get_property = petrel_message_row_get_property;

  properties[PROP_MESSAGE] = g_param_spec_object ("message", NULL, NULL, PETREL_TYPE_MESSAGE, ro);
  properties[PROP_TIME] = g_param_spec_boxed ("time", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_SENDER_NAME] = g_param_spec_string ("sender-name", NULL, NULL, NULL, ro);
  properties[PROP_SHOW_HEADER] = g_param_spec_boolean ("show-header", NULL, NULL, TRUE, ro);
  properties[PROP_SHOW_DAY] = g_param_spec_boolean ("show-day", NULL, NULL, TRUE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PETREL_TYPE_MESSAGE);
  g_type_ensure (PETREL_TYPE_MESSAGE_BODY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelMessageRow, day_label);
  gtk_widget_class_bind_template_child (widget_class, PetrelMessageRow, sender_label);
  gtk_widget_class_bind_template_child (widget_class, PetrelMessageRow, body_label);
  gtk_widget_class_bind_template_child (widget_class, PetrelMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, PetrelMessageRow, state_icon);
  gtk_widget_class_bind_template_callback (widget_class, activate_link_cb);
  gtk_widget_class_bind_template_callback (widget_class, time_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, state_query_tooltip_cb);
}

static void
petrel_message_row_init (PetrelMessageRow *self)
{
  self->show_header = TRUE;
  self->show_day = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
}

PetrelMessageRow *
petrel_message_row_new (void)
{
  return g_object_new (PETREL_TYPE_MESSAGE_ROW, NULL);
}
