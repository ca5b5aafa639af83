/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppTransport: an element-framed transport below an XML stream, for the
 * networks where only HTTPS gets through: WebSocket (RFC 7395) and BOSH
 * (XEP-0124/XEP-0206).
 *
 * A TCP stream is one XML document read byte by byte; these transports
 * carry standalone elements instead (one per WebSocket message, several
 * in one BOSH <body/>).  XmppStream runs over either
 * (xmpp_stream_new_for_transport()), so the connector, stream management,
 * the router and every module work unchanged on top.
 *
 * The transport owns its framing:
 *   - open_stream() starts the XMPP stream (RFC 7395 <open/>, or the BOSH
 *     session creation request); restart_stream() restarts it after SASL
 *     (a new <open/>, or the BOSH restart request of XEP-0206 §5);
 *   - send() queues one top-level element and serialises it with its
 *     namespace declared (xmlns='jabber:client' on stanzas), since every
 *     message or payload must stand alone;
 *   - read_async() returns the next event as XmppStream does: STREAM_OPEN
 *     with the <open/> attributes (or the BOSH session attributes) as a
 *     node, STANZA, or STREAM_CLOSE;
 *   - close() ends the session cleanly (<close/>, or a BOSH terminate
 *     request) and then drops the connection;
 *   - keepalive() proves the link alive without a stanza (a WebSocket
 *     ping, an empty BOSH request) where TCP would send whitespace.
 *
 * A transport is always secure (HTTPS or wss://, certificate checked);
 * a plain-text transport exists only on loopback for tests, and then
 * is_secure() says so.
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-node.h"
#include "xmpp-reader.h"

G_BEGIN_DECLS

#define XMPP_TRANSPORT_ERROR (xmpp_transport_error_quark ())
GQuark xmpp_transport_error_quark (void);

/**
 * XmppTransportError:
 * @XMPP_TRANSPORT_ERROR_SEE_OTHER_URI: the server sent the client elsewhere
 *   (RFC 7395 §3.6.1 see-other-uri, XEP-0124 §17 see-other-uri) and the
 *   redirect could not be followed (a second one, or an insecure URL)
 * @XMPP_TRANSPORT_ERROR_FRAMING: the peer broke the framing (a binary
 *   message, several elements in one message, a <stream:stream>…)
 * @XMPP_TRANSPORT_ERROR_INSECURE_URL: the URL is not https:// or wss://
 * @XMPP_TRANSPORT_ERROR_UNSUPPORTED: the provider cannot open this kind
 */
typedef enum {
  XMPP_TRANSPORT_ERROR_SEE_OTHER_URI,
  XMPP_TRANSPORT_ERROR_FRAMING,
  XMPP_TRANSPORT_ERROR_INSECURE_URL,
  XMPP_TRANSPORT_ERROR_UNSUPPORTED,
} XmppTransportError;

/**
 * XmppTransportKind:
 * @XMPP_TRANSPORT_AUTO: TCP (SRV, direct TLS, STARTTLS), then a WebSocket
 *   endpoint, then a BOSH endpoint (configured or discovered, XEP-0156)
 * @XMPP_TRANSPORT_TCP: TCP only
 * @XMPP_TRANSPORT_WEBSOCKET: WebSocket only (RFC 7395)
 * @XMPP_TRANSPORT_BOSH: BOSH only (XEP-0206)
 */
typedef enum {
  XMPP_TRANSPORT_AUTO,
  XMPP_TRANSPORT_TCP,
  XMPP_TRANSPORT_WEBSOCKET,
  XMPP_TRANSPORT_BOSH,
} XmppTransportKind;

/**
 * xmpp_transport_kind_from_string:
 * @text: "auto", "tcp", "websocket" or "bosh" (%NULL or empty: auto)
 * @kind: (out): the kind
 *
 * Returns: %FALSE when @text names no kind
 */
gboolean xmpp_transport_kind_from_string (const char        *text,
                                          XmppTransportKind *kind);

/** xmpp_transport_kind_to_string: Returns: "auto", "tcp", "websocket" or "bosh" */
const char *xmpp_transport_kind_to_string (XmppTransportKind kind);

#define XMPP_TYPE_TRANSPORT (xmpp_transport_get_type ())
G_DECLARE_INTERFACE (XmppTransport, xmpp_transport, XMPP, TRANSPORT, GObject)

/**
 * XmppTransportInterface:
 * @open_stream: see xmpp_transport_open_stream()
 * @restart_stream: see xmpp_transport_restart_stream(); %NULL: open_stream
 * @send: see xmpp_transport_send()
 * @read_async: see xmpp_transport_read_async()
 * @read_finish: see xmpp_transport_read_finish()
 * @flush_async: see xmpp_transport_flush_async()
 * @flush_finish: see xmpp_transport_flush_finish()
 * @close: see xmpp_transport_close()
 * @keepalive: see xmpp_transport_keepalive()
 * @is_secure: see xmpp_transport_is_secure()
 * @dup_channel_binding: (nullable): see xmpp_transport_dup_channel_binding()
 * @get_bytes_in: see xmpp_transport_get_bytes_in()
 * @get_bytes_out: see xmpp_transport_get_bytes_out()
 */
struct _XmppTransportInterface
{
  GTypeInterface g_iface;

  void            (*open_stream)         (XmppTransport *self,
                                          const char    *to,
                                          const char    *from);
  void            (*restart_stream)      (XmppTransport *self,
                                          const char    *to,
                                          const char    *from);
  void            (*send)                (XmppTransport  *self,
                                          const XmppNode *element);
  void            (*read_async)          (XmppTransport       *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
  XmppReaderEvent (*read_finish)         (XmppTransport  *self,
                                          GAsyncResult   *result,
                                          XmppNode      **node,
                                          GError        **error);
  void            (*flush_async)         (XmppTransport       *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
  gboolean        (*flush_finish)        (XmppTransport  *self,
                                          GAsyncResult   *result,
                                          GError        **error);
  void            (*close)               (XmppTransport *self);
  void            (*keepalive)           (XmppTransport *self);
  gboolean        (*is_secure)           (XmppTransport *self);
  GBytes *        (*dup_channel_binding) (XmppTransport          *self,
                                          GTlsChannelBindingType  type);
  guint64         (*get_bytes_in)        (XmppTransport *self);
  guint64         (*get_bytes_out)       (XmppTransport *self);
};

/**
 * xmpp_transport_open_stream:
 * @to: the server domain
 * @from: (nullable): the account's bare JID
 *
 * Starts the XMPP stream: RFC 7395 `<open to=… version='1.0'
 * xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>`, or the BOSH session
 * creation request (XEP-0206 §4).  The next read returns the server's
 * STREAM_OPEN, whose node carries version='1.0' (for BOSH: from
 * xmpp:version) and the server's from/id; stream features follow as a
 * STANZA (<stream:features/> in http://etherx.jabber.org/streams).
 */
void xmpp_transport_open_stream (XmppTransport *self,
                                 const char    *to,
                                 const char    *from);

/**
 * xmpp_transport_restart_stream:
 * @to: the server domain
 * @from: (nullable): the account's bare JID
 *
 * Restarts the stream after SASL success (RFC 6120 §6.4.6): a new <open/>
 * on WebSocket, the xmpp:restart request on BOSH (XEP-0206 §5).  Anything
 * received and not read yet is dropped.
 */
void xmpp_transport_restart_stream (XmppTransport *self,
                                    const char    *to,
                                    const char    *from);

/**
 * xmpp_transport_send:
 * @element: one top-level element (a stanza, or a SASL/SM/stream element)
 *
 * Queues @element.  It is serialised with its namespace declared, and
 * elements go out in the order they are sent.  A failure is reported by
 * the next read or flush.
 */
void xmpp_transport_send (XmppTransport  *self,
                          const XmppNode *element);

/**
 * xmpp_transport_read_async:
 *
 * Reads the next event.  Only one read may be pending.
 */
void xmpp_transport_read_async (XmppTransport       *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);

/**
 * xmpp_transport_read_finish:
 * @node: (out) (transfer full) (optional): the stanza, or the stream
 *   attributes for STREAM_OPEN
 *
 * Returns: the event, or %XMPP_READER_EVENT_NONE with @error set: an
 *   XMPP_READER_ERROR for bad XML in a message, XMPP_TRANSPORT_ERROR for
 *   broken framing or a redirect that cannot be followed, XMPP_STREAM_ERROR
 *   (CLOSED when the connection ended, IO, TIMEOUT) or G_IO_ERROR_CANCELLED
 */
XmppReaderEvent xmpp_transport_read_finish (XmppTransport  *self,
                                            GAsyncResult   *result,
                                            XmppNode      **node,
                                            GError        **error);

/**
 * xmpp_transport_flush_async:
 *
 * Completes once everything queued so far has been handed to the network.
 */
void xmpp_transport_flush_async (XmppTransport       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
/** xmpp_transport_flush_finish: Returns: %FALSE with @error when sending failed */
gboolean xmpp_transport_flush_finish (XmppTransport  *self,
                                      GAsyncResult   *result,
                                      GError        **error);

/**
 * xmpp_transport_close:
 *
 * Ends the stream cleanly (RFC 7395 <close/>, XEP-0124 terminate) once the
 * queue is sent, then closes the connection.  A pending read may still
 * receive the server's answer; cancel it to close at once.  A no-op when
 * already closed.
 */
void xmpp_transport_close (XmppTransport *self);

/**
 * xmpp_transport_keepalive:
 *
 * Sends the transport's cheapest proof of life (a WebSocket ping, an empty
 * BOSH request).  Whether the link is dead is decided by the caller from
 * the absence of incoming data.
 */
void xmpp_transport_keepalive (XmppTransport *self);

/** xmpp_transport_is_secure: Returns: whether the transport is encrypted and its certificate was checked */
gboolean xmpp_transport_is_secure (XmppTransport *self);

/**
 * xmpp_transport_dup_channel_binding:
 *
 * Returns: (transfer full) (nullable): channel-binding data of the TLS
 *   connection that carries the XMPP stream end to end, or %NULL (the
 *   usual answer: an HTTP front end terminates TLS, so SCRAM then uses the
 *   GS2 flag "n", never "y" or -PLUS)
 */
GBytes *xmpp_transport_dup_channel_binding (XmppTransport          *self,
                                            GTlsChannelBindingType  type);

/** xmpp_transport_get_bytes_in: Returns: bytes received on the wire (framing and HTTP included) */
guint64 xmpp_transport_get_bytes_in (XmppTransport *self);
/** xmpp_transport_get_bytes_out: Returns: bytes sent on the wire (framing and HTTP included) */
guint64 xmpp_transport_get_bytes_out (XmppTransport *self);

/* ------------------------------------------------------------------ */

/**
 * XmppTransportEndpoints:
 * @websocket_url: (nullable): a wss:// URL (XEP-0156 urn:xmpp:alt-connections:websocket)
 * @bosh_url: (nullable): an https:// URL (XEP-0156 urn:xmpp:alt-connections:xbosh)
 */
typedef struct
{
  char *websocket_url;
  char *bosh_url;
} XmppTransportEndpoints;

/** xmpp_transport_endpoints_free: frees @endpoints and its strings */
void xmpp_transport_endpoints_free (XmppTransportEndpoints *endpoints);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppTransportEndpoints, xmpp_transport_endpoints_free)

/**
 * XmppTransportOpenParams:
 * @kind: %XMPP_TRANSPORT_WEBSOCKET or %XMPP_TRANSPORT_BOSH
 * @url: the endpoint (wss:// or https://)
 * @domain: the JID's domain (the `to` of the stream)
 * @ca_file: (nullable): extra certificate authorities (PEM), as for TCP
 * @allow_insecure_loopback: accept ws:// or http:// when the URL's host is
 *   a loopback address (tests)
 * @limits: (nullable): the reader limits of the TCP stream, for each
 *   message or payload
 */
typedef struct
{
  XmppTransportKind kind;
  const char *url;
  const char *domain;
  const char *ca_file;
  gboolean allow_insecure_loopback;
  const XmppReaderLimits *limits;
} XmppTransportOpenParams;

#define XMPP_TYPE_TRANSPORT_PROVIDER (xmpp_transport_provider_get_type ())
G_DECLARE_INTERFACE (XmppTransportProvider, xmpp_transport_provider, XMPP, TRANSPORT_PROVIDER, GObject)

/**
 * XmppTransportProviderInterface:
 * @discover_async: look up the endpoints of a domain (XEP-0156 over HTTPS)
 * @discover_finish: (transfer full): the endpoints; an empty struct when
 *   none were found; %NULL with an error only when cancelled
 * @open_async: connect a transport of the given kind
 * @open_finish: (transfer full): the transport, or %NULL with an error in
 *   XMPP_STREAM_ERROR (DNS, REFUSED, TIMEOUT, IO: the endpoint was not
 *   reachable; TLS, NO_TLS: a security failure) or XMPP_TRANSPORT_ERROR
 *
 * The HTTP layer implements this; the XMPP core only asks.
 */
struct _XmppTransportProviderInterface
{
  GTypeInterface g_iface;

  void                    (*discover_async)  (XmppTransportProvider *self,
                                              const char            *domain,
                                              const char            *ca_file,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
  XmppTransportEndpoints *(*discover_finish) (XmppTransportProvider  *self,
                                              GAsyncResult           *result,
                                              GError                **error);
  void                    (*open_async)      (XmppTransportProvider         *self,
                                              const XmppTransportOpenParams *params,
                                              GCancellable                  *cancellable,
                                              GAsyncReadyCallback            callback,
                                              gpointer                       user_data);
  XmppTransport *         (*open_finish)     (XmppTransportProvider  *self,
                                              GAsyncResult           *result,
                                              GError                **error);
};

/**
 * xmpp_transport_provider_discover_async:
 * @domain: the JID's domain
 * @ca_file: (nullable): extra certificate authorities for the HTTPS lookup
 *
 * Looks up the WebSocket and BOSH endpoints of @domain (XEP-0156, HTTPS
 * only, never the DNS TXT record).
 */
void xmpp_transport_provider_discover_async (XmppTransportProvider *self,
                                             const char            *domain,
                                             const char            *ca_file,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);

/**
 * xmpp_transport_provider_discover_finish:
 *
 * Returns: (transfer full) (nullable): the endpoints found (both fields
 *   %NULL when none), or %NULL with @error when cancelled
 */
XmppTransportEndpoints *xmpp_transport_provider_discover_finish (XmppTransportProvider  *self,
                                                                 GAsyncResult           *result,
                                                                 GError                **error);

/**
 * xmpp_transport_provider_open_async:
 * @params: copied as needed; the caller keeps its strings
 *
 * Connects a transport (for WebSocket: the HTTP upgrade; for BOSH the
 * first request may wait for xmpp_transport_open_stream()).
 */
void xmpp_transport_provider_open_async (XmppTransportProvider         *self,
                                         const XmppTransportOpenParams *params,
                                         GCancellable                  *cancellable,
                                         GAsyncReadyCallback            callback,
                                         gpointer                       user_data);

/**
 * xmpp_transport_provider_open_finish:
 *
 * Returns: (transfer full) (nullable): the transport, or %NULL with @error
 *   (see #XmppTransportProviderInterface)
 */
XmppTransport *xmpp_transport_provider_open_finish (XmppTransportProvider  *self,
                                                    GAsyncResult           *result,
                                                    GError                **error);

/**
 * xmpp_transport_error_is_unreachable:
 * @error: an error from opening a transport or a TCP attempt
 *
 * Returns: whether @error only says the endpoint could not be reached
 *   (DNS, refused, timeout, connection failure), so the next transport may
 *   be tried; %FALSE for security failures (certificate, no TLS, SASL,
 *   insecure URL, redirect) and anything the server said
 */
gboolean xmpp_transport_error_is_unreachable (const GError *error);

G_END_DECLS
