/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-message"

#include "petrel-message.h"
#include "petrel-model-private.h"

/* The account and the state are one of a few values shared by every
 * message, so they are interned rather than copied per message (never
 * text from the network, which could grow the table without end). */
struct _PetrelMessage
{
  GObject parent_instance;

  const char *account; /* interned */
  char *from;
  char *to;
  char *type;
  char *id;
  char *body;
  GDateTime *time;
  char *origin_id;
  char *stanza_id;
  gboolean outgoing;
  const char *state; /* interned */
  gint64 sort_time;
  gint64 row_id;
};

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_FROM,
  PROP_TO,
  PROP_TYPE,
  PROP_ID,
  PROP_BODY,
  PROP_TIME,
  PROP_ORIGIN_ID,
  PROP_STANZA_ID,
  PROP_OUTGOING,
  PROP_STATE,
  PROP_SORT_TIME,
  PROP_ROW_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PetrelMessage, petrel_message, G_TYPE_OBJECT)

static void
petrel_message_finalize (GObject *object)
{
  PetrelMessage *self = PETREL_MESSAGE (object);

  g_free (self->from);
  g_free (self->to);
  g_free (self->type);
  g_free (self->id);
  g_free (self->body);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->origin_id);
  g_free (self->stanza_id);

  G_OBJECT_CLASS (petrel_message_parent_class)->finalize (object);
}

static void
petrel_message_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PetrelMessage *self = PETREL_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT: g_value_set_string (value, self->account); break;
    case PROP_FROM: g_value_set_string (value, self->from); break;
    case PROP_TO: g_value_set_string (value, self->to); break;
    case PROP_TYPE: g_value_set_string (value, self->type); break;
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_BODY: g_value_set_string (value, self->body); break;
    case PROP_TIME: g_value_set_boxed (value, self->time); break;
    case PROP_ORIGIN_ID: g_value_set_string (value, self->origin_id); break;
    case PROP_STANZA_ID: g_value_set_string (value, self->stanza_id); break;
    case PROP_OUTGOING: g_value_set_boolean (value, self->outgoing); break;
    case PROP_STATE: g_value_set_string (value, self->state); break;
    case PROP_SORT_TIME: g_value_set_int64 (value, self->sort_time); break;
    case PROP_ROW_ID: g_value_set_int64 (value, self->row_id); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_message_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PetrelMessage *self = PETREL_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT: self->account = g_intern_string (g_value_get_string (value)); break;
    case PROP_FROM: self->from = g_value_dup_string (value); break;
    case PROP_TO: self->to = g_value_dup_string (value); break;
    case PROP_TYPE: self->type = g_value_dup_string (value); break;
    case PROP_ID: self->id = g_value_dup_string (value); break;
    case PROP_BODY: petrel_message_set_body (self, g_value_get_string (value)); break;
    case PROP_TIME: self->time = g_value_dup_boxed (value); break;
    case PROP_ORIGIN_ID: self->origin_id = g_value_dup_string (value); break;
    case PROP_STANZA_ID: self->stanza_id = g_value_dup_string (value); break;
    case PROP_OUTGOING: self->outgoing = g_value_get_boolean (value); break;
    case PROP_STATE: petrel_message_set_state (self, g_value_get_string (value)); break;
    case PROP_SORT_TIME: self->sort_time = g_value_get_int64 (value); break;
    case PROP_ROW_ID: self->row_id = g_value_get_int64 (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_message_class_init (PetrelMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = petrel_message_finalize;
  object_class->get_property = petrel_message_get_property;
  object_class->set_property = petrel_message_set_property;

  properties[PROP_ACCOUNT] = g_param_spec_string ("account", NULL, NULL, NULL, flags);
  properties[PROP_FROM] = g_param_spec_string ("from", NULL, NULL, NULL, flags);
  properties[PROP_TO] = g_param_spec_string ("to", NULL, NULL, NULL, flags);
  properties[PROP_TYPE] = g_param_spec_string ("type", NULL, NULL, "chat", flags);
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  /* Changes when a correction (XEP-0308) replaces the text. */
  properties[PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TIME] = g_param_spec_boxed ("time", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_ORIGIN_ID] = g_param_spec_string ("origin-id", NULL, NULL, NULL, flags);
  properties[PROP_STANZA_ID] = g_param_spec_string ("stanza-id", NULL, NULL, NULL, flags);
  properties[PROP_OUTGOING] = g_param_spec_boolean ("outgoing", NULL, NULL, FALSE, flags);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SORT_TIME] =
    g_param_spec_int64 ("sort-time", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_ROW_ID] =
    g_param_spec_int64 ("row-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
petrel_message_init (PetrelMessage *self)
{
}

PetrelMessage *
petrel_message_new (const char *account,
                    const char *from,
                    const char *to,
                    const char *type,
                    const char *id,
                    const char *body,
                    GDateTime  *time)
{
  g_autoptr(GDateTime) now = time ? g_date_time_ref (time) : g_date_time_new_now_utc ();

  return g_object_new (PETREL_TYPE_MESSAGE,
                       "account", account, "from", from, "to", to, "type", type,
                       "id", id, "body", body, "time", now, NULL);
}

const char *petrel_message_get_account (PetrelMessage *self) { return self->account; }
const char *petrel_message_get_from (PetrelMessage *self) { return self->from; }
const char *petrel_message_get_to (PetrelMessage *self) { return self->to; }
const char *petrel_message_get_message_type (PetrelMessage *self) { return self->type; }
const char *petrel_message_get_id (PetrelMessage *self) { return self->id; }
const char *petrel_message_get_body (PetrelMessage *self) { return self->body; }
GDateTime *petrel_message_get_time (PetrelMessage *self) { return self->time; }
const char *petrel_message_get_origin_id (PetrelMessage *self) { return self->origin_id; }
const char *petrel_message_get_stanza_id (PetrelMessage *self) { return self->stanza_id; }
gboolean petrel_message_get_outgoing (PetrelMessage *self) { return self->outgoing; }
const char *petrel_message_get_state (PetrelMessage *self) { return self->state; }

/* @state: (nullable): pending, sent, delivered, displayed or failed */
void
petrel_message_set_state (PetrelMessage *self,
                          const char    *state)
{
  g_return_if_fail (PETREL_IS_MESSAGE (self));

  state = g_intern_string (state);
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

/**
 * petrel_message_set_body:
 * @body: (nullable): the text to show now, e.g. the newest correction's
 *
 * Replaces the text (XEP-0308 Last Message Correction); views showing
 * the message follow "notify::body".
 */
void
petrel_message_set_body (PetrelMessage *self,
                         const char    *body)
{
  g_return_if_fail (PETREL_IS_MESSAGE (self));

  if (petrel_model_set_str (&self->body, body))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BODY]);
}

gint64
petrel_message_get_sort_time (PetrelMessage *self)
{
  g_return_val_if_fail (PETREL_IS_MESSAGE (self), 0);

  return self->sort_time;
}

gint64
petrel_message_get_row_id (PetrelMessage *self)
{
  g_return_val_if_fail (PETREL_IS_MESSAGE (self), 0);

  return self->row_id;
}
