/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * TLS rules shared by the HTTPS transports (WebSocket, BOSH) and
 * discovery: the same as for TCP (SECURITY.md, Transport).
 *
 *   - https:// and wss:// only; http:// and ws:// only on a loopback host
 *     and only when the caller forces it (tests);
 *   - the system's authorities, plus the account's one extra CA file, as
 *     for TCP; the certificate must name the URL's host; never "accept
 *     once";
 *   - failures are sorted into XMPP_STREAM_ERROR codes so the connector
 *     knows a security failure (TLS, NO_TLS) from an unreachable endpoint
 *     (DNS, REFUSED, TIMEOUT, IO).
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/**
 * http_tls_check_url:
 * @url: the URL to check
 * @secure_scheme: "wss" or "https"
 * @insecure_scheme: "ws" or "http"
 * @allow_insecure_loopback: accept @insecure_scheme on a loopback host
 * @secure: (out) (optional): whether the URL is encrypted
 *
 * Returns: (transfer full) (nullable): the parsed URL, or %NULL with
 *   XMPP_TRANSPORT_ERROR_INSECURE_URL (or G_URI_ERROR when unparsable)
 */
GUri *http_tls_check_url (const char  *url,
                          const char  *secure_scheme,
                          const char  *insecure_scheme,
                          gboolean     allow_insecure_loopback,
                          gboolean    *secure,
                          GError     **error);

/**
 * http_tls_guard_message:
 * @msg: a message about to be sent
 * @ca_file: (nullable): extra certificate authorities (PEM)
 *
 * Checks the server's certificate of @msg against the system and
 * @ca_file, with the host of the message's URL as identity, and remembers
 * the problems found for http_tls_classify_error().
 *
 * Returns: %FALSE with an XMPP_STREAM_ERROR_TLS when @ca_file is unreadable
 */
gboolean http_tls_guard_message (SoupMessage  *msg,
                                 const char   *ca_file,
                                 GError      **error);

/**
 * http_tls_classify_error:
 * @msg: (nullable): the message that failed, guarded or not
 * @error: the failure (libsoup, GIO, resolver, TLS)
 * @what: the endpoint, for the message
 *
 * Returns: (transfer full): an XMPP_STREAM_ERROR (TLS for a certificate
 *   problem; DNS, REFUSED, TIMEOUT or IO for an unreachable endpoint), or
 *   a copy of @error when it is G_IO_ERROR_CANCELLED
 */
GError *http_tls_classify_error (SoupMessage  *msg,
                                 const GError *error,
                                 const char   *what);

G_END_DECLS
