/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XEP-0198: Stream Management; the state machine is drawn in the header. */
#define G_LOG_DOMAIN "xep-0198-sm"

#include "xep-0198-sm.h"

#include <stdlib.h>

#include "xmpp-error.h"

/* Coalesce the <r/> after a burst of stanzas into one. */
#define BURST_DELAY_MS 50
/* While something is unacknowledged, ask again this often. */
#define PERIODIC_SECONDS 10
/* §5: an SM-ID SHOULD NOT be longer than 4000 bytes. */
#define MAX_ID_LENGTH 4000

struct _XmppSm
{
  GObject parent_instance;

  XmppClient *client;
  gulong disconnected_id;

  gboolean enabling;
  gboolean enabled;
  char *id;
  gboolean resumable;
  guint max_seconds;
  gint64 detached_at;
  XmppJid *bound;

  guint32 out_count;
  guint32 acked;
  guint32 in_count;
  GQueue unacked;
  /* An <r/> is on its way and its <a/> has not come back yet. */
  gboolean ack_requested;

  guint burst_id;
  guint periodic_id;
};

enum {
  SIGNAL_ACKED,
  SIGNAL_ENABLED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (XmppSm, xmpp_sm, G_TYPE_OBJECT)

static void detach (XmppSm *self);

static void
drop_queue (XmppSm *self)
{
  g_queue_clear_full (&self->unacked, (GDestroyNotify) xmpp_node_unref);
}

static void
forget_session (XmppSm *self)
{
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->bound, xmpp_jid_unref);
  self->resumable = FALSE;
  self->enabled = FALSE;
  self->enabling = FALSE;
  self->ack_requested = FALSE;
  self->in_count = 0;
}

static void
xmpp_sm_dispose (GObject *object)
{
  XmppSm *self = XMPP_SM (object);

  detach (self);
  drop_queue (self);

  G_OBJECT_CLASS (xmpp_sm_parent_class)->dispose (object);
}

static void
xmpp_sm_finalize (GObject *object)
{
  XmppSm *self = XMPP_SM (object);

  forget_session (self);

  G_OBJECT_CLASS (xmpp_sm_parent_class)->finalize (object);
}

static void
xmpp_sm_class_init (XmppSmClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xmpp_sm_dispose;
  object_class->finalize = xmpp_sm_finalize;

  signals[SIGNAL_ACKED] =
    g_signal_new ("acked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_ENABLED] =
    g_signal_new ("enabled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
xmpp_sm_init (XmppSm *self)
{
  g_queue_init (&self->unacked);
}

XmppSm *
xmpp_sm_new (void)
{
  return g_object_new (XMPP_TYPE_SM, NULL);
}

/* Acks (§4) */

static void
send_element (XmppSm     *self,
              const char *name,
              const char *h)
{
  g_autoptr(XmppNode) node = xmpp_node_new (name, XMPP_NS_SM);

  if (h != NULL)
    xmpp_node_set_attr (node, "h", h);
  xmpp_client_send_nonza (self->client, node);
}

void
xmpp_sm_request_ack (XmppSm *self)
{
  g_return_if_fail (XMPP_IS_SM (self));

  /* Not while <enable/> is unanswered: after a <failed/> the server would
   * take an <r/> for a protocol error.  <enabled/> asks then (§4).  One
   * request at a time: the answer to it counts everything sent so far, so
   * more would only make the server count and answer again. */
  if (self->client == NULL || !self->enabled || self->ack_requested)
    return;

  self->ack_requested = TRUE;
  send_element (self, "r", NULL);
}

static gboolean
parse_h (const XmppNode *node,
         guint32        *h)
{
  const char *text = xmpp_node_get_attr (node, "h");
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &value, NULL))
    return FALSE;

  *h = (guint32) value;
  return TRUE;
}

/* Whether @h counts more stanzas than were ever sent: above the last
 * confirmed count by more than is outstanding, and nearer above it than
 * below it (below would be a stale count; all modulo 2^32, §4). */
static gboolean
ack_too_high (XmppSm  *self,
              guint32  h)
{
  guint32 outstanding = g_queue_get_length (&self->unacked);
  guint32 newly = h - self->acked;

  return newly > outstanding && (guint32) (self->acked - h) >= newly;
}

/* Applies the server's count of handled stanzas.  Returns FALSE when the
 * count is impossible (§4: an error on the server's side); then nothing
 * is released, because nothing it says can be trusted. */
static gboolean
apply_ack (XmppSm  *self,
           guint32  h)
{
  guint32 outstanding = g_queue_get_length (&self->unacked);
  guint32 newly = h - self->acked;   /* modulo 2^32 (§4) */

  /* A valid count lies between what was confirmed and what was sent. */
  if (newly > outstanding)
    {
      /* Below the last count: stale, it confirms nothing.  Above what was
       * sent: a broken or hostile server.  Releasing the queue in either
       * case would mark messages as delivered that the server never took. */
      if (ack_too_high (self, h))
        g_debug ("the server acknowledged %u stanzas, only %u are outstanding", newly, outstanding);
      else
        g_debug ("the server acknowledged up to %u after it had confirmed %u", h, self->acked);
      return FALSE;
    }

  for (guint32 i = 0; i < newly; i++)
    {
      g_autoptr(XmppNode) stanza = g_queue_pop_head (&self->unacked);

      g_signal_emit (self, signals[SIGNAL_ACKED], 0, stanza);
    }
  self->acked += newly;

  return TRUE;
}

/* §4: "If an entity receives an 'h' value higher than the number of
 * stanzas it has sent, it MUST respond with a stream error" —
 * <undefined-condition/> with <handled-count-too-high/>.  The session is
 * not resumed either: its counts are broken. */
static void
fail_count_too_high (XmppSm  *self,
                     guint32  h)
{
  g_autoptr(XmppNode) too_high = xmpp_node_new ("handled-count-too-high", XMPP_NS_SM);
  g_autofree char *h_text = g_strdup_printf ("%u", h);
  g_autofree char *sent_text = g_strdup_printf ("%u", self->out_count);
  g_autoptr(XmppClient) client = g_object_ref (self->client);

  xmpp_node_set_attr (too_high, "h", h_text);
  xmpp_node_set_attr (too_high, "send-count", sent_text);
  forget_session (self);
  xmpp_client_fail_stream (client, "undefined-condition", too_high,
                           "The server acknowledged more stanzas than were sent");
}

static gboolean
burst_cb (gpointer user_data)
{
  XmppSm *self = user_data;

  self->burst_id = 0;
  if (!g_queue_is_empty (&self->unacked))
    xmpp_sm_request_ack (self);

  return G_SOURCE_REMOVE;
}

static gboolean
periodic_cb (gpointer user_data)
{
  XmppSm *self = user_data;

  if (!g_queue_is_empty (&self->unacked))
    xmpp_sm_request_ack (self);

  return G_SOURCE_CONTINUE;
}

/* Client hooks */

static void
stanza_sent (gpointer        data,
             const XmppNode *stanza)
{
  XmppSm *self = data;

  if (!self->enabled && !self->enabling)
    return;

  g_queue_push_tail (&self->unacked, xmpp_node_copy (stanza));
  self->out_count++;
  if (self->burst_id == 0)
    self->burst_id = g_timeout_add (BURST_DELAY_MS, burst_cb, self);
}

static void
stanza_handled (gpointer        data,
                const XmppNode *stanza)
{
  XmppSm *self = data;

  if (self->enabled)
    self->in_count++;
}

static void
handle_enabled (XmppSm   *self,
                XmppNode *enabled)
{
  const char *resume = xmpp_node_get_attr (enabled, "resume");
  const char *max = xmpp_node_get_attr (enabled, "max");
  const char *id = xmpp_node_get_attr (enabled, "id");
  guint64 seconds = 0;

  self->enabling = FALSE;
  self->enabled = TRUE;
  self->resumable = (g_strcmp0 (resume, "true") == 0 || g_strcmp0 (resume, "1") == 0) &&
                    id != NULL && *id != '\0' && strlen (id) <= MAX_ID_LENGTH;
  g_free (self->id);
  self->id = self->resumable ? g_strdup (id) : NULL;
  if (max != NULL && g_ascii_string_to_unsigned (max, 10, 0, G_MAXUINT, &seconds, NULL))
    self->max_seconds = (guint) seconds;
  else
    self->max_seconds = 0;

  g_clear_pointer (&self->bound, xmpp_jid_unref);
  self->bound = xmpp_jid_ref (xmpp_client_get_jid (self->client));

  g_debug ("stream management enabled%s", self->resumable ? " with resumption" : "");
  /* Stanzas sent while enabling wait for an <r/> the burst timer could
   * not send yet. */
  if (!g_queue_is_empty (&self->unacked) && self->burst_id == 0)
    xmpp_sm_request_ack (self);
  g_signal_emit (self, signals[SIGNAL_ENABLED], 0, self->resumable);
}

static gboolean
nonza (gpointer  data,
       XmppNode *element)
{
  XmppSm *self = data;
  const char *name = xmpp_node_get_name (element);
  guint32 h;

  if (g_strcmp0 (xmpp_node_get_ns (element), XMPP_NS_SM) != 0)
    return FALSE;

  if (g_str_equal (name, "r"))
    {
      g_autofree char *count = g_strdup_printf ("%u", self->in_count);

      if (self->enabled)
        send_element (self, "a", count);
    }
  else if (g_str_equal (name, "a"))
    {
      if (!self->enabled || !parse_h (element, &h))
        return TRUE;
      self->ack_requested = FALSE;
      if (ack_too_high (self, h))
        fail_count_too_high (self, h);
      else
        apply_ack (self, h);
    }
  else if (g_str_equal (name, "enabled"))
    {
      if (self->enabling)
        handle_enabled (self, element);
    }
  else if (g_str_equal (name, "failed"))
    {
      if (self->enabling)
        {
          /* No stream management on this connection: nothing gets acked,
           * the caller confirms delivery some other way. */
          forget_session (self);
          drop_queue (self);
          g_signal_emit (self, signals[SIGNAL_FAILED], 0);
        }
    }

  return TRUE;
}

static gboolean
probe (gpointer data)
{
  XmppSm *self = data;

  if (!self->enabled)
    return FALSE;

  /* An unanswered <r/> is already a probe: whatever the server sends
   * back counts as a sign of life. */
  xmpp_sm_request_ack (self);
  return TRUE;
}

static const XmppClientHooks hooks = {
  .stanza_sent = stanza_sent,
  .stanza_handled = stanza_handled,
  .nonza = nonza,
  .probe = probe,
};

/* Attaching */

static void
detach (XmppSm *self)
{
  g_clear_handle_id (&self->burst_id, g_source_remove);
  g_clear_handle_id (&self->periodic_id, g_source_remove);

  if (self->client == NULL)
    return;

  g_clear_signal_handler (&self->disconnected_id, self->client);
  xmpp_client_set_hooks (self->client, NULL, NULL);
  g_clear_object (&self->client);
  self->detached_at = g_get_monotonic_time ();
  self->enabling = FALSE;
  self->ack_requested = FALSE;
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 gpointer      user_data)
{
  detach (user_data);
}

void
xmpp_sm_attach (XmppSm     *self,
                XmppClient *client)
{
  g_return_if_fail (XMPP_IS_SM (self));
  g_return_if_fail (XMPP_IS_CLIENT (client));

  detach (self);
  self->client = g_object_ref (client);
  xmpp_client_set_hooks (client, &hooks, self);
  self->disconnected_id = g_signal_connect (client, "disconnected", G_CALLBACK (disconnected_cb), self);
  self->periodic_id = g_timeout_add_seconds (PERIODIC_SECONDS, periodic_cb, self);
}

gboolean
xmpp_sm_enable (XmppSm *self)
{
  g_autoptr(XmppNode) enable = NULL;

  g_return_val_if_fail (XMPP_IS_SM (self), FALSE);
  g_return_val_if_fail (self->client != NULL, FALSE);

  /* A fresh session: whatever the old one did not acknowledge was taken
   * by the caller or is lost with it. */
  forget_session (self);
  drop_queue (self);
  self->out_count = 0;
  self->acked = 0;

  if (xmpp_client_get_stream_feature (self->client, "sm", XMPP_NS_SM) == NULL)
    return FALSE;

  enable = xmpp_node_new ("enable", XMPP_NS_SM);
  xmpp_node_set_attr (enable, "resume", "true");
  xmpp_client_send_nonza (self->client, enable);
  /* §4: the server counts from the moment it receives <enable/>. */
  self->enabling = TRUE;

  return TRUE;
}

gboolean
xmpp_sm_is_enabled (XmppSm *self)
{
  g_return_val_if_fail (XMPP_IS_SM (self), FALSE);

  return self->enabled && self->client != NULL;
}

gboolean
xmpp_sm_can_resume (XmppSm *self)
{
  gint64 elapsed;

  g_return_val_if_fail (XMPP_IS_SM (self), FALSE);

  if (!self->resumable || self->id == NULL || self->bound == NULL)
    return FALSE;
  if (self->max_seconds == 0 || self->detached_at == 0)
    return TRUE;

  elapsed = g_get_monotonic_time () - self->detached_at;
  return elapsed < (gint64) self->max_seconds * G_USEC_PER_SEC;
}

XmppJid *
xmpp_sm_get_bound_jid (XmppSm *self)
{
  g_return_val_if_fail (XMPP_IS_SM (self), NULL);

  return self->bound;
}

XmppNode *
xmpp_sm_build_resume (XmppSm *self)
{
  g_autofree char *h = NULL;
  XmppNode *resume;

  g_return_val_if_fail (XMPP_IS_SM (self), NULL);
  g_return_val_if_fail (self->id != NULL, NULL);

  h = g_strdup_printf ("%u", self->in_count);
  resume = xmpp_node_new ("resume", XMPP_NS_SM);
  xmpp_node_set_attr (resume, "h", h);
  xmpp_node_set_attr (resume, "previd", self->id);

  return resume;
}

gboolean
xmpp_sm_handle_resume_answer (XmppSm    *self,
                              XmppNode  *answer,
                              GError   **error)
{
  guint32 h;

  g_return_val_if_fail (XMPP_IS_SM (self), FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  if (xmpp_node_is (answer, "resumed", XMPP_NS_SM))
    {
      if (g_strcmp0 (xmpp_node_get_attr (answer, "previd"), self->id) != 0 || !parse_h (answer, &h))
        {
          g_set_error_literal (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL,
                               "The server resumed a different session");
          forget_session (self);
          return FALSE;
        }
      if (!apply_ack (self, h))
        {
          g_set_error_literal (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL,
                               "The server acknowledged stanzas that were never sent");
          forget_session (self);
          return FALSE;
        }
      self->enabled = TRUE;
      return TRUE;
    }

  /* <failed/>, possibly with the count of what it did handle (§5). */
  if (parse_h (answer, &h))
    apply_ack (self, h);
  forget_session (self);

  return FALSE;
}

void
xmpp_sm_forget_resumption (XmppSm *self)
{
  g_return_if_fail (XMPP_IS_SM (self));

  forget_session (self);
}

void
xmpp_sm_resend (XmppSm *self)
{
  GQueue pending = G_QUEUE_INIT;

  g_return_if_fail (XMPP_IS_SM (self));
  g_return_if_fail (self->client != NULL);

  /* The server has everything up to `acked`; what follows goes again and
   * is queued and counted anew. */
  pending = self->unacked;
  g_queue_init (&self->unacked);
  self->out_count = self->acked;

  while (!g_queue_is_empty (&pending))
    {
      g_autoptr(XmppNode) stanza = g_queue_pop_head (&pending);

      xmpp_client_send (self->client, stanza);
    }
}

GPtrArray *
xmpp_sm_take_unacked (XmppSm *self)
{
  GPtrArray *stanzas;

  g_return_val_if_fail (XMPP_IS_SM (self), NULL);

  stanzas = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_node_unref);
  while (!g_queue_is_empty (&self->unacked))
    g_ptr_array_add (stanzas, g_queue_pop_head (&self->unacked));

  return stanzas;
}

guint
xmpp_sm_get_unacked_count (XmppSm *self)
{
  g_return_val_if_fail (XMPP_IS_SM (self), 0);

  return g_queue_get_length (&self->unacked);
}

void
xmpp_sm_reset (XmppSm *self)
{
  g_return_if_fail (XMPP_IS_SM (self));

  detach (self);
  forget_session (self);
  drop_queue (self);
  self->out_count = 0;
  self->acked = 0;
}

void
xmpp_sm_set_counters_for_testing (XmppSm  *self,
                                  guint32  outbound,
                                  guint32  inbound)
{
  g_return_if_fail (XMPP_IS_SM (self));
  g_return_if_fail (g_queue_is_empty (&self->unacked));

  self->out_count = outbound;
  self->acked = outbound;
  self->in_count = inbound;
}
