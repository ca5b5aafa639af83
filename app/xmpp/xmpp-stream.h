/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppStream: one XML stream over a byte stream (a TCP or TLS connection,
 * or an in-memory pipe in tests).
 *
 * Reading is pulled: xmpp_stream_read_async() returns the next top-level
 * event, and the socket is read only while a read is requested.  That keeps
 * the socket idle at the moments the protocol needs it idle (between
 * <proceed/> and the TLS handshake) and lets the caller drop whatever the
 * server sent too early (RFC 6120 §5.4.3.3).
 *
 * Writing is queued: xmpp_stream_send() serialises at once and the bytes go
 * out in order, one write at a time.  A write failure is remembered and
 * reported by the next read.
 *
 * The same stream runs over an element-framed XmppTransport (WebSocket,
 * BOSH) instead of a byte stream: then the transport frames and parses,
 * and the stream keeps the queue order, the single pending read, the
 * protocol log and its masking.
 *
 * Every element in or out can be observed for a protocol log; the log sees
 * SASL payloads and password fields masked.
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-node.h"
#include "xmpp-reader.h"
#include "xmpp-transport.h"

G_BEGIN_DECLS

#define XMPP_TYPE_STREAM (xmpp_stream_get_type ())
G_DECLARE_FINAL_TYPE (XmppStream, xmpp_stream, XMPP, STREAM, GObject)

/**
 * XmppStreamLogFunc:
 * @incoming: whether the text was received
 * @text: the XML, with secrets masked
 *
 * Receives a copy of the protocol for --verbose.
 */
typedef void (*XmppStreamLogFunc) (gboolean    incoming,
                                   const char *text,
                                   gpointer    user_data);

/**
 * xmpp_stream_new:
 * @base: the connection to speak over
 * @limits: (nullable): reader limits, %NULL for the defaults
 *
 * Returns: (transfer full): a stream
 */
XmppStream *xmpp_stream_new (GIOStream              *base,
                             const XmppReaderLimits *limits) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_stream_new_for_transport:
 * @transport: an element-framed transport, already connected and secure
 *
 * The stream counts as encrypted when the transport says it is secure;
 * STARTTLS is not available on it.
 *
 * Returns: (transfer full): a stream
 */
XmppStream *xmpp_stream_new_for_transport (XmppTransport *transport) G_GNUC_WARN_UNUSED_RESULT;

/** xmpp_stream_get_transport: Returns: (transfer none) (nullable): the transport, %NULL on a byte stream */
XmppTransport *xmpp_stream_get_transport (XmppStream *self);

/** xmpp_stream_get_base: Returns: (transfer none) (nullable): the current connection, %NULL on a transport */
GIOStream *xmpp_stream_get_base (XmppStream *self);

/**
 * xmpp_stream_set_log_func:
 * @func: (nullable): the log receiver, %NULL to stop logging
 */
void xmpp_stream_set_log_func (XmppStream        *self,
                               XmppStreamLogFunc  func,
                               gpointer           user_data);

/**
 * xmpp_stream_set_default_ns:
 *
 * Sets the namespace stanzas are written in ("jabber:client" by default).
 */
void xmpp_stream_set_default_ns (XmppStream *self,
                                 const char *ns);

/**
 * xmpp_stream_open:
 * @to: the server domain
 * @from: (nullable): the account's bare JID
 *
 * Resets the reader (anything received and not read yet is dropped) and
 * sends a new stream header.  On a transport the first call opens the
 * stream and later ones restart it (xmpp_transport_restart_stream()).
 */
void xmpp_stream_open (XmppStream *self,
                       const char *to,
                       const char *from);

/**
 * xmpp_stream_send:
 *
 * Queues @stanza for writing.  Stanzas go out in the order they are sent.
 */
void xmpp_stream_send (XmppStream     *self,
                       const XmppNode *stanza);

/** xmpp_stream_send_raw: queues @text verbatim (stream header, whitespace ping); not on a transport */
void xmpp_stream_send_raw (XmppStream *self,
                           const char *text);

/**
 * xmpp_stream_keepalive:
 *
 * Sends the cheapest proof of life: one space on a byte stream (RFC 6120
 * §4.6.1), the transport's own keepalive (a WebSocket ping, an empty BOSH
 * request) on a transport.
 */
void xmpp_stream_keepalive (XmppStream *self);

/**
 * xmpp_stream_read_async:
 *
 * Reads the next event: a stream header, a stanza or the end of the stream.
 * Only one read may be pending.
 */
void xmpp_stream_read_async (XmppStream          *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);

/**
 * xmpp_stream_read_finish:
 * @node: (out) (transfer full) (optional): the stanza or stream header
 *
 * Returns: the event, or %XMPP_READER_EVENT_NONE with @error set (an
 *   XMPP_READER_ERROR for bad XML, a G_IO_ERROR for the connection, or
 *   XMPP_STREAM_ERROR_CLOSED when the peer closed the connection)
 */
XmppReaderEvent xmpp_stream_read_finish (XmppStream    *self,
                                         GAsyncResult  *result,
                                         XmppNode     **node,
                                         GError       **error);

/**
 * xmpp_stream_flush_async:
 *
 * Completes once everything queued so far has been written.
 */
void xmpp_stream_flush_async (XmppStream          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
/** xmpp_stream_flush_finish: Returns: %FALSE with @error when a write failed */
gboolean xmpp_stream_flush_finish (XmppStream    *self,
                                   GAsyncResult  *result,
                                   GError       **error);

/**
 * xmpp_stream_start_tls_async:
 * @identity: the name the certificate must carry (the JID's domain, never
 *   an SRV target)
 * @extra_ca: (nullable): a PEM file with certificate authorities trusted in
 *   addition to the system's
 * @alpn: (nullable): the ALPN protocol to advertise ("xmpp-client" for
 *   direct TLS)
 *
 * Wraps the connection in TLS and performs the handshake.  The reader is
 * reset first, so bytes received before the handshake are discarded.  No
 * read or write may be pending.
 */
void xmpp_stream_start_tls_async (XmppStream          *self,
                                  GSocketConnectable  *identity,
                                  const char          *extra_ca,
                                  const char          *alpn,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/** xmpp_stream_start_tls_finish: Returns: %FALSE with XMPP_STREAM_ERROR_TLS for a certificate problem, XMPP_STREAM_ERROR_IO when the link failed */
gboolean xmpp_stream_start_tls_finish (XmppStream    *self,
                                       GAsyncResult  *result,
                                       GError       **error);

/** xmpp_stream_is_tls: Returns: whether the connection is encrypted */
gboolean xmpp_stream_is_tls (XmppStream *self);

/**
 * xmpp_stream_accept_certificate:
 * @extra_db: (nullable): the account's one extra certificate authority
 * @identity: the name the certificate must carry
 * @peer_cert: a certificate the system's trust store rejected
 * @errors: what the system found wrong with it
 * @verdict: (out): @errors, or what @extra_db finds wrong when there is one
 *
 * The only exception to the system's trust store, for TCP and the HTTP
 * transports alike: the chain verifies against @extra_db, identity
 * included.  Nothing else is ever accepted (no "accept once").
 *
 * Returns: whether the certificate is accepted
 */
gboolean xmpp_stream_accept_certificate (GTlsDatabase         *extra_db,
                                         GSocketConnectable   *identity,
                                         GTlsCertificate      *peer_cert,
                                         GTlsCertificateFlags  errors,
                                         GTlsCertificateFlags *verdict);

/**
 * xmpp_stream_dup_channel_binding:
 * @type: G_TLS_CHANNEL_BINDING_TLS_EXPORTER or _TLS_SERVER_END_POINT
 *
 * Returns: (transfer full) (nullable): the channel-binding data, or %NULL
 *   when the connection is not TLS or the backend cannot provide it
 */
GBytes *xmpp_stream_dup_channel_binding (XmppStream            *self,
                                         GTlsChannelBindingType type);

/**
 * xmpp_stream_close:
 *
 * Sends `</stream:stream>` (once) and closes the connection after the
 * queue is written and no read is pending: a pending read can still
 * receive the server's closing tag (RFC 6120 §4.4); cancel it to close at
 * once.  A no-op when already closed.
 */
void xmpp_stream_close (XmppStream *self);

/** xmpp_stream_get_bytes_in: Returns: bytes received since creation */
guint64 xmpp_stream_get_bytes_in (XmppStream *self);
/** xmpp_stream_get_bytes_out: Returns: bytes sent since creation */
guint64 xmpp_stream_get_bytes_out (XmppStream *self);

G_END_DECLS
