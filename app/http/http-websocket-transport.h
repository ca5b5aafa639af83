/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * HttpWebsocketTransport: XMPP over WebSocket (RFC 7395), an XmppTransport.
 *
 *   - wss:// only; ws:// only on loopback when the caller forces it;
 *   - the "xmpp" subprotocol must be in the server's answer (§3.3);
 *   - each text message is exactly one element (§3.3.3), parsed in document
 *     mode with the limits of the TCP stream; a binary message, several
 *     elements, text outside the element or a <stream:stream> is a framing
 *     error that ends the connection;
 *   - <open/> and <close/> in urn:ietf:params:xml:ns:xmpp-framing; a
 *     <close see-other-uri=…/> in answer to the first <open/> is followed
 *     once, under the same URL rules (§3.6.1);
 *   - liveness by WebSocket ping/pong (the keepalive).
 *
 * Byte counters are WebSocket frames (headers, masks, payloads) plus the
 * HTTP upgrade, measured above TLS like the TCP stream's.
 */
#pragma once

#include <libsoup/soup.h>

#include "xmpp-transport.h"

G_BEGIN_DECLS

#define HTTP_NS_FRAMING "urn:ietf:params:xml:ns:xmpp-framing"

#define HTTP_TYPE_WEBSOCKET_TRANSPORT (http_websocket_transport_get_type ())
G_DECLARE_FINAL_TYPE (HttpWebsocketTransport, http_websocket_transport, HTTP, WEBSOCKET_TRANSPORT, GObject)

/**
 * http_websocket_transport_connect_async:
 * @session: the session to connect with
 * @params: the URL, domain, extra CA and limits (copied)
 *
 * Performs the WebSocket handshake.
 */
void http_websocket_transport_connect_async (SoupSession                   *session,
                                             const XmppTransportOpenParams *params,
                                             GCancellable                  *cancellable,
                                             GAsyncReadyCallback            callback,
                                             gpointer                       user_data);

/**
 * http_websocket_transport_connect_finish:
 *
 * Returns: (transfer full) (nullable): the transport, or %NULL with an
 *   error: XMPP_TRANSPORT_ERROR_INSECURE_URL, XMPP_STREAM_ERROR_TLS for a
 *   certificate problem, _PROTOCOL when the server refuses the "xmpp"
 *   subprotocol, DNS/REFUSED/TIMEOUT/IO when the endpoint is unreachable
 */
XmppTransport *http_websocket_transport_connect_finish (GAsyncResult  *result,
                                                        GError       **error);

/**
 * http_websocket_parse_message:
 * @data: the text of one WebSocket message
 * @len: its length
 * @limits: (nullable): reader limits
 * @node: (out) (transfer full): the element
 *
 * Parses one RFC 7395 message.
 *
 * Returns: STREAM_OPEN for <open/>, STREAM_CLOSE for <close/> (@node holds
 *   it, for see-other-uri), STANZA for anything else, or
 *   %XMPP_READER_EVENT_NONE with an XMPP_READER_ERROR (bad XML, limits) or
 *   XMPP_TRANSPORT_ERROR_FRAMING (several elements, <stream:stream>)
 */
XmppReaderEvent http_websocket_parse_message (const char              *data,
                                              gsize                    len,
                                              const XmppReaderLimits  *limits,
                                              XmppNode               **node,
                                              GError                 **error);

G_END_DECLS
