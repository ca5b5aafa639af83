/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Connection discovery (XEP-0156) over HTTPS only.
 *
 *   - https://DOMAIN/.well-known/host-meta.json first (RFC 6415 JSON), then
 *     https://DOMAIN/.well-known/host-meta (XRD) when the JSON document
 *     gave no usable link; never the DNS TXT record, which anyone on the
 *     path can forge;
 *   - the certificate must name DOMAIN (the JID's domain), checked against
 *     the system's authorities plus the account's extra CA file;
 *   - links: urn:xmpp:alt-connections:websocket with a wss:// URL and
 *     urn:xmpp:alt-connections:xbosh with an https:// URL; the first
 *     secure one of each wins, insecure ones (ws://, http://) are ignored;
 *   - documents are limited to HTTP_DISCOVERY_MAX_SIZE bytes, each fetch
 *     to a deadline; a redirect is followed only to https:// on DOMAIN
 *     itself, at most HTTP_DISCOVERY_MAX_REDIRECTS times;
 *   - the XRD document is parsed by XmppReader in document mode (no
 *     DOCTYPE, entities, comments; small depth and attribute limits), the
 *     JSON one by json-glib after a nesting-depth check.
 */
#pragma once

#include <libsoup/soup.h>

#include "xmpp-transport.h"

G_BEGIN_DECLS

#define HTTP_DISCOVERY_REL_WEBSOCKET "urn:xmpp:alt-connections:websocket"
#define HTTP_DISCOVERY_REL_BOSH      "urn:xmpp:alt-connections:xbosh"
#define HTTP_DISCOVERY_NS_XRD        "http://docs.oasis-open.org/ns/xri/xrd-1.0"

/** Largest host-meta document accepted, in bytes. */
#define HTTP_DISCOVERY_MAX_SIZE (64 * 1024)
/** Redirects followed for one document (https:// on the same domain only). */
#define HTTP_DISCOVERY_MAX_REDIRECTS 3
/** Default deadline of one document fetch, in milliseconds. */
#define HTTP_DISCOVERY_TIMEOUT_MS 10000

#define HTTP_DISCOVERY_ERROR (http_discovery_error_quark ())
GQuark http_discovery_error_quark (void);

/**
 * HttpDiscoveryError:
 * @HTTP_DISCOVERY_ERROR_NOT_FOUND: no document, or no usable link in it
 * @HTTP_DISCOVERY_ERROR_MALFORMED: the document is not valid XRD or JSON
 * @HTTP_DISCOVERY_ERROR_TOO_LARGE: the document exceeds the size limit
 * @HTTP_DISCOVERY_ERROR_REDIRECT: a redirect off https:// or off the domain,
 *   or too many
 * @HTTP_DISCOVERY_ERROR_TIMEOUT: the server did not answer in time
 */
typedef enum {
  HTTP_DISCOVERY_ERROR_NOT_FOUND,
  HTTP_DISCOVERY_ERROR_MALFORMED,
  HTTP_DISCOVERY_ERROR_TOO_LARGE,
  HTTP_DISCOVERY_ERROR_REDIRECT,
  HTTP_DISCOVERY_ERROR_TIMEOUT,
} HttpDiscoveryError;

/**
 * http_discovery_parse_xrd:
 * @data: an XRD host-meta document
 * @len: its length (at most %HTTP_DISCOVERY_MAX_SIZE)
 * @endpoints: (inout): fields still %NULL are filled from the document
 *
 * Returns: %FALSE with HTTP_DISCOVERY_ERROR_MALFORMED (or _TOO_LARGE) when
 *   the document is not a well-formed XRD; %TRUE otherwise, also when it
 *   had no usable link
 */
gboolean http_discovery_parse_xrd (const char              *data,
                                   gsize                    len,
                                   XmppTransportEndpoints  *endpoints,
                                   GError                 **error);

/**
 * http_discovery_parse_json:
 * @data: a JSON host-meta document
 * @len: its length (at most %HTTP_DISCOVERY_MAX_SIZE)
 * @endpoints: (inout): fields still %NULL are filled from the document
 *
 * Returns: see http_discovery_parse_xrd()
 */
gboolean http_discovery_parse_json (const char              *data,
                                    gsize                    len,
                                    XmppTransportEndpoints  *endpoints,
                                    GError                 **error);

/**
 * http_discovery_lookup_async:
 * @session: the session to fetch with (its "remote-connectable", if set,
 *   is where every connection goes: tests point DOMAIN at loopback so)
 * @domain: the JID's domain
 * @ca_file: (nullable): extra certificate authorities (PEM)
 * @timeout_ms: deadline of each document fetch; 0 for
 *   %HTTP_DISCOVERY_TIMEOUT_MS
 *
 * Looks up the WebSocket and BOSH endpoints of @domain.
 */
void http_discovery_lookup_async (SoupSession         *session,
                                  const char          *domain,
                                  const char          *ca_file,
                                  guint                timeout_ms,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);

/**
 * http_discovery_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the endpoints, at least one of them
 *   set; or %NULL with @error: G_IO_ERROR_CANCELLED, HTTP_DISCOVERY_ERROR,
 *   or XMPP_STREAM_ERROR (TLS for a certificate that does not name the
 *   domain or is not trusted; DNS, REFUSED, TIMEOUT, IO) for the last
 *   document tried
 */
XmppTransportEndpoints *http_discovery_lookup_finish (GAsyncResult  *result,
                                                      GError       **error);

G_END_DECLS
