/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "http-provider"

#include "http-transport-provider.h"

#include <libsoup/soup.h>

#include "http-bosh-transport.h"
#include "http-discovery.h"
#include "http-websocket-transport.h"

struct _HttpTransportProvider
{
  GObject parent_instance;

  SoupSession *session;
};

static void provider_iface_init (XmppTransportProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HttpTransportProvider, http_transport_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (XMPP_TYPE_TRANSPORT_PROVIDER,
                                                      provider_iface_init))

static void
http_transport_provider_dispose (GObject *object)
{
  HttpTransportProvider *self = HTTP_TRANSPORT_PROVIDER (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (http_transport_provider_parent_class)->dispose (object);
}

static void
http_transport_provider_class_init (HttpTransportProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = http_transport_provider_dispose;
}

static void
http_transport_provider_init (HttpTransportProvider *self)
{
}

static SoupSession *
new_session (GSocketConnectable *address)
{
  /* No proxy from the environment is ever trusted with the certificate
   * decision; proxies still work through the system resolver. */
  return g_object_new (SOUP_TYPE_SESSION,
                       "user-agent", "Petrel/" PETREL_VERSION,
                       "remote-connectable", address,
                       "timeout", 30,
                       NULL);
}

HttpTransportProvider *
http_transport_provider_new (void)
{
  HttpTransportProvider *self = g_object_new (HTTP_TYPE_TRANSPORT_PROVIDER, NULL);

  self->session = new_session (NULL);
  return self;
}

HttpTransportProvider *
http_transport_provider_new_for_testing (GSocketConnectable *address)
{
  HttpTransportProvider *self;

  g_return_val_if_fail (G_IS_SOCKET_CONNECTABLE (address), NULL);

  self = g_object_new (HTTP_TYPE_TRANSPORT_PROVIDER, NULL);
  self->session = new_session (address);
  return self;
}

/* Discovery (XEP-0156) */

static void
discovered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  XmppTransportEndpoints *endpoints;

  endpoints = http_discovery_lookup_finish (result, &error);
  if (endpoints == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Any other failure means: nothing discovered. */
  if (endpoints == NULL)
    {
      g_debug ("No endpoints discovered: %s", error->message);
      endpoints = g_new0 (XmppTransportEndpoints, 1);
    }
  g_task_return_pointer (task, endpoints, (GDestroyNotify) xmpp_transport_endpoints_free);
}

static void
provider_discover_async (XmppTransportProvider *provider,
                         const char            *domain,
                         const char            *ca_file,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  HttpTransportProvider *self = HTTP_TRANSPORT_PROVIDER (provider);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);

  g_task_set_source_tag (task, provider_discover_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  http_discovery_lookup_async (self->session, domain, ca_file, 0, cancellable,
                               discovered_cb, g_steal_pointer (&task));
}

static XmppTransportEndpoints *
provider_discover_finish (XmppTransportProvider  *provider,
                          GAsyncResult           *result,
                          GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Opening transports */

static void
websocket_connected_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  XmppTransport *transport;

  transport = http_websocket_transport_connect_finish (result, &error);
  if (transport == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, transport, g_object_unref);
}

static void
provider_open_async (XmppTransportProvider         *provider,
                     const XmppTransportOpenParams *params,
                     GCancellable                  *cancellable,
                     GAsyncReadyCallback            callback,
                     gpointer                       user_data)
{
  HttpTransportProvider *self = HTTP_TRANSPORT_PROVIDER (provider);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, provider_open_async);

  switch (params->kind)
    {
    case XMPP_TRANSPORT_WEBSOCKET:
      http_websocket_transport_connect_async (self->session, params, cancellable,
                                              websocket_connected_cb, g_steal_pointer (&task));
      return;

    case XMPP_TRANSPORT_BOSH:
      {
        GError *error = NULL;
        XmppTransport *transport = http_bosh_transport_new (self->session, params, &error);

        /* No request before the stream opens: failures show at the first read. */
        if (transport == NULL)
          g_task_return_error (task, error);
        else
          g_task_return_pointer (task, transport, g_object_unref);
        return;
      }

    case XMPP_TRANSPORT_AUTO:
    case XMPP_TRANSPORT_TCP:
    default:
      g_task_return_new_error (task, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_UNSUPPORTED,
                               "%s is not available", xmpp_transport_kind_to_string (params->kind));
      return;
    }
}

static XmppTransport *
provider_open_finish (XmppTransportProvider  *provider,
                      GAsyncResult           *result,
                      GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
provider_iface_init (XmppTransportProviderInterface *iface)
{
  iface->discover_async = provider_discover_async;
  iface->discover_finish = provider_discover_finish;
  iface->open_async = provider_open_async;
  iface->open_finish = provider_open_finish;
}
