/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xmpp-stream"

#include "xmpp-stream.h"

#include "xmpp-error.h"
#include "xmpp-transport.h"
#include "xmpp-writer.h"

#define READ_CHUNK 16384
/* RFC 7395 §3.3.1: the framing of transports, for the protocol log. */
#define XMPP_NS_FRAMING "urn:ietf:params:xml:ns:xmpp-framing"
#define TRANSPORT_CLOSE "<close xmlns='" XMPP_NS_FRAMING "'/>"

struct _XmppStream
{
  GObject parent_instance;

  GIOStream *base;
  /* Instead of @base and @reader: an element-framed transport. */
  XmppTransport *transport;
  gboolean transport_opened;
  XmppReader *reader;
  XmppReaderLimits limits;
  char *default_ns;

  /* Reading: at most one request, served from the reader's queue first. */
  GTask *read_task;
  GError *read_error;
  guint8 *read_buf;

  /* Writing: GBytes in order, one write in flight. */
  GQueue write_queue;
  gboolean writing;
  GError *write_error;
  GPtrArray *flush_tasks;

  gboolean close_sent;
  gboolean base_closed;

  XmppStreamLogFunc log_func;
  gpointer log_data;

  /* Certificate problems seen during the last handshake, for the message. */
  GTlsCertificateFlags tls_errors;
  GTlsDatabase *extra_db;
  GSocketConnectable *tls_identity;

  guint64 bytes_in;
  guint64 bytes_out;
};

G_DEFINE_FINAL_TYPE (XmppStream, xmpp_stream, G_TYPE_OBJECT)

typedef struct
{
  XmppReaderEvent event;
  XmppNode *node;
} ReadResult;

static void
read_result_free (gpointer data)
{
  ReadResult *r = data;

  g_clear_pointer (&r->node, xmpp_node_unref);
  g_free (r);
}

static void
xmpp_stream_dispose (GObject *object)
{
  XmppStream *self = XMPP_STREAM (object);

  g_queue_clear_full (&self->write_queue, (GDestroyNotify) g_bytes_unref);
  g_clear_object (&self->extra_db);
  g_clear_object (&self->tls_identity);
  g_clear_object (&self->base);
  g_clear_object (&self->transport);

  G_OBJECT_CLASS (xmpp_stream_parent_class)->dispose (object);
}

static void
xmpp_stream_finalize (GObject *object)
{
  XmppStream *self = XMPP_STREAM (object);

  g_assert (self->read_task == NULL);
  g_clear_pointer (&self->reader, xmpp_reader_free);
  g_clear_pointer (&self->read_buf, g_free);
  g_clear_pointer (&self->default_ns, g_free);
  g_clear_error (&self->read_error);
  g_clear_error (&self->write_error);
  g_clear_pointer (&self->flush_tasks, g_ptr_array_unref);

  G_OBJECT_CLASS (xmpp_stream_parent_class)->finalize (object);
}

static void
xmpp_stream_class_init (XmppStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xmpp_stream_dispose;
  object_class->finalize = xmpp_stream_finalize;
}

static void
xmpp_stream_init (XmppStream *self)
{
  g_queue_init (&self->write_queue);
  self->flush_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->read_buf = g_malloc (READ_CHUNK);
  self->default_ns = g_strdup (XMPP_NS_CLIENT);
}

XmppStream *
xmpp_stream_new (GIOStream              *base,
                 const XmppReaderLimits *limits)
{
  XmppStream *self;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);

  self = g_object_new (XMPP_TYPE_STREAM, NULL);
  self->base = g_object_ref (base);
  if (limits != NULL)
    self->limits = *limits;
  self->reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, limits ? &self->limits : NULL);

  return self;
}

XmppStream *
xmpp_stream_new_for_transport (XmppTransport *transport)
{
  XmppStream *self;

  g_return_val_if_fail (XMPP_IS_TRANSPORT (transport), NULL);

  self = g_object_new (XMPP_TYPE_STREAM, NULL);
  self->transport = g_object_ref (transport);

  return self;
}

XmppTransport *
xmpp_stream_get_transport (XmppStream *self)
{
  g_return_val_if_fail (XMPP_IS_STREAM (self), NULL);

  return self->transport;
}

GIOStream *
xmpp_stream_get_base (XmppStream *self)
{
  g_return_val_if_fail (XMPP_IS_STREAM (self), NULL);

  return self->base;
}

void
xmpp_stream_set_log_func (XmppStream        *self,
                          XmppStreamLogFunc  func,
                          gpointer           user_data)
{
  g_return_if_fail (XMPP_IS_STREAM (self));

  self->log_func = func;
  self->log_data = user_data;
}

void
xmpp_stream_set_default_ns (XmppStream *self,
                            const char *ns)
{
  g_return_if_fail (XMPP_IS_STREAM (self));

  g_free (self->default_ns);
  self->default_ns = g_strdup (ns);
}

/* Log masking.  SASL payloads (RFC 6120 §6.4) and any <password/> field
 * (XEP-0077 registration, password changes) never reach the log. */
static gboolean
is_secret (const XmppNode *node)
{
  const char *ns = xmpp_node_get_ns (node);
  const char *name = xmpp_node_get_name (node);

  if (g_strcmp0 (ns, XMPP_NS_SASL) == 0)
    return g_str_equal (name, "auth") || g_str_equal (name, "response") ||
           g_str_equal (name, "challenge") || g_str_equal (name, "success");

  return g_str_equal (name, "password");
}

/* XEP-0004 fields that carry a password (XEP-0077 registration forms,
 * password changes): every <value/> of theirs is secret. */
static gboolean
is_secret_field (const XmppNode *node)
{
  const char *type, *var;

  if (!xmpp_node_is (node, "field", "jabber:x:data"))
    return FALSE;

  type = xmpp_node_get_attr (node, "type");
  var = xmpp_node_get_attr (node, "var");
  return g_strcmp0 (type, "text-private") == 0 || g_strcmp0 (var, "password") == 0 ||
         g_strcmp0 (var, "old_password") == 0;
}

static void
mask_secrets (XmppNode *node)
{
  if (is_secret (node) && *xmpp_node_get_text (node) != '\0')
    xmpp_node_set_text (node, "[masked]");

  if (is_secret_field (node))
    {
      for (guint i = 0; i < xmpp_node_get_n_children (node); i++)
        {
          XmppNode *child = xmpp_node_get_child_at (node, i);

          if (xmpp_node_is (child, "value", NULL))
            xmpp_node_set_text (child, "[masked]");
        }
    }

  for (guint i = 0; i < xmpp_node_get_n_children (node); i++)
    mask_secrets (xmpp_node_get_child_at (node, i));
}

static void
log_node (XmppStream     *self,
          gboolean        incoming,
          const XmppNode *node)
{
  g_autoptr(XmppNode) copy = NULL;
  g_autoptr(GString) text = NULL;

  if (self->log_func == NULL)
    return;

  copy = xmpp_node_copy (node);
  mask_secrets (copy);
  text = g_string_new (NULL);
  xmpp_writer_append (text, copy, self->default_ns);
  self->log_func (incoming, text->str, self->log_data);
}

static void
log_stream_header (XmppStream     *self,
                   const XmppNode *header)
{
  g_autoptr(GString) text = NULL;

  if (self->log_func == NULL)
    return;

  /* On a transport the header is an RFC 7395 <open/> (or BOSH session
   * attributes): logged as such. */
  text = g_string_new (self->transport != NULL ? "<open" : "<stream:stream");
  for (guint i = 0; i < xmpp_node_get_n_attrs (header); i++)
    {
      const char *name, *value;

      xmpp_node_get_attr_at (header, i, &name, &value);
      g_string_append_printf (text, " %s='", name);
      xmpp_writer_escape (text, value, -1, TRUE);
      g_string_append_c (text, '\'');
    }
  g_string_append (text, self->transport != NULL ? "/>" : ">");
  self->log_func (TRUE, text->str, self->log_data);
}

/* Writing */

static void write_next (XmppStream *self);

static void
complete_flushes (XmppStream *self)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&self->flush_tasks);

  self->flush_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (self->write_error != NULL)
        g_task_return_error (task, g_error_copy (self->write_error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
close_base_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  XmppStream *self = user_data;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  g_object_unref (self);
}

static void
maybe_close_base (XmppStream *self)
{
  if (!self->close_sent || self->writing || self->base_closed)
    return;
  if (!g_queue_is_empty (&self->write_queue) && self->write_error == NULL)
    return;
  /* RFC 6120 §4.4: while a read is pending, the server's closing tag and
   * the stanzas it sent before it can still arrive; the connection closes
   * once that read completes (or is cancelled). */
  if (self->read_task != NULL)
    return;

  self->base_closed = TRUE;
  g_io_stream_close_async (self->base, G_PRIORITY_DEFAULT, NULL,
                           close_base_cb, g_object_ref (self));
}

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(XmppStream) self = user_data;
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  self->writing = FALSE;
  g_bytes_unref (g_queue_pop_head (&self->write_queue));

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result,
                                         &written, &error))
    {
      g_debug ("write failed: %s", error->message);
      if (self->write_error == NULL)
        self->write_error = g_steal_pointer (&error);
      g_queue_clear_full (&self->write_queue, (GDestroyNotify) g_bytes_unref);
    }
  self->bytes_out += written;

  write_next (self);
}

static void
write_next (XmppStream *self)
{
  GBytes *bytes;
  gsize len;
  const void *data;

  if (self->writing)
    return;

  if (self->write_error != NULL || g_queue_is_empty (&self->write_queue))
    {
      complete_flushes (self);
      maybe_close_base (self);
      return;
    }

  bytes = g_queue_peek_head (&self->write_queue);
  data = g_bytes_get_data (bytes, &len);
  self->writing = TRUE;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->base),
                                   data, len, G_PRIORITY_DEFAULT, NULL,
                                   write_cb, g_object_ref (self));
}

static void
queue_bytes (XmppStream *self,
             GBytes     *bytes)
{
  if (self->write_error != NULL || self->base_closed)
    {
      g_bytes_unref (bytes);
      return;
    }

  g_queue_push_tail (&self->write_queue, bytes);
  write_next (self);
}

void
xmpp_stream_send (XmppStream     *self,
                  const XmppNode *stanza)
{
  GString *out;

  g_return_if_fail (XMPP_IS_STREAM (self));
  g_return_if_fail (stanza != NULL);

  if (self->close_sent)
    return;

  log_node (self, FALSE, stanza);
  if (self->transport != NULL)
    {
      xmpp_transport_send (self->transport, stanza);
      return;
    }
  out = g_string_sized_new (256);
  xmpp_writer_append (out, stanza, self->default_ns);
  queue_bytes (self, g_string_free_to_bytes (out));
}

void
xmpp_stream_send_raw (XmppStream *self,
                      const char *text)
{
  g_return_if_fail (XMPP_IS_STREAM (self));
  g_return_if_fail (text != NULL);

  if (self->close_sent)
    return;

  /* A transport frames elements, never raw text. */
  g_return_if_fail (self->transport == NULL);

  if (self->log_func != NULL)
    self->log_func (FALSE, text, self->log_data);
  queue_bytes (self, g_bytes_new (text, strlen (text)));
}

void
xmpp_stream_open (XmppStream *self,
                  const char *to,
                  const char *from)
{
  g_autofree char *header = NULL;

  g_return_if_fail (XMPP_IS_STREAM (self));
  g_return_if_fail (to != NULL);

  if (self->transport != NULL)
    {
      if (self->log_func != NULL)
        {
          g_autoptr(XmppNode) open = xmpp_node_new ("open", XMPP_NS_FRAMING);

          xmpp_node_set_attr (open, "to", to);
          if (from != NULL)
            xmpp_node_set_attr (open, "from", from);
          xmpp_node_set_attr (open, "version", "1.0");
          log_node (self, FALSE, open);
        }
      g_clear_error (&self->read_error);
      if (self->transport_opened)
        xmpp_transport_restart_stream (self->transport, to, from);
      else
        xmpp_transport_open_stream (self->transport, to, from);
      self->transport_opened = TRUE;
      return;
    }

  xmpp_reader_reset (self->reader);
  g_clear_error (&self->read_error);
  header = xmpp_writer_stream_open (to, from, "en");
  xmpp_stream_send_raw (self, header);
}

static void
transport_flush_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!xmpp_transport_flush_finish (XMPP_TRANSPORT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
xmpp_stream_flush_async (XmppStream          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (XMPP_IS_STREAM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_stream_flush_async);
  if (self->transport != NULL)
    {
      xmpp_transport_flush_async (self->transport, cancellable, transport_flush_cb, task);
      return;
    }
  g_ptr_array_add (self->flush_tasks, task);
  write_next (self);
}

gboolean
xmpp_stream_flush_finish (XmppStream    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
xmpp_stream_close (XmppStream *self)
{
  g_return_if_fail (XMPP_IS_STREAM (self));

  if (self->close_sent)
    return;

  if (self->transport != NULL)
    {
      if (self->log_func != NULL)
        self->log_func (FALSE, TRANSPORT_CLOSE, self->log_data);
      self->close_sent = TRUE;
      xmpp_transport_close (self->transport);
      return;
    }

  xmpp_stream_send_raw (self, xmpp_writer_stream_close ());
  self->close_sent = TRUE;
  write_next (self);
}

void
xmpp_stream_keepalive (XmppStream *self)
{
  g_return_if_fail (XMPP_IS_STREAM (self));

  if (self->close_sent)
    return;

  if (self->transport != NULL)
    xmpp_transport_keepalive (self->transport);
  else
    xmpp_stream_send_raw (self, " ");
}

/* Reading */

static void read_more (XmppStream *self);

static gboolean
deliver_queued (XmppStream *self)
{
  g_autoptr(GTask) task = NULL;
  XmppNode *node = NULL;
  XmppReaderEvent event;
  ReadResult *r;

  event = xmpp_reader_pop (self->reader, &node);
  if (event == XMPP_READER_EVENT_NONE)
    {
      if (self->read_error == NULL && self->write_error == NULL)
        return FALSE;

      task = g_steal_pointer (&self->read_task);
      g_task_return_error (task, g_error_copy (self->read_error ? self->read_error
                                                                : self->write_error));
      maybe_close_base (self);
      return TRUE;
    }

  if (event == XMPP_READER_EVENT_STREAM_OPEN)
    log_stream_header (self, node);
  else if (event == XMPP_READER_EVENT_STANZA)
    log_node (self, TRUE, node);
  else if (self->log_func != NULL)
    self->log_func (TRUE, xmpp_writer_stream_close (), self->log_data);

  r = g_new0 (ReadResult, 1);
  r->event = event;
  r->node = node;
  task = g_steal_pointer (&self->read_task);
  g_task_return_pointer (task, r, read_result_free);
  maybe_close_base (self);

  return TRUE;
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(XmppStream) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (self->read_task == NULL)
    return;

  if (n < 0)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->read_task);

      if (self->read_error == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        self->read_error = g_error_copy (error);
      g_task_return_error (task, g_steal_pointer (&error));
      maybe_close_base (self);
      return;
    }

  if (n == 0)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->read_task);

      if (self->read_error == NULL)
        self->read_error = g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                                                "The server closed the connection");
      g_task_return_error (task, g_error_copy (self->read_error));
      maybe_close_base (self);
      return;
    }

  self->bytes_in += n;
  if (!xmpp_reader_feed (self->reader, (const char *) self->read_buf, n, &error))
    self->read_error = g_steal_pointer (&error);

  if (!deliver_queued (self))
    read_more (self);
}

static void
read_more (XmppStream *self)
{
  g_assert (self->read_task != NULL);

  g_input_stream_read_async (g_io_stream_get_input_stream (self->base),
                             self->read_buf, READ_CHUNK, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (self->read_task),
                             read_cb, g_object_ref (self));
}

static void
transport_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(XmppStream) self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->read_task);
  g_autoptr(XmppNode) node = NULL;
  GError *error = NULL;
  XmppReaderEvent event;
  ReadResult *r;

  event = xmpp_transport_read_finish (XMPP_TRANSPORT (source), result, &node, &error);
  if (event == XMPP_READER_EVENT_NONE)
    {
      g_task_return_error (task, error);
      return;
    }

  if (event == XMPP_READER_EVENT_STREAM_OPEN)
    log_stream_header (self, node);
  else if (event == XMPP_READER_EVENT_STANZA)
    log_node (self, TRUE, node);
  else if (self->log_func != NULL)
    self->log_func (TRUE, TRANSPORT_CLOSE, self->log_data);

  r = g_new0 (ReadResult, 1);
  r->event = event;
  r->node = g_steal_pointer (&node);
  g_task_return_pointer (task, r, read_result_free);
}

void
xmpp_stream_read_async (XmppStream          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (XMPP_IS_STREAM (self));
  g_return_if_fail (self->read_task == NULL);

  self->read_task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->read_task, xmpp_stream_read_async);

  if (self->transport != NULL)
    {
      xmpp_transport_read_async (self->transport, cancellable, transport_read_cb,
                                 g_object_ref (self));
      return;
    }

  if (!deliver_queued (self))
    read_more (self);
}

XmppReaderEvent
xmpp_stream_read_finish (XmppStream    *self,
                         GAsyncResult  *result,
                         XmppNode     **node,
                         GError       **error)
{
  ReadResult *r;
  XmppReaderEvent event;

  g_return_val_if_fail (g_task_is_valid (result, self), XMPP_READER_EVENT_NONE);

  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return XMPP_READER_EVENT_NONE;

  event = r->event;
  if (node != NULL)
    *node = g_steal_pointer (&r->node);
  read_result_free (r);

  return event;
}

/* TLS */

static char *
describe_certificate_errors (GTlsCertificateFlags flags)
{
  GString *s = g_string_new (NULL);

  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_string_append (s, ", issued by an unknown authority");
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_string_append (s, ", not valid for this domain");
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_string_append (s, ", not valid yet");
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    g_string_append (s, ", expired");
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    g_string_append (s, ", revoked");
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    g_string_append (s, ", using an insecure algorithm");
  if (s->len == 0)
    g_string_append (s, ", invalid");

  g_string_erase (s, 0, 2);
  return g_string_free (s, FALSE);
}

/* Called only when the system trust store rejected the certificate.  The
 * account may name one extra authority (a private server's CA); the chain
 * is then checked against it, identity included.  Nothing else is ever
 * accepted: no "accept once" (SECURITY.md, CVE-2014-3694). */
static gboolean
accept_certificate_cb (GTlsConnection       *conn,
                       GTlsCertificate      *peer_cert,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  XmppStream *self = user_data;

  return xmpp_stream_accept_certificate (self->extra_db, self->tls_identity, peer_cert, errors,
                                         &self->tls_errors);
}

gboolean
xmpp_stream_accept_certificate (GTlsDatabase         *extra_db,
                                GSocketConnectable   *identity,
                                GTlsCertificate      *peer_cert,
                                GTlsCertificateFlags  errors,
                                GTlsCertificateFlags *verdict)
{
  g_return_val_if_fail (extra_db == NULL || G_IS_TLS_DATABASE (extra_db), FALSE);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (peer_cert), FALSE);
  g_return_val_if_fail (verdict != NULL, FALSE);

  *verdict = errors;
  if (extra_db == NULL)
    return FALSE;

  *verdict = g_tls_database_verify_chain (extra_db, peer_cert,
                                          G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity,
                                          NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
  return *verdict == 0;
}

static void
handshake_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  XmppStream *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
        }
      else if (self->tls_errors != 0)
        {
          g_autofree char *why = describe_certificate_errors (self->tls_errors);

          g_task_return_new_error (task, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS,
                                   "The server's certificate is %s", why);
        }
      else
        {
          /* No certificate problem: the link failed or the peer does not
           * speak TLS there.  That is a network failure worth retrying,
           * not a verdict on the server's identity. */
          g_task_return_new_error (task, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_IO,
                                   "TLS handshake failed: %s", error->message);
        }
      return;
    }

  g_set_object (&self->base, G_IO_STREAM (source));
  g_task_return_boolean (task, TRUE);
}

void
xmpp_stream_start_tls_async (XmppStream          *self,
                             GSocketConnectable  *identity,
                             const char          *extra_ca,
                             const char          *alpn,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (XMPP_IS_STREAM (self));
  g_return_if_fail (G_IS_SOCKET_CONNECTABLE (identity));
  g_return_if_fail (self->read_task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_stream_start_tls_async);

  if (self->transport != NULL)
    {
      g_task_return_new_error (task, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL,
                               "TLS cannot start inside an HTTP transport");
      return;
    }

  /* RFC 6120 §5.4.3.3: nothing received before the handshake counts. */
  xmpp_reader_reset (self->reader);
  self->tls_errors = 0;
  g_set_object (&self->tls_identity, identity);
  g_clear_object (&self->extra_db);

  if (extra_ca != NULL)
    {
      self->extra_db = g_tls_file_database_new (extra_ca, &error);
      if (self->extra_db == NULL)
        {
          g_task_return_new_error (task, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS,
                                   "Cannot read the CA file: %s", error->message);
          return;
        }
    }

  /* glib-networking 2.74 unrefs a NULL remote address (a GObject
   * critical) when a handshake starts on a socket the peer has already
   * reset; such a connection is lost anyway, so say so before TLS looks. */
  if (G_IS_SOCKET_CONNECTION (self->base))
    {
      g_autoptr(GSocketAddress) remote =
        g_socket_connection_get_remote_address (G_SOCKET_CONNECTION (self->base), NULL);

      if (remote == NULL)
        {
          g_task_return_new_error (task, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_IO,
                                   "The connection was lost before TLS started");
          return;
        }
    }

  tls = g_tls_client_connection_new (self->base, identity, &error);
  if (tls == NULL)
    {
      g_task_return_new_error (task, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS,
                               "TLS is not available: %s", error->message);
      return;
    }

  if (alpn != NULL)
    {
      const char * const protocols[] = { alpn, NULL };

      g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), protocols);
    }

  g_signal_connect_object (tls, "accept-certificate",
                           G_CALLBACK (accept_certificate_cb), self, 0);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    cancellable, handshake_cb, g_steal_pointer (&task));
}

gboolean
xmpp_stream_start_tls_finish (XmppStream    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
xmpp_stream_is_tls (XmppStream *self)
{
  g_return_val_if_fail (XMPP_IS_STREAM (self), FALSE);

  if (self->transport != NULL)
    return xmpp_transport_is_secure (self->transport);

  return G_IS_TLS_CONNECTION (self->base);
}

GBytes *
xmpp_stream_dup_channel_binding (XmppStream            *self,
                                 GTlsChannelBindingType type)
{
  g_autoptr(GByteArray) data = NULL;

  g_return_val_if_fail (XMPP_IS_STREAM (self), NULL);

  if (self->transport != NULL)
    return xmpp_transport_dup_channel_binding (self->transport, type);

  if (!G_IS_TLS_CONNECTION (self->base))
    return NULL;

  data = g_byte_array_new ();
  if (!g_tls_connection_get_channel_binding_data (G_TLS_CONNECTION (self->base),
                                                  type, data, NULL))
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

guint64
xmpp_stream_get_bytes_in (XmppStream *self)
{
  g_return_val_if_fail (XMPP_IS_STREAM (self), 0);

  if (self->transport != NULL)
    return xmpp_transport_get_bytes_in (self->transport);

  return self->bytes_in;
}

guint64
xmpp_stream_get_bytes_out (XmppStream *self)
{
  g_return_val_if_fail (XMPP_IS_STREAM (self), 0);

  if (self->transport != NULL)
    return xmpp_transport_get_bytes_out (self->transport);

  return self->bytes_out;
}
