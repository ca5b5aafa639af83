/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The scripted in-memory peer; see scripted-peer.h.
 *
 * Steps run one at a time.  A step that needs I/O (a read for an expect, a
 * write, the TLS handshake) marks the peer busy and continues from its
 * callback; the peer reads only while an expect step waits, so the socket
 * is idle between <proceed/> and the handshake, as on a real server.
 */
#define G_LOG_DOMAIN "scripted-peer"
#define _GNU_SOURCE  /* memmem() */

#include "scripted-peer.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xmpp-reader.h"
#include "xmpp-writer.h"

#define READ_CHUNK 16384

#define NS_PING "urn:xmpp:ping"

#ifndef SCRIPTED_PEER_SRCDIR
#error "SCRIPTED_PEER_SRCDIR must name tests/lib"
#endif

typedef enum
{
  STEP_EXPECT,
  STEP_EXPECT_OPEN,
  STEP_EXPECT_CHECK,
  STEP_EXPECT_CLOSE,
  STEP_EXPECT_EOF,
  STEP_SEND,
  STEP_START_TLS,
  STEP_CLOSE,
} StepKind;

typedef struct
{
  StepKind          kind;
  char             *text; /* the pattern or the XML to send */
  XmppNode         *pattern;
  ScriptedPeerCheck check;
  gpointer          check_data;
  GDestroyNotify    check_destroy;
  gboolean          expect_failure; /* start_tls: the client must refuse */
  gboolean          started;
  GBytes           *out; /* send: the bytes in flight */
} Step;

typedef struct
{
  XmppReaderEvent event;
  XmppNode       *node;
} Event;

struct _ScriptedPeer
{
  GSocketConnection *client_conn;
  GSocketConnection *server_conn;
  GIOStream         *io; /* server_conn, or the TLS connection over it */
  GTlsConnection    *tls;
  GCancellable      *cancellable;

  XmppReader *reader;
  GQueue      events;    /* parsed, not yet expected */
  gboolean    in_stream; /* the reader has seen a stream header */
  gboolean    eof;

  GQueue   steps;
  guint    step_no;
  gboolean busy;
  guint    pending_ops;
  GError  *error;

  guint8      buf[READ_CHUNK];
  GByteArray *received;
  GPtrArray  *elements;
  char       *last_id;
  guint       n_syncs;
  guint       n_opens;

  gint64 deadline; /* monotonic; the whole test must end by then */
};

static void advance (ScriptedPeer *self);

/*
 * AddressSanitizer reads this at start-up.  GCC 12's LeakSanitizer crashes
 * at exit ("Tracer caught signal 11", a garbage DTLS range) once a thread
 * of GLib's pool has used the dynamic TLS of a dlopen()ed module, which the
 * TLS handshakes here do through glib-networking and GnuTLS.  Not tracking
 * __tls_get_addr avoids the crash; leak checking itself stays on.  Without
 * ASan nothing calls this.
 */
const char *__asan_default_options (void);

G_GNUC_UNUSED const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}

static void
step_free (Step *step)
{
  if (step->check_destroy != NULL)
    step->check_destroy (step->check_data);
  g_clear_pointer (&step->pattern, xmpp_node_unref);
  g_clear_pointer (&step->out, g_bytes_unref);
  g_free (step->text);
  g_free (step);
}

static void
event_free (Event *event)
{
  g_clear_pointer (&event->node, xmpp_node_unref);
  g_free (event);
}

static const char *
step_name (StepKind kind)
{
  switch (kind)
    {
    case STEP_EXPECT:
      return "expect";
    case STEP_EXPECT_OPEN:
      return "expect_open";
    case STEP_EXPECT_CHECK:
      return "expect_check";
    case STEP_EXPECT_CLOSE:
      return "expect_close";
    case STEP_EXPECT_EOF:
      return "expect_eof";
    case STEP_SEND:
      return "send";
    case STEP_START_TLS:
      return "start_tls";
    case STEP_CLOSE:
      return "close";
    default:
      g_assert_not_reached ();
    }
}

/* Files */

const char *
scripted_peer_get_ca_file (void)
{
  return SCRIPTED_PEER_SRCDIR "/localhost-cert.pem";
}

static const char *
get_key_file (void)
{
  return SCRIPTED_PEER_SRCDIR "/localhost-key.pem";
}

/* Patterns */

XmppNode *
scripted_parse (const char *pattern)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppNode) root = NULL;
  g_autofree char *wrapped = NULL;

  /* Inside a wrapper that declares what a client stream declares, so the
   * pattern inherits jabber:client and may use the stream: prefix. */
  wrapped = g_strdup_printf ("<wrapper xmlns='" XMPP_NS_CLIENT "'"
                             " xmlns:stream='" XMPP_NS_STREAM "'>%s</wrapper>",
                             pattern);
  root = xmpp_node_parse (wrapped, -1, &error);
  if (root == NULL)
    g_error ("bad pattern %s: %s", pattern, error->message);
  if (xmpp_node_get_n_children (root) != 1)
    g_error ("a pattern must be exactly one element: %s", pattern);

  return xmpp_node_ref (xmpp_node_get_child_at (root, 0));
}

static gboolean
match_at (const XmppNode *pattern,
          const XmppNode *actual,
          GString        *path,
          GString        *why)
{
  gsize       path_len = path->len;
  const char *text;

  g_string_append_printf (path, "/%s", xmpp_node_get_name (pattern));

  /* xmpp_node_is() treats a NULL namespace as a wildcard: compare exactly. */
  if (g_strcmp0 (xmpp_node_get_name (pattern), xmpp_node_get_name (actual)) != 0 ||
      g_strcmp0 (xmpp_node_get_ns (pattern), xmpp_node_get_ns (actual)) != 0)
    {
      if (why != NULL)
        g_string_append_printf (why, "%s: element {%s}%s instead of {%s}%s", path->str,
                                xmpp_node_get_ns (actual), xmpp_node_get_name (actual),
                                xmpp_node_get_ns (pattern), xmpp_node_get_name (pattern));
      return FALSE;
    }

  for (guint i = 0; i < xmpp_node_get_n_attrs (pattern); i++)
    {
      const char *name, *value, *got;

      xmpp_node_get_attr_at (pattern, i, &name, &value);
      got = xmpp_node_get_attr (actual, name);
      if (got == NULL || (!g_str_equal (value, "*") && !g_str_equal (value, got)))
        {
          if (why != NULL)
            g_string_append_printf (why, "%s: attribute %s is %s%s%s instead of '%s'",
                                    path->str, name, got ? "'" : "", got ? got : "missing",
                                    got ? "'" : "", value);
          return FALSE;
        }
    }
  for (guint i = 0; i < xmpp_node_get_n_attrs (actual); i++)
    {
      const char *name, *value;

      xmpp_node_get_attr_at (actual, i, &name, &value);
      if (xmpp_node_get_attr (pattern, name) == NULL)
        {
          if (why != NULL)
            g_string_append_printf (why, "%s: unexpected attribute %s='%s'", path->str, name,
                                    value);
          return FALSE;
        }
    }

  text = xmpp_node_get_text (pattern);
  if (!g_str_equal (text, "*") && !g_str_equal (text, xmpp_node_get_text (actual)))
    {
      if (why != NULL)
        g_string_append_printf (why, "%s: text '%s' instead of '%s'", path->str,
                                xmpp_node_get_text (actual), text);
      return FALSE;
    }

  if (xmpp_node_get_n_children (pattern) != xmpp_node_get_n_children (actual))
    {
      if (why != NULL)
        g_string_append_printf (why, "%s: %u children instead of %u", path->str,
                                xmpp_node_get_n_children (actual),
                                xmpp_node_get_n_children (pattern));
      return FALSE;
    }
  for (guint i = 0; i < xmpp_node_get_n_children (pattern); i++)
    {
      if (!match_at (xmpp_node_get_child_at (pattern, i), xmpp_node_get_child_at (actual, i),
                     path, why))
        return FALSE;
    }

  g_string_truncate (path, path_len);
  return TRUE;
}

gboolean
scripted_match (const XmppNode *pattern,
                const XmppNode *actual,
                GString        *why)
{
  g_autoptr (GString) path = g_string_new (NULL);

  g_return_val_if_fail (pattern != NULL, FALSE);
  g_return_val_if_fail (actual != NULL, FALSE);

  return match_at (pattern, actual, path, why);
}

/* Failing */

static char *
describe_node (const XmppNode *node)
{
  g_autoptr (GString) out = g_string_new (NULL);

  xmpp_writer_append (out, node, XMPP_NS_CLIENT);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
fail_step (ScriptedPeer *self,
           const char   *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
fail_step (ScriptedPeer *self,
           const char   *format,
           ...)
{
  g_autofree char *message = NULL;
  Step            *step = g_queue_peek_head (&self->steps);
  va_list          args;

  if (self->error != NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  self->error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "step %u (%s%s%s): %s",
                             self->step_no + 1, step ? step_name (step->kind) : "none",
                             step && step->text ? " " : "",
                             step && step->text ? step->text : "", message);
  g_cancellable_cancel (self->cancellable);
}

static void
step_done (ScriptedPeer *self)
{
  step_free (g_queue_pop_head (&self->steps));
  self->step_no++;
}

/* Reading */

static void
drain_reader (ScriptedPeer *self)
{
  XmppReaderEvent kind;
  XmppNode       *node = NULL;

  while ((kind = xmpp_reader_pop (self->reader, &node)) != XMPP_READER_EVENT_NONE)
    {
      Event *event = g_new0 (Event, 1);

      event->event = kind;
      event->node = node;
      if (kind == XMPP_READER_EVENT_STREAM_OPEN)
        self->in_stream = TRUE;
      if (node != NULL)
        g_ptr_array_add (self->elements, xmpp_node_ref (node));
      g_queue_push_tail (&self->events, event);
      node = NULL;
    }
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScriptedPeer *self = user_data;
  g_autoptr (GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  self->pending_ops--;
  self->busy = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (n <= 0)
    {
      /* A clean close, a TLS connection ended without close_notify, or a
       * reset: the client is gone either way. */
      if (error != NULL)
        g_debug ("read ended: %s", error->message);
      self->eof = TRUE;
    }
  else
    {
      g_byte_array_append (self->received, self->buf, n);
      if (!xmpp_reader_feed (self->reader, (const char *) self->buf, n, &error))
        {
          drain_reader (self);
          fail_step (self, "the client sent bad XML: %s", error->message);
          return;
        }
      drain_reader (self);
    }

  advance (self);
}

static void
start_read (ScriptedPeer *self)
{
  self->busy = TRUE;
  self->pending_ops++;
  g_input_stream_read_async (g_io_stream_get_input_stream (self->io), self->buf, READ_CHUNK,
                             G_PRIORITY_DEFAULT, self->cancellable, read_cb, self);
}

/* Expecting */

static void
remember_id (ScriptedPeer   *self,
             const XmppNode *node)
{
  g_free (self->last_id);
  self->last_id = g_strdup (xmpp_node_get_attr (node, "id"));
}

static const char *
describe_event (const Event *event,
                char       **to_free)
{
  switch (event->event)
    {
    case XMPP_READER_EVENT_STREAM_OPEN:
      return "a new stream header";
    case XMPP_READER_EVENT_STREAM_CLOSE:
      return "</stream:stream>";
    case XMPP_READER_EVENT_STANZA:
      *to_free = describe_node (event->node);
      return *to_free;
    case XMPP_READER_EVENT_NONE:
    default:
      g_assert_not_reached ();
    }
}

static void push_send (ScriptedPeer *self,
                       char         *xml);

/* Returns whether the step is complete (matched or failed). */
static gboolean
run_expect (ScriptedPeer *self,
            Step         *step)
{
  g_autofree char *got = NULL;
  g_autoptr (GString) why = NULL;
  Event *event;

  if (step->kind == STEP_EXPECT_OPEN && !step->started && self->in_stream)
    {
      /* A stream restart (after SASL success): the parser starts over. */
      if (!g_queue_is_empty (&self->events))
        {
          event = g_queue_peek_head (&self->events);
          fail_step (self, "the client sent %s before restarting the stream",
                     describe_event (event, &got));
          return TRUE;
        }
      xmpp_reader_reset (self->reader);
      self->in_stream = FALSE;
    }
  step->started = TRUE;

  event = g_queue_pop_head (&self->events);
  if (event == NULL)
    {
      if (self->eof)
        {
          if (step->kind != STEP_EXPECT_EOF)
            fail_step (self, "the client closed the connection");
          return TRUE;
        }
      start_read (self);
      return FALSE;
    }

  why = g_string_new (NULL);
  switch (step->kind)
    {
    case STEP_EXPECT:
      if (event->event != XMPP_READER_EVENT_STANZA)
        fail_step (self, "the client sent %s", describe_event (event, &got));
      else if (!scripted_match (step->pattern, event->node, why))
        fail_step (self, "the client sent %s (%s)", describe_event (event, &got), why->str);
      else
        remember_id (self, event->node);
      break;

    case STEP_EXPECT_OPEN:
      if (event->event != XMPP_READER_EVENT_STREAM_OPEN)
        fail_step (self, "the client sent %s", describe_event (event, &got));
      else if (!scripted_match (step->pattern, event->node, why))
        fail_step (self, "the client sent a stream header %s (%s)",
                   describe_event (event, &got), why->str);
      break;

    case STEP_EXPECT_CHECK:
      if (event->event != XMPP_READER_EVENT_STANZA)
        {
          fail_step (self, "the client sent %s", describe_event (event, &got));
        }
      else
        {
          g_autoptr (GError) error = NULL;
          char *reply = NULL;

          remember_id (self, event->node);
          if (!step->check (self, event->node, &reply, step->check_data, &error))
            {
              fail_step (self, "the client sent %s (%s)", describe_event (event, &got),
                         error ? error->message : "rejected");
            }
          else if (reply != NULL)
            {
              /* The reply goes out before any later step. */
              step_done (self);
              push_send (self, reply);
              event_free (event);
              return FALSE;
            }
        }
      break;

    case STEP_EXPECT_CLOSE:
      if (event->event != XMPP_READER_EVENT_STREAM_CLOSE)
        fail_step (self, "the client sent %s", describe_event (event, &got));
      break;

    case STEP_EXPECT_EOF:
      fail_step (self, "the client sent %s", describe_event (event, &got));
      break;

    case STEP_SEND:
    case STEP_START_TLS:
    case STEP_CLOSE:
    default:
      g_assert_not_reached ();
    }

  event_free (event);
  return TRUE;
}

/* Sending */

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  ScriptedPeer *self = user_data;
  g_autoptr (GError) error = NULL;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  self->pending_ops--;
  self->busy = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      fail_step (self, "write failed: %s", error->message);
      return;
    }

  step_done (self);
  advance (self);
}

static void
run_send (ScriptedPeer *self,
          Step         *step)
{
  g_autoptr (GString) text = g_string_new (step->text);
  gsize       len;
  const void *data;

  /* "$id" answers the element matched last. */
  g_string_replace (text, "$id", self->last_id ? self->last_id : "", 0);
  step->out = g_string_free_to_bytes (g_steal_pointer (&text));
  data = g_bytes_get_data (step->out, &len);

  self->busy = TRUE;
  self->pending_ops++;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->io), data, len,
                                   G_PRIORITY_DEFAULT, self->cancellable, write_cb, self);
}

/* TLS */

static void
handshake_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ScriptedPeer *self = user_data;
  g_autoptr (GError) error = NULL;
  Step    *step;
  gboolean ok;

  ok = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);
  self->pending_ops--;
  self->busy = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  step = g_queue_peek_head (&self->steps);
  if (step->expect_failure)
    {
      if (ok)
        {
          fail_step (self, "the client accepted a certificate it must refuse");
          return;
        }
      /* The client gave up; nothing more can be read in the clear. */
      g_debug ("handshake failed as expected: %s", error->message);
      self->eof = TRUE;
    }
  else if (!ok)
    {
      fail_step (self, "TLS handshake failed: %s", error->message);
      return;
    }
  else
    {
      g_set_object (&self->io, G_IO_STREAM (source));
      g_set_object (&self->tls, G_TLS_CONNECTION (source));
    }

  step_done (self);
  advance (self);
}

static void
run_start_tls (ScriptedPeer *self,
               Step         *step)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) cert = NULL;
  g_autoptr (GIOStream) tls = NULL;
  g_autofree char *got = NULL;

  /* RFC 6120 §5.4.3.3: the client sends nothing between <starttls/> and
   * the handshake. */
  if (!g_queue_is_empty (&self->events))
    {
      fail_step (self, "the client sent %s before the TLS handshake",
                 describe_event (g_queue_peek_head (&self->events), &got));
      return;
    }

  cert = g_tls_certificate_new_from_files (scripted_peer_get_ca_file (), get_key_file (), &error);
  if (cert == NULL)
    g_error ("cannot load the test certificate: %s", error->message);
  tls = g_tls_server_connection_new (G_IO_STREAM (self->server_conn), cert, &error);
  if (tls == NULL)
    g_error ("TLS is not available (glib-networking missing?): %s", error->message);

  xmpp_reader_reset (self->reader);
  self->in_stream = FALSE;

  self->busy = TRUE;
  self->pending_ops++;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    self->cancellable, handshake_cb, self);
}

/* The engine */

static void
advance (ScriptedPeer *self)
{
  while (!self->busy && self->error == NULL && !g_queue_is_empty (&self->steps))
    {
      Step *step = g_queue_peek_head (&self->steps);

      switch (step->kind)
        {
        case STEP_EXPECT:
        case STEP_EXPECT_OPEN:
        case STEP_EXPECT_CHECK:
        case STEP_EXPECT_CLOSE:
        case STEP_EXPECT_EOF:
          if (run_expect (self, step) && self->error == NULL)
            step_done (self);
          break;

        case STEP_SEND:
          run_send (self, step);
          break;

        case STEP_START_TLS:
          run_start_tls (self, step);
          break;

        case STEP_CLOSE:
          g_io_stream_close (self->io, NULL, NULL);
          step_done (self);
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

static Step *
add_step (ScriptedPeer *self,
          StepKind      kind,
          const char   *text)
{
  Step *step = g_new0 (Step, 1);

  step->kind = kind;
  step->text = g_strdup (text);
  g_queue_push_tail (&self->steps, step);

  return step;
}

static void
push_send (ScriptedPeer *self,
           char         *xml)
{
  Step *step = g_new0 (Step, 1);

  step->kind = STEP_SEND;
  step->text = xml;
  g_queue_push_head (&self->steps, step);
}

/* Construction */

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

ScriptedPeer *
scripted_peer_new (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) client_socket = NULL;
  g_autoptr (GSocket) server_socket = NULL;
  ScriptedPeer *self;
  int           fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    g_error ("socketpair: %s", g_strerror (errno));

  client_socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  server_socket = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);

  self = g_new0 (ScriptedPeer, 1);
  self->client_conn = g_socket_connection_factory_create_connection (client_socket);
  self->server_conn = g_socket_connection_factory_create_connection (server_socket);
  self->io = g_object_ref (G_IO_STREAM (self->server_conn));
  self->cancellable = g_cancellable_new ();
  self->reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_queue_init (&self->events);
  g_queue_init (&self->steps);
  self->received = g_byte_array_new ();
  self->elements = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_node_unref);
  self->deadline = g_get_monotonic_time () + SCRIPTED_PEER_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  return self;
}

void
scripted_peer_free (ScriptedPeer *self)
{
  if (self == NULL)
    return;

  /* Cancelled operations still call back; wait for them so no callback
   * sees freed memory. */
  g_cancellable_cancel (self->cancellable);
  if (self->pending_ops > 0)
    {
      gboolean timed_out = FALSE;
      guint    timeout_id;

      timeout_id = g_timeout_add_seconds (SCRIPTED_PEER_TIMEOUT_SECONDS, timeout_cb, &timed_out);
      while (self->pending_ops > 0 && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (timed_out)
        g_error ("scripted peer: %u operations did not end after cancellation",
                 self->pending_ops);
      g_source_remove (timeout_id);
    }

  g_queue_clear_full (&self->steps, (GDestroyNotify) step_free);
  g_queue_clear_full (&self->events, (GDestroyNotify) event_free);
  g_clear_pointer (&self->reader, xmpp_reader_free);
  g_clear_object (&self->tls);
  g_clear_object (&self->io);
  g_io_stream_close (G_IO_STREAM (self->server_conn), NULL, NULL);
  g_clear_object (&self->server_conn);
  g_clear_object (&self->client_conn);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_byte_array_unref (self->received);
  g_ptr_array_unref (self->elements);
  g_free (self->last_id);
  g_free (self);
}

GIOStream *
scripted_peer_get_client_stream (ScriptedPeer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return G_IO_STREAM (self->client_conn);
}

GTlsConnection *
scripted_peer_get_tls (ScriptedPeer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->tls;
}

/* Steps */

void
scripted_peer_expect (ScriptedPeer *self,
                      const char   *pattern)
{
  Step *step = add_step (self, STEP_EXPECT, pattern);

  step->pattern = scripted_parse (pattern);
  advance (self);
}

void
scripted_peer_expect_open (ScriptedPeer *self,
                           const char   *pattern)
{
  Step *step = add_step (self, STEP_EXPECT_OPEN, pattern);

  step->pattern = scripted_parse (pattern);
  advance (self);
}

static void
add_check (ScriptedPeer     *self,
           const char       *what,
           ScriptedPeerCheck check,
           gpointer          user_data,
           GDestroyNotify    destroy)
{
  Step *step = add_step (self, STEP_EXPECT_CHECK, what);

  step->check = check;
  step->check_data = user_data;
  step->check_destroy = destroy;
  advance (self);
}

void
scripted_peer_expect_check (ScriptedPeer     *self,
                            ScriptedPeerCheck check,
                            gpointer          user_data)
{
  add_check (self, NULL, check, user_data, NULL);
}

void
scripted_peer_expect_close (ScriptedPeer *self)
{
  add_step (self, STEP_EXPECT_CLOSE, NULL);
  advance (self);
}

void
scripted_peer_expect_eof (ScriptedPeer *self)
{
  add_step (self, STEP_EXPECT_EOF, NULL);
  advance (self);
}

void
scripted_peer_send (ScriptedPeer *self,
                    const char   *xml)
{
  add_step (self, STEP_SEND, xml);
  advance (self);
}

void
scripted_peer_send_open (ScriptedPeer *self,
                         const char   *features)
{
  g_autofree char *xml = NULL;

  xml = g_strdup_printf ("<?xml version='1.0'?>"
                         "<stream:stream xmlns='" XMPP_NS_CLIENT "'"
                         " xmlns:stream='" XMPP_NS_STREAM "' id='stream-%u'"
                         " from='" SCRIPTED_PEER_DOMAIN "' version='1.0' xml:lang='en'>"
                         "<stream:features>%s</stream:features>",
                         ++self->n_opens, features);
  scripted_peer_send (self, xml);
}

void
scripted_peer_start_tls (ScriptedPeer *self)
{
  add_step (self, STEP_START_TLS, NULL);
  advance (self);
}

void
scripted_peer_start_tls_expect_failure (ScriptedPeer *self)
{
  Step *step = add_step (self, STEP_START_TLS, NULL);

  step->expect_failure = TRUE;
  advance (self);
}

void
scripted_peer_close (ScriptedPeer *self)
{
  add_step (self, STEP_CLOSE, NULL);
  advance (self);
}

static gboolean
sync_check (ScriptedPeer *peer,
            XmppNode     *element,
            char        **reply,
            gpointer      user_data,
            GError      **error)
{
  const char *id = user_data;
  const char *type = xmpp_node_get_attr (element, "type");

  /* A result from a ping responder, or the router's service-unavailable:
   * either way it answers the barrier and nothing came before it. */
  if (!xmpp_node_is (element, "iq", XMPP_NS_CLIENT) ||
      g_strcmp0 (xmpp_node_get_attr (element, "id"), id) != 0 ||
      (g_strcmp0 (type, "result") != 0 && g_strcmp0 (type, "error") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "expected the answer to %s", id);
      return FALSE;
    }

  return TRUE;
}

void
scripted_peer_sync (ScriptedPeer *self)
{
  g_autofree char *id = g_strdup_printf ("sync-%u", ++self->n_syncs);
  g_autofree char *ping = NULL;
  g_autofree char *what = NULL;

  ping = g_strdup_printf ("<iq type='get' id='%s'><ping xmlns='" NS_PING "'/></iq>", id);
  what = g_strdup_printf ("answer to %s", id);
  scripted_peer_send (self, ping);
  add_check (self, what, sync_check, g_steal_pointer (&id), g_free);
}

/* SCRAM, RFC 5802 §3, written from the RFC and sharing nothing with the
 * client's xmpp-sasl-scram.c. */

#define SCRAM_SALT_B64   "QSXCR+Q6sek8bf92"
#define SCRAM_ITERATIONS 4096
#define SCRAM_SNONCE     "3rfcNHYJY1ZVvWVs7j"

typedef struct
{
  GChecksumType        hash;
  char                *mechanism;
  char                *gs2_header;
  char                *username;
  char                *password;
  ScriptedScramOutcome outcome;
  char                *client_first_bare;
  char                *server_first;
  char                *nonce;
  int                  refs;
} Scram;

static void
scram_unref (gpointer data)
{
  Scram *scram = data;

  if (--scram->refs > 0)
    return;
  g_free (scram->mechanism);
  g_free (scram->gs2_header);
  g_free (scram->username);
  g_free (scram->password);
  g_free (scram->client_first_bare);
  g_free (scram->server_first);
  g_free (scram->nonce);
  g_free (scram);
}

static void
scram_hmac (Scram        *scram,
            const guint8 *key,
            gsize         key_len,
            const void   *data,
            gsize         data_len,
            guint8       *out)
{
  g_autoptr (GHmac) hmac = g_hmac_new (scram->hash, key, key_len);
  gsize len = g_checksum_type_get_length (scram->hash);

  g_hmac_update (hmac, data, data_len);
  g_hmac_get_digest (hmac, out, &len);
}

/* Hi() of RFC 5802 §2.2: PBKDF2 with one block. */
static void
scram_hi (Scram        *scram,
          const guint8 *salt,
          gsize         salt_len,
          guint8       *out)
{
  gsize              dlen = g_checksum_type_get_length (scram->hash);
  g_autofree guint8 *first = g_malloc (salt_len + 4);
  guint8             u[64], next[64];

  memcpy (first, salt, salt_len);
  memcpy (first + salt_len, "\0\0\0\1", 4);
  scram_hmac (scram, (const guint8 *) scram->password, strlen (scram->password), first,
              salt_len + 4, u);
  memcpy (out, u, dlen);
  for (guint i = 1; i < SCRAM_ITERATIONS; i++)
    {
      scram_hmac (scram, (const guint8 *) scram->password, strlen (scram->password), u, dlen,
                  next);
      memcpy (u, next, dlen);
      for (gsize j = 0; j < dlen; j++)
        out[j] ^= u[j];
    }
}

static char *
decode_text (const XmppNode *node)
{
  const char *text = xmpp_node_get_text (node);
  guchar     *data;
  gsize       len = 0;

  if (*text == '\0' || g_str_equal (text, "="))
    return g_strdup ("");
  data = g_base64_decode (text, &len);
  data = g_realloc (data, len + 1);
  data[len] = '\0';
  if (strlen ((char *) data) != len)
    {
      g_free (data);
      return NULL;
    }

  return (char *) data;
}

static char *
encode_sasl (const char *name,
             const char *payload)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) payload, strlen (payload));

  return g_strdup_printf ("<%s xmlns='" XMPP_NS_SASL "'>%s</%s>", name, b64, name);
}

static gboolean
scram_auth_check (ScriptedPeer *peer,
                  XmppNode     *element,
                  char        **reply,
                  gpointer      user_data,
                  GError      **error)
{
  Scram           *scram = user_data;
  g_autofree char *first = NULL;
  g_autofree char *user_prefix = NULL;
  const char      *bare;

  if (!xmpp_node_is (element, "auth", XMPP_NS_SASL) || xmpp_node_get_n_attrs (element) != 1 ||
      g_strcmp0 (xmpp_node_get_attr (element, "mechanism"), scram->mechanism) != 0 ||
      xmpp_node_get_n_children (element) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "expected <auth mechanism='%s'/> only", scram->mechanism);
      return FALSE;
    }

  first = decode_text (element);
  if (first == NULL || !g_str_has_prefix (first, scram->gs2_header))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "client-first-message does not start with the GS2 header %s",
                   scram->gs2_header);
      return FALSE;
    }

  /* client-first-message-bare = n=user,r=nonce, no extensions. */
  bare = first + strlen (scram->gs2_header);
  user_prefix = g_strdup_printf ("n=%s,r=", scram->username);
  if (!g_str_has_prefix (bare, user_prefix) || strlen (bare) < strlen (user_prefix) + 16 ||
      strchr (bare + strlen (user_prefix), ',') != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "client-first-message-bare is not n=%s,r=<nonce>", scram->username);
      return FALSE;
    }

  scram->client_first_bare = g_strdup (bare);
  scram->nonce = g_strconcat (bare + strlen (user_prefix), SCRAM_SNONCE, NULL);
  scram->server_first = g_strdup_printf ("r=%s,s=" SCRAM_SALT_B64 ",i=%u", scram->nonce,
                                         SCRAM_ITERATIONS);
  *reply = encode_sasl ("challenge", scram->server_first);

  return TRUE;
}

static gboolean
scram_channel_binding (ScriptedPeer *peer,
                       Scram        *scram,
                       GByteArray   *cbind,
                       GError      **error)
{
  g_autofree char *type = NULL;
  g_autoptr (GByteArray) data = NULL;
  GTlsChannelBindingType binding;
  const char            *end;

  g_byte_array_append (cbind, (const guint8 *) scram->gs2_header, strlen (scram->gs2_header));
  if (!g_str_has_prefix (scram->gs2_header, "p="))
    return TRUE;

  end = strchr (scram->gs2_header, ',');
  type = g_strndup (scram->gs2_header + 2, end - scram->gs2_header - 2);
  if (g_str_equal (type, "tls-exporter"))
    binding = G_TLS_CHANNEL_BINDING_TLS_EXPORTER;
  else if (g_str_equal (type, "tls-server-end-point"))
    binding = G_TLS_CHANNEL_BINDING_TLS_SERVER_END_POINT;
  else if (g_str_equal (type, "tls-unique"))
    binding = G_TLS_CHANNEL_BINDING_TLS_UNIQUE;
  else
    g_error ("unknown channel-binding type %s", type);

  if (scripted_peer_get_tls (peer) == NULL)
    g_error ("channel binding needs TLS");

  /* The backend overwrites the array it is given, so fetch separately. */
  data = g_byte_array_new ();
  if (!g_tls_connection_get_channel_binding_data (scripted_peer_get_tls (peer), binding, data,
                                                  error))
    return FALSE;
  g_byte_array_append (cbind, data->data, data->len);

  return TRUE;
}

static gboolean
scram_response_check (ScriptedPeer *peer,
                      XmppNode     *element,
                      char        **reply,
                      gpointer      user_data,
                      GError      **error)
{
  Scram *scram = user_data;
  gsize  dlen = g_checksum_type_get_length (scram->hash);
  g_autoptr (GByteArray) cbind = g_byte_array_new ();
  g_autoptr (GChecksum) checksum = NULL;
  g_autofree char   *final = NULL;
  g_autofree char   *cbind_b64 = NULL;
  g_autofree char   *expected = NULL;
  g_autofree char   *auth_message = NULL;
  g_autofree guchar *salt = NULL;
  g_autofree guchar *proof = NULL;
  g_autofree char   *signature_b64 = NULL;
  guint8             salted[64], client_key[64], stored_key[64], client_sig[64];
  guint8             server_key[64], server_sig[64];
  gsize              salt_len, proof_len, len;
  const char        *p;

  if (!xmpp_node_is (element, "response", XMPP_NS_SASL) || xmpp_node_get_n_attrs (element) != 0 ||
      xmpp_node_get_n_children (element) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "expected a SASL <response/>");
      return FALSE;
    }

  final = decode_text (element);
  if (!scram_channel_binding (peer, scram, cbind, error))
    return FALSE;
  cbind_b64 = g_base64_encode (cbind->data, cbind->len);

  /* client-final-message = c=…,r=…,p=… exactly (RFC 5802 §7). */
  expected = g_strdup_printf ("c=%s,r=%s,p=", cbind_b64, scram->nonce);
  if (final == NULL || !g_str_has_prefix (final, expected))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "client-final-message does not start with %s", expected);
      return FALSE;
    }
  p = final + strlen (expected);
  proof = g_base64_decode (p, &proof_len);
  if (proof_len != dlen)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the proof has the wrong size");
      return FALSE;
    }

  auth_message = g_strdup_printf ("%s,%s,%.*s", scram->client_first_bare, scram->server_first,
                                  (int) (strlen (expected) - 3), expected);
  salt = g_base64_decode (SCRAM_SALT_B64, &salt_len);
  scram_hi (scram, salt, salt_len, salted);
  scram_hmac (scram, salted, dlen, "Client Key", 10, client_key);
  checksum = g_checksum_new (scram->hash);
  g_checksum_update (checksum, client_key, dlen);
  len = dlen;
  g_checksum_get_digest (checksum, stored_key, &len);
  scram_hmac (scram, stored_key, dlen, auth_message, strlen (auth_message), client_sig);

  /* ClientProof = ClientKey XOR ClientSignature. */
  for (gsize i = 0; i < dlen; i++)
    {
      if ((proof[i] ^ client_sig[i]) != client_key[i])
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "the client proof is wrong");
          return FALSE;
        }
    }

  scram_hmac (scram, salted, dlen, "Server Key", 10, server_key);
  scram_hmac (scram, server_key, dlen, auth_message, strlen (auth_message), server_sig);

  switch (scram->outcome)
    {
    case SCRIPTED_SCRAM_SUCCESS:
    case SCRIPTED_SCRAM_WRONG_SIGNATURE:
      {
        g_autofree char *v = NULL;

        if (scram->outcome == SCRIPTED_SCRAM_WRONG_SIGNATURE)
          server_sig[dlen - 1] ^= 0x01;
        signature_b64 = g_base64_encode (server_sig, dlen);
        v = g_strconcat ("v=", signature_b64, NULL);
        *reply = encode_sasl ("success", v);
      }
      break;
    case SCRIPTED_SCRAM_NO_SIGNATURE:
      *reply = g_strdup ("<success xmlns='" XMPP_NS_SASL "'/>");
      break;
    case SCRIPTED_SCRAM_NOT_AUTHORIZED:
      *reply = g_strdup ("<failure xmlns='" XMPP_NS_SASL "'><not-authorized/></failure>");
      break;
    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

void
scripted_peer_expect_scram (ScriptedPeer        *self,
                            const char          *mechanism,
                            const char          *gs2_header,
                            const char          *username,
                            const char          *password,
                            ScriptedScramOutcome outcome)
{
  Scram           *scram = g_new0 (Scram, 1);
  g_autofree char *what = NULL;

  if (g_str_has_prefix (mechanism, "SCRAM-SHA-512"))
    scram->hash = G_CHECKSUM_SHA512;
  else if (g_str_has_prefix (mechanism, "SCRAM-SHA-256"))
    scram->hash = G_CHECKSUM_SHA256;
  else if (g_str_has_prefix (mechanism, "SCRAM-SHA-1"))
    scram->hash = G_CHECKSUM_SHA1;
  else
    g_error ("not a SCRAM mechanism: %s", mechanism);

  scram->mechanism = g_strdup (mechanism);
  scram->gs2_header = g_strdup (gs2_header);
  scram->username = g_strdup (username);
  scram->password = g_strdup (password);
  scram->outcome = outcome;
  scram->refs = 2;

  what = g_strdup_printf ("%s auth", mechanism);
  add_check (self, what, scram_auth_check, scram, scram_unref);
  g_clear_pointer (&what, g_free);
  what = g_strdup_printf ("%s response", mechanism);
  add_check (self, what, scram_response_check, scram, scram_unref);
}

/* Running */

typedef struct
{
  ScriptedPeer   *peer;
  const gboolean *flag;
} Wait;

static gboolean
wait_done (const Wait *wait)
{
  if (wait->flag != NULL)
    return *wait->flag;

  return scripted_peer_is_done (wait->peer);
}

static void
run_wait (const Wait *wait)
{
  gboolean timed_out = FALSE;
  guint    timeout_id;
  gint64   left_ms = SCRIPTED_PEER_TIMEOUT_SECONDS * 1000;

  /* The watchdog covers the whole test (from scripted_peer_new()), not
   * each wait, so a test that creeps forward still ends in time. */
  if (wait->peer != NULL)
    left_ms = MAX (0, (wait->peer->deadline - g_get_monotonic_time ()) / 1000);
  timeout_id = g_timeout_add ((guint) left_ms, timeout_cb, &timed_out);
  while (!wait_done (wait) && !timed_out && (wait->peer == NULL || wait->peer->error == NULL))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);

  if (wait->peer != NULL && wait->peer->error != NULL)
    g_error ("scripted peer: %s", wait->peer->error->message);
  if (timed_out)
    {
      Step *step = wait->peer ? g_queue_peek_head (&wait->peer->steps) : NULL;

      g_error ("the test ran out of its %u s%s%s%s%s", SCRIPTED_PEER_TIMEOUT_SECONDS,
               step ? "; the peer waits at " : "", step ? step_name (step->kind) : "",
               step && step->text ? " " : "", step && step->text ? step->text : "");
    }
}

void
scripted_peer_run (ScriptedPeer *self)
{
  Wait wait = { self, NULL };

  g_return_if_fail (self != NULL);

  run_wait (&wait);
}

void
scripted_peer_run_until (ScriptedPeer   *self,
                         const gboolean *flag)
{
  Wait wait = { self, flag };

  g_return_if_fail (flag != NULL);

  run_wait (&wait);
}

gboolean
scripted_peer_is_done (ScriptedPeer *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return !self->busy && g_queue_is_empty (&self->steps);
}

/* Records */

GBytes *
scripted_peer_dup_received_bytes (ScriptedPeer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_bytes_new (self->received->data, self->received->len);
}

gboolean
scripted_peer_received_contains (ScriptedPeer *self,
                                 const char   *needle)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (needle != NULL && *needle != '\0', FALSE);

  /* Nothing received yet: the array may have no storage, and memmem on
   * NULL is undefined even for zero bytes. */
  if (self->received->len == 0)
    return FALSE;

  return memmem (self->received->data, self->received->len, needle, strlen (needle)) != NULL;
}

guint
scripted_peer_count_received (ScriptedPeer *self,
                              const char   *name,
                              const char   *ns)
{
  guint count = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->elements->len; i++)
    {
      if (xmpp_node_is (g_ptr_array_index (self->elements, i), name, ns))
        count++;
    }

  return count;
}

GPtrArray *
scripted_peer_get_received (ScriptedPeer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->elements;
}

const char *
scripted_peer_get_last_id (ScriptedPeer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->last_id;
}

void
scripted_peer_script_starttls (ScriptedPeer *peer,
                               const char   *plain_header,
                               const char   *features,
                               const char   *secure_header)
{
  scripted_peer_expect_open (peer, plain_header);
  scripted_peer_send_open (peer, features);
  scripted_peer_expect (peer, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  scripted_peer_send (peer, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  scripted_peer_start_tls (peer);
  scripted_peer_expect_open (peer, secure_header);
}

/* ScriptedFixture */

void
scripted_fixture_set_up (ScriptedFixture *f,
                         gconstpointer    data)
{
  f->peer = scripted_peer_new ();
  f->log = g_ptr_array_new_with_free_func (g_free);
}

void
scripted_fixture_tear_down (ScriptedFixture *f,
                            gconstpointer    data)
{
  g_clear_object (&f->client);
  g_clear_object (&f->stream);
  g_clear_object (&f->connector);
  g_clear_pointer (&f->peer, scripted_peer_free);
  g_clear_error (&f->error);
  g_clear_error (&f->disconnect_error);
  g_clear_pointer (&f->log, g_ptr_array_unref);

  /* Let cancelled operations finish before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fixture_log_cb (gboolean    incoming,
                const char *text,
                gpointer    user_data)
{
  ScriptedFixture *f = user_data;

  g_ptr_array_add (f->log, g_strconcat (incoming ? "<< " : ">> ", text, NULL));
}

static void
fixture_connect_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ScriptedFixture *f = user_data;

  f->stream = xmpp_connector_connect_finish (XMPP_CONNECTOR (source), result, &f->error);
  f->done = TRUE;
}

void
scripted_fixture_start_connector (ScriptedFixture     *f,
                                  XmppConnectorConfig *config)
{
  config->log_func = fixture_log_cb;
  config->log_data = f;
  f->connector = xmpp_connector_new (config);
  xmpp_connector_set_stream_for_testing (f->connector, scripted_peer_get_client_stream (f->peer));
  xmpp_connector_connect_async (f->connector, NULL, fixture_connect_cb, f);
}

gboolean
scripted_fixture_log_contains (ScriptedFixture *f,
                               const char      *needle)
{
  for (guint i = 0; i < f->log->len; i++)
    {
      if (strstr (g_ptr_array_index (f->log, i), needle) != NULL)
        return TRUE;
    }

  return FALSE;
}
