/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xmpp-transport"

#include "xmpp-transport.h"

#include "xmpp-error.h"

G_DEFINE_QUARK (xmpp-transport-error-quark, xmpp_transport_error)

G_DEFINE_INTERFACE (XmppTransport, xmpp_transport, G_TYPE_OBJECT)
G_DEFINE_INTERFACE (XmppTransportProvider, xmpp_transport_provider, G_TYPE_OBJECT)

static const char * const kind_names[] = {
  [XMPP_TRANSPORT_AUTO] = "auto",
  [XMPP_TRANSPORT_TCP] = "tcp",
  [XMPP_TRANSPORT_WEBSOCKET] = "websocket",
  [XMPP_TRANSPORT_BOSH] = "bosh",
};

gboolean
xmpp_transport_kind_from_string (const char        *text,
                                 XmppTransportKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (text == NULL || *text == '\0')
    {
      *kind = XMPP_TRANSPORT_AUTO;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_ascii_strcasecmp (text, kind_names[i]) == 0)
        {
          *kind = (XmppTransportKind) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
xmpp_transport_kind_to_string (XmppTransportKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), "auto");

  return kind_names[kind];
}

static void
xmpp_transport_default_init (XmppTransportInterface *iface)
{
}

static void
xmpp_transport_provider_default_init (XmppTransportProviderInterface *iface)
{
}

void
xmpp_transport_open_stream (XmppTransport *self,
                            const char    *to,
                            const char    *from)
{
  g_return_if_fail (XMPP_IS_TRANSPORT (self));
  g_return_if_fail (to != NULL);

  XMPP_TRANSPORT_GET_IFACE (self)->open_stream (self, to, from);
}

void
xmpp_transport_restart_stream (XmppTransport *self,
                               const char    *to,
                               const char    *from)
{
  XmppTransportInterface *iface;

  g_return_if_fail (XMPP_IS_TRANSPORT (self));
  g_return_if_fail (to != NULL);

  iface = XMPP_TRANSPORT_GET_IFACE (self);
  if (iface->restart_stream != NULL)
    iface->restart_stream (self, to, from);
  else
    iface->open_stream (self, to, from);
}

void
xmpp_transport_send (XmppTransport  *self,
                     const XmppNode *element)
{
  g_return_if_fail (XMPP_IS_TRANSPORT (self));
  g_return_if_fail (element != NULL);

  XMPP_TRANSPORT_GET_IFACE (self)->send (self, element);
}

void
xmpp_transport_read_async (XmppTransport       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (XMPP_IS_TRANSPORT (self));

  XMPP_TRANSPORT_GET_IFACE (self)->read_async (self, cancellable, callback, user_data);
}

XmppReaderEvent
xmpp_transport_read_finish (XmppTransport  *self,
                            GAsyncResult   *result,
                            XmppNode      **node,
                            GError        **error)
{
  g_return_val_if_fail (XMPP_IS_TRANSPORT (self), XMPP_READER_EVENT_NONE);

  return XMPP_TRANSPORT_GET_IFACE (self)->read_finish (self, result, node, error);
}

void
xmpp_transport_flush_async (XmppTransport       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (XMPP_IS_TRANSPORT (self));

  XMPP_TRANSPORT_GET_IFACE (self)->flush_async (self, cancellable, callback, user_data);
}

gboolean
xmpp_transport_flush_finish (XmppTransport  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (XMPP_IS_TRANSPORT (self), FALSE);

  return XMPP_TRANSPORT_GET_IFACE (self)->flush_finish (self, result, error);
}

void
xmpp_transport_close (XmppTransport *self)
{
  g_return_if_fail (XMPP_IS_TRANSPORT (self));

  XMPP_TRANSPORT_GET_IFACE (self)->close (self);
}

void
xmpp_transport_keepalive (XmppTransport *self)
{
  XmppTransportInterface *iface;

  g_return_if_fail (XMPP_IS_TRANSPORT (self));

  iface = XMPP_TRANSPORT_GET_IFACE (self);
  if (iface->keepalive != NULL)
    iface->keepalive (self);
}

gboolean
xmpp_transport_is_secure (XmppTransport *self)
{
  g_return_val_if_fail (XMPP_IS_TRANSPORT (self), FALSE);

  return XMPP_TRANSPORT_GET_IFACE (self)->is_secure (self);
}

GBytes *
xmpp_transport_dup_channel_binding (XmppTransport          *self,
                                    GTlsChannelBindingType  type)
{
  XmppTransportInterface *iface;

  g_return_val_if_fail (XMPP_IS_TRANSPORT (self), NULL);

  iface = XMPP_TRANSPORT_GET_IFACE (self);
  if (iface->dup_channel_binding == NULL)
    return NULL;

  return iface->dup_channel_binding (self, type);
}

guint64
xmpp_transport_get_bytes_in (XmppTransport *self)
{
  g_return_val_if_fail (XMPP_IS_TRANSPORT (self), 0);

  return XMPP_TRANSPORT_GET_IFACE (self)->get_bytes_in (self);
}

guint64
xmpp_transport_get_bytes_out (XmppTransport *self)
{
  g_return_val_if_fail (XMPP_IS_TRANSPORT (self), 0);

  return XMPP_TRANSPORT_GET_IFACE (self)->get_bytes_out (self);
}

void
xmpp_transport_endpoints_free (XmppTransportEndpoints *endpoints)
{
  if (endpoints == NULL)
    return;

  g_free (endpoints->websocket_url);
  g_free (endpoints->bosh_url);
  g_free (endpoints);
}

void
xmpp_transport_provider_discover_async (XmppTransportProvider *self,
                                        const char            *domain,
                                        const char            *ca_file,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data)
{
  g_return_if_fail (XMPP_IS_TRANSPORT_PROVIDER (self));
  g_return_if_fail (domain != NULL);

  XMPP_TRANSPORT_PROVIDER_GET_IFACE (self)->discover_async (self, domain, ca_file, cancellable,
                                                            callback, user_data);
}

XmppTransportEndpoints *
xmpp_transport_provider_discover_finish (XmppTransportProvider  *self,
                                         GAsyncResult           *result,
                                         GError                **error)
{
  g_return_val_if_fail (XMPP_IS_TRANSPORT_PROVIDER (self), NULL);

  return XMPP_TRANSPORT_PROVIDER_GET_IFACE (self)->discover_finish (self, result, error);
}

void
xmpp_transport_provider_open_async (XmppTransportProvider         *self,
                                    const XmppTransportOpenParams *params,
                                    GCancellable                  *cancellable,
                                    GAsyncReadyCallback            callback,
                                    gpointer                       user_data)
{
  g_return_if_fail (XMPP_IS_TRANSPORT_PROVIDER (self));
  g_return_if_fail (params != NULL && params->url != NULL && params->domain != NULL);

  XMPP_TRANSPORT_PROVIDER_GET_IFACE (self)->open_async (self, params, cancellable,
                                                        callback, user_data);
}

XmppTransport *
xmpp_transport_provider_open_finish (XmppTransportProvider  *self,
                                     GAsyncResult           *result,
                                     GError                **error)
{
  g_return_val_if_fail (XMPP_IS_TRANSPORT_PROVIDER (self), NULL);

  return XMPP_TRANSPORT_PROVIDER_GET_IFACE (self)->open_finish (self, result, error);
}

gboolean
xmpp_transport_error_is_unreachable (const GError *error)
{
  if (error == NULL || error->domain != XMPP_STREAM_ERROR)
    return FALSE;

  switch ((XmppStreamErrorCode) error->code)
    {
    case XMPP_STREAM_ERROR_DNS:
    case XMPP_STREAM_ERROR_REFUSED:
    case XMPP_STREAM_ERROR_TIMEOUT:
    case XMPP_STREAM_ERROR_IO:
      return TRUE;
    case XMPP_STREAM_ERROR_CONDITION:
    case XMPP_STREAM_ERROR_CLOSED:
    case XMPP_STREAM_ERROR_NO_TLS:
    case XMPP_STREAM_ERROR_TLS:
    case XMPP_STREAM_ERROR_PROTOCOL:
    case XMPP_STREAM_ERROR_BIND:
    default:
      return FALSE;
    }
}
