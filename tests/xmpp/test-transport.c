/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppStream over an XmppTransport: open then restart, elements handed
 * over whole and in order, the protocol log with secrets masked, one
 * close, the transport's keepalive; and the small helpers of
 * xmpp-transport.h.
 */
#include "xmpp-error.h"
#include "xmpp-stream.h"
#include "xmpp-transport.h"

/* A transport that records what the stream asks of it and serves events
 * the test queues. */
#define TEST_TYPE_TRANSPORT (test_transport_get_type ())
G_DECLARE_FINAL_TYPE (TestTransport, test_transport, TEST, TRANSPORT, GObject)

struct _TestTransport
{
  GObject parent_instance;
  GPtrArray *calls;    /* "open to from", "restart …", "send <xml>", "close", "keepalive" */
  GQueue events;       /* XmppNode (STANZA), or NULL for STREAM_CLOSE */
  GTask *read_task;
};

static void test_transport_iface_init (XmppTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestTransport, test_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (XMPP_TYPE_TRANSPORT,
                                                      test_transport_iface_init))

static void
test_transport_finalize (GObject *object)
{
  TestTransport *self = TEST_TRANSPORT (object);

  g_ptr_array_unref (self->calls);
  g_queue_clear_full (&self->events, (GDestroyNotify) xmpp_node_unref);
  G_OBJECT_CLASS (test_transport_parent_class)->finalize (object);
}

static void
test_transport_class_init (TestTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_transport_finalize;
}

static void
test_transport_init (TestTransport *self)
{
  self->calls = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->events);
}

static void
record_open (XmppTransport *transport,
             const char    *what,
             const char    *to,
             const char    *from)
{
  g_ptr_array_add (TEST_TRANSPORT (transport)->calls,
                   g_strdup_printf ("%s %s %s", what, to, from ? from : "-"));
}

static void
tt_open (XmppTransport *t, const char *to, const char *from)
{
  record_open (t, "open", to, from);
}

static void
tt_restart (XmppTransport *t, const char *to, const char *from)
{
  record_open (t, "restart", to, from);
}

static void
tt_send (XmppTransport  *t,
         const XmppNode *element)
{
  g_autofree char *xml = xmpp_node_to_string (element);

  g_ptr_array_add (TEST_TRANSPORT (t)->calls, g_strconcat ("send ", xml, NULL));
}

static void
serve (TestTransport *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->read_task == NULL || g_queue_is_empty (&self->events))
    return;
  task = g_steal_pointer (&self->read_task);
  g_task_return_pointer (task, g_queue_pop_head (&self->events), NULL);
}

static void
tt_read_async (XmppTransport       *t,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  TestTransport *self = TEST_TRANSPORT (t);

  self->read_task = g_task_new (t, cancellable, callback, user_data);
  serve (self);
}

static XmppReaderEvent
tt_read_finish (XmppTransport  *t,
                GAsyncResult   *result,
                XmppNode      **node,
                GError        **error)
{
  XmppNode *n = g_task_propagate_pointer (G_TASK (result), error);

  if (n == NULL)
    return XMPP_READER_EVENT_STREAM_CLOSE;
  *node = n;
  return xmpp_node_is (n, "open", "urn:ietf:params:xml:ns:xmpp-framing")
           ? XMPP_READER_EVENT_STREAM_OPEN : XMPP_READER_EVENT_STANZA;
}

static void
tt_flush_async (XmppTransport       *t,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (t, cancellable, callback, user_data);

  g_ptr_array_add (TEST_TRANSPORT (t)->calls, g_strdup ("flush"));
  g_task_return_boolean (task, TRUE);
}

static gboolean
tt_flush_finish (XmppTransport *t, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
tt_close (XmppTransport *t)
{
  g_ptr_array_add (TEST_TRANSPORT (t)->calls, g_strdup ("close"));
}

static void
tt_keepalive (XmppTransport *t)
{
  g_ptr_array_add (TEST_TRANSPORT (t)->calls, g_strdup ("keepalive"));
}

static gboolean
tt_is_secure (XmppTransport *t)
{
  return TRUE;
}

static guint64
tt_bytes_in (XmppTransport *t)
{
  return 7;
}

static guint64
tt_bytes_out (XmppTransport *t)
{
  return 11;
}

static void
test_transport_iface_init (XmppTransportInterface *iface)
{
  iface->open_stream = tt_open;
  iface->restart_stream = tt_restart;
  iface->send = tt_send;
  iface->read_async = tt_read_async;
  iface->read_finish = tt_read_finish;
  iface->flush_async = tt_flush_async;
  iface->flush_finish = tt_flush_finish;
  iface->close = tt_close;
  iface->keepalive = tt_keepalive;
  iface->is_secure = tt_is_secure;
  iface->get_bytes_in = tt_bytes_in;
  iface->get_bytes_out = tt_bytes_out;
}

/* The tests */

static void
log_cb (gboolean    incoming,
        const char *text,
        gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strconcat (incoming ? "<< " : ">> ", text, NULL));
}

typedef struct
{
  gboolean done;
  XmppReaderEvent event;
  XmppNode *node;
} Read;

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Read *r = user_data;

  r->event = xmpp_stream_read_finish (XMPP_STREAM (source), result, &r->node, NULL);
  r->done = TRUE;
}

static void
flush_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  gboolean *ok = user_data;

  *ok = xmpp_stream_flush_finish (XMPP_STREAM (source), result, NULL);
}

static void
test_stream_over_transport (void)
{
  g_autoptr(TestTransport) transport = g_object_new (TEST_TYPE_TRANSPORT, NULL);
  g_autoptr(XmppStream) stream = NULL;
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(XmppNode) auth = NULL;
  g_autoptr(XmppNode) message = NULL;
  Read r = { 0 };
  gboolean flushed = FALSE;

  stream = xmpp_stream_new_for_transport (XMPP_TRANSPORT (transport));
  xmpp_stream_set_log_func (stream, log_cb, log);
  g_assert_true (xmpp_stream_get_transport (stream) == XMPP_TRANSPORT (transport));
  g_assert_null (xmpp_stream_get_base (stream));
  g_assert_true (xmpp_stream_is_tls (stream));
  g_assert_null (xmpp_stream_dup_channel_binding (stream, G_TLS_CHANNEL_BINDING_TLS_EXPORTER));
  g_assert_cmpuint (xmpp_stream_get_bytes_in (stream), ==, 7);
  g_assert_cmpuint (xmpp_stream_get_bytes_out (stream), ==, 11);

  /* First open, then restarts. */
  xmpp_stream_open (stream, "example.org", NULL);
  auth = xmpp_node_new ("auth", "urn:ietf:params:xml:ns:xmpp-sasl");
  xmpp_node_set_attr (auth, "mechanism", "PLAIN");
  xmpp_node_set_text (auth, "AGFsaWNlAHNlY3JldA==");
  xmpp_stream_send (stream, auth);
  xmpp_stream_open (stream, "example.org", "alice@example.org");
  message = xmpp_node_new ("message", XMPP_NS_CLIENT);
  xmpp_stream_send (stream, message);
  xmpp_stream_keepalive (stream);
  xmpp_stream_flush_async (stream, NULL, flush_cb, &flushed);
  while (!flushed)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (transport->calls->len, ==, 6);
  g_assert_cmpstr (g_ptr_array_index (transport->calls, 0), ==, "open example.org -");
  /* The transport gets the element itself, secret included… */
  g_assert_true (strstr (g_ptr_array_index (transport->calls, 1), "AGFsaWNlAHNlY3JldA==") != NULL);
  g_assert_cmpstr (g_ptr_array_index (transport->calls, 2), ==,
                   "restart example.org alice@example.org");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (transport->calls, 3), "send <message"));
  g_assert_cmpstr (g_ptr_array_index (transport->calls, 4), ==, "keepalive");
  g_assert_cmpstr (g_ptr_array_index (transport->calls, 5), ==, "flush");

  /* …the log never does, and shows the RFC 7395 framing. */
  for (guint i = 0; i < log->len; i++)
    g_assert_null (strstr (g_ptr_array_index (log, i), "AGFsaWNlAHNlY3JldA=="));
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==,
                   ">> <open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' "
                   "version='1.0'/>");
  g_assert_true (strstr (g_ptr_array_index (log, 1), "[masked]") != NULL);

  /* Reads pass the transport's events on, and log them. */
  g_queue_push_tail (&transport->events, xmpp_node_new ("presence", XMPP_NS_CLIENT));
  g_queue_push_tail (&transport->events, NULL);
  xmpp_stream_read_async (stream, NULL, read_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (r.event, ==, XMPP_READER_EVENT_STANZA);
  g_assert_true (xmpp_node_is (r.node, "presence", XMPP_NS_CLIENT));
  g_clear_pointer (&r.node, xmpp_node_unref);
  r.done = FALSE;
  xmpp_stream_read_async (stream, NULL, read_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (r.event, ==, XMPP_READER_EVENT_STREAM_CLOSE);
  g_assert_cmpstr (g_ptr_array_index (log, log->len - 2), ==, "<< <presence/>");

  /* One close; nothing is sent after it. */
  xmpp_stream_close (stream);
  xmpp_stream_close (stream);
  xmpp_stream_send (stream, message);
  xmpp_stream_keepalive (stream);
  g_assert_cmpuint (transport->calls->len, ==, 7);
  g_assert_cmpstr (g_ptr_array_index (transport->calls, 6), ==, "close");
}

static void
test_kind_names (void)
{
  static const char * const names[] = { "auto", "tcp", "websocket", "bosh" };
  XmppTransportKind kind;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (xmpp_transport_kind_from_string (names[i], &kind));
      g_assert_cmpstr (xmpp_transport_kind_to_string (kind), ==, names[i]);
    }
  g_assert_true (xmpp_transport_kind_from_string (NULL, &kind));
  g_assert_cmpint (kind, ==, XMPP_TRANSPORT_AUTO);
  g_assert_true (xmpp_transport_kind_from_string ("WebSocket", &kind));
  g_assert_cmpint (kind, ==, XMPP_TRANSPORT_WEBSOCKET);
  g_assert_false (xmpp_transport_kind_from_string ("ws", &kind));
}

static void
test_unreachable (void)
{
  static const struct { GQuark domain; int code; gboolean unreachable; } cases[] = {
    { 0, XMPP_STREAM_ERROR_DNS, TRUE },
    { 0, XMPP_STREAM_ERROR_REFUSED, TRUE },
    { 0, XMPP_STREAM_ERROR_TIMEOUT, TRUE },
    { 0, XMPP_STREAM_ERROR_IO, TRUE },
    { 0, XMPP_STREAM_ERROR_TLS, FALSE },
    { 0, XMPP_STREAM_ERROR_NO_TLS, FALSE },
    { 0, XMPP_STREAM_ERROR_CONDITION, FALSE },
    { 0, XMPP_STREAM_ERROR_PROTOCOL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (XMPP_STREAM_ERROR, cases[i].code, "x");

      g_assert_cmpint (xmpp_transport_error_is_unreachable (error), ==, cases[i].unreachable);
    }

  {
    g_autoptr(GError) insecure = g_error_new_literal (XMPP_TRANSPORT_ERROR,
                                                      XMPP_TRANSPORT_ERROR_INSECURE_URL, "x");
    g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                                                     "x");

    /* Only classified errors count: a raw one might hide anything. */
    g_assert_false (xmpp_transport_error_is_unreachable (insecure));
    g_assert_false (xmpp_transport_error_is_unreachable (refused));
    g_assert_false (xmpp_transport_error_is_unreachable (NULL));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/transport/stream", test_stream_over_transport);
  g_test_add_func ("/transport/kind-names", test_kind_names);
  g_test_add_func ("/transport/unreachable", test_unreachable);

  return g_test_run ();
}
