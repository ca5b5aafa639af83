/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The hand-driven socketpair peer; see socket-peer.h.
 *
 * The peer's end is a plain non-blocking file descriptor that the test
 * writes and reads directly: the peer adds no source to the main context,
 * so whatever runs while a test waits is the client's doing.
 */
#define G_LOG_DOMAIN "socket-peer"

#include "socket-peer.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "xmpp-reader.h"

struct _SocketPeer
{
  int         peer_fd;
  GIOStream  *connection;
  XmppStream *stream;
  XmppClient *client;
  XmppReader *peer_reader;
};

static void
read_header_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  XmppReaderEvent *event = user_data;
  g_autoptr (GError) error = NULL;

  *event = xmpp_stream_read_finish (XMPP_STREAM (source), result, NULL, &error);
  g_assert_no_error (error);
}

SocketPeer *
socket_peer_new (const char *own_jid)
{
  SocketPeer *self = g_new0 (SocketPeer, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (XmppJid) jid = NULL;
  g_autofree char *header = NULL;
  XmppReaderEvent event = XMPP_READER_EVENT_NONE;
  int fds[2];

  jid = xmpp_jid_parse (own_jid, &error);
  g_assert_no_error (error);
  header = g_strdup_printf ("<stream:stream xmlns='jabber:client'"
                            " xmlns:stream='http://etherx.jabber.org/streams'"
                            " from='%s' id='s1' version='1.0'>",
                            xmpp_jid_get_domain (jid));

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  self->peer_fd = fds[0];
  g_assert_true (g_unix_set_fd_nonblocking (self->peer_fd, TRUE, NULL));

  socket = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  self->connection = G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
  self->stream = xmpp_stream_new (self->connection, NULL);

  /* The client takes over a stream that is open and bound. */
  socket_peer_send (self, header);
  xmpp_stream_read_async (self->stream, NULL, read_header_cb, &event);
  while (event == XMPP_READER_EVENT_NONE)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (event, ==, XMPP_READER_EVENT_STREAM_OPEN);

  self->client = xmpp_client_new (self->stream, jid);

  /* The client sends stanzas without a header of its own here; give the
   * peer's reader the one the client would have sent. */
  self->peer_reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  xmpp_reader_feed (self->peer_reader, header, strlen (header), &error);
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_reader_pop (self->peer_reader, NULL), ==, XMPP_READER_EVENT_STREAM_OPEN);

  return self;
}

void
socket_peer_free (SocketPeer *self)
{
  g_object_add_weak_pointer (G_OBJECT (self->client), (gpointer *) &self->client);
  g_object_unref (self->client);
  g_assert_null (self->client);

  close (self->peer_fd);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_clear_object (&self->stream);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->peer_reader, xmpp_reader_free);
  g_free (self);
}

XmppClient *
socket_peer_get_client (SocketPeer *self)
{
  return self->client;
}

void
socket_peer_send (SocketPeer *self,
                  const char *xml)
{
  gsize len = strlen (xml);
  gsize done = 0;

  while (done < len)
    {
      gssize n = write (self->peer_fd, xml + done, len - done);

      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        {
          g_main_context_iteration (NULL, FALSE);
          continue;
        }
      g_assert_cmpint (n, >, 0);
      done += n;
    }
}

void
socket_peer_sendf (SocketPeer *self,
                   const char *format,
                   ...)
{
  g_autofree char *xml = NULL;
  va_list args;

  va_start (args, format);
  xml = g_strdup_vprintf (format, args);
  va_end (args);

  socket_peer_send (self, xml);
}

XmppNode *
socket_peer_read (SocketPeer *self)
{
  gint64 deadline = g_get_monotonic_time () + SOCKET_PEER_READ_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  for (;;)
    {
      XmppNode *node = NULL;
      char buf[4096];
      gssize n;

      if (xmpp_reader_pop (self->peer_reader, &node) == XMPP_READER_EVENT_STANZA)
        return node;

      n = read (self->peer_fd, buf, sizeof buf);
      if (n > 0)
        {
          g_autoptr (GError) error = NULL;

          xmpp_reader_feed (self->peer_reader, buf, n, &error);
          g_assert_no_error (error);
          continue;
        }
      g_assert_true (n < 0 && errno == EAGAIN);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);

      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}
