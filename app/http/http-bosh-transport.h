/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * HttpBoshTransport: XMPP over BOSH (XEP-0124, XEP-0206), an XmppTransport.
 *
 *   - https:// only; http:// only on loopback when the caller forces it;
 *     the certificate is checked as for TCP (http-tls.h);
 *   - session creation with a random initial rid below 2^53, incremented
 *     by one per request; hold='1', wait='60', ver='1.6',
 *     xmpp:version='1.0'; the server's sid, requests, hold, wait and
 *     polling are honoured (a request is always out, or a poll every
 *     `polling` seconds when the server holds none, so `inactivity` never
 *     runs out; Petrel never pauses, so `maxpause` is only recorded);
 *   - one request is always left with the server so it can push; elements
 *     sent in one main-loop turn go in one request; up to `requests`
 *     requests at once; responses are processed in rid order;
 *   - a request whose response was lost is sent again with the same rid
 *     and the same payload (XEP-0124 §14), a few times;
 *   - xmpp:restart='true' after SASL (XEP-0206 §5), type='terminate' on
 *     close; a terminate from the server ends the stream (no condition)
 *     or fails it with the condition mapped to an error;
 *   - each response is parsed by XmppReader in document mode with the TCP
 *     stream's limits (one level deeper, for the <body/>); it must be a
 *     <body/> in http://jabber.org/protocol/httpbind with our sid.
 *
 * Byte counters are HTTP requests and responses (request and status lines,
 * headers, bodies) measured above TLS.
 */
#pragma once

#include <libsoup/soup.h>

#include "xmpp-transport.h"

G_BEGIN_DECLS

#define HTTP_NS_HTTPBIND "http://jabber.org/protocol/httpbind"
#define HTTP_NS_XBOSH    "urn:xmpp:xbosh"

/** The wait='…' Petrel asks for, in seconds. */
#define HTTP_BOSH_WAIT 60
/** How many times in all a request is sent while its responses are lost. */
#define HTTP_BOSH_MAX_RETRIES 3

#define HTTP_TYPE_BOSH_TRANSPORT (http_bosh_transport_get_type ())
G_DECLARE_FINAL_TYPE (HttpBoshTransport, http_bosh_transport, HTTP, BOSH_TRANSPORT, GObject)

/**
 * http_bosh_transport_new:
 * @session: where the remote-connectable and user agent are taken from;
 *   the transport makes its own session for its long-lived requests
 * @params: the URL, domain, extra CA and limits (copied)
 *
 * No request is made before xmpp_transport_open_stream().
 *
 * Returns: (transfer full) (nullable): the transport, or %NULL with
 *   XMPP_TRANSPORT_ERROR_INSECURE_URL (or G_URI_ERROR)
 */
XmppTransport *http_bosh_transport_new (SoupSession                   *session,
                                        const XmppTransportOpenParams *params,
                                        GError                       **error);

/**
 * http_bosh_transport_set_initial_rid:
 *
 * Fixes the first rid (tests); call before opening the stream.
 */
void http_bosh_transport_set_initial_rid (HttpBoshTransport *self,
                                          guint64            rid);

/**
 * http_bosh_parse_body:
 * @data: one HTTP response body
 * @len: its length
 * @limits: (nullable): the stream's reader limits
 * @body: (out) (transfer full): the <body/> with its children
 *
 * Returns: %FALSE with XMPP_READER_ERROR (bad XML, limits) or
 *   XMPP_TRANSPORT_ERROR_FRAMING (not a <body/> in the httpbind namespace)
 */
gboolean http_bosh_parse_body (const char              *data,
                               gsize                    len,
                               const XmppReaderLimits  *limits,
                               XmppNode               **body,
                               GError                 **error);

/**
 * http_bosh_terminate_error:
 * @body: a <body type='terminate'/>
 *
 * Returns: (transfer full) (nullable): %NULL for a clean end (no
 *   condition, or remote-stream-error whose <stream:error/> the stream
 *   reads itself); else XMPP_TRANSPORT_ERROR_SEE_OTHER_URI,
 *   XMPP_STREAM_ERROR_CLOSED (item-not-found, system-shutdown,
 *   other-request: the session is gone), _IO (remote-connection-failed,
 *   internal-server-error) or _PROTOCOL (anything else), naming the
 *   condition
 */
GError *http_bosh_terminate_error (const XmppNode *body);

G_END_DECLS
