/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "counting-listener.h"

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  CountingListener *listener = user_data;

  listener->attempts++;
  g_ptr_array_add (listener->connections, g_object_ref (connection));
  return TRUE;
}

void
counting_listener_init (CountingListener *listener)
{
  g_autoptr(GError) error = NULL;

  listener->service = g_socket_service_new ();
  listener->connections = g_ptr_array_new_with_free_func (g_object_unref);
  listener->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (listener->service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (listener->service, "incoming", G_CALLBACK (incoming_cb), listener);
  g_socket_service_start (listener->service);
}

void
counting_listener_clear (CountingListener *listener)
{
  g_socket_service_stop (listener->service);
  g_socket_listener_close (G_SOCKET_LISTENER (listener->service));
  g_clear_object (&listener->service);
  g_clear_pointer (&listener->connections, g_ptr_array_unref);
}

gboolean
counting_listener_has_attempt (gpointer data)
{
  return ((CountingListener *) data)->attempts > 0;
}
