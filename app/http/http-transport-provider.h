/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * HttpTransportProvider: the XmppTransportProvider of the application.
 * The connector asks it to discover endpoints (XEP-0156, over HTTPS only)
 * and to open WebSocket (RFC 7395) or BOSH (XEP-0206) transports; all of
 * them share one SoupSession.
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-transport.h"

G_BEGIN_DECLS

#define HTTP_TYPE_TRANSPORT_PROVIDER (http_transport_provider_get_type ())
G_DECLARE_FINAL_TYPE (HttpTransportProvider, http_transport_provider, HTTP, TRANSPORT_PROVIDER, GObject)

/**
 * http_transport_provider_new:
 *
 * Returns: (transfer full): a provider with its own SoupSession
 */
HttpTransportProvider *http_transport_provider_new (void) G_GNUC_WARN_UNUSED_RESULT;

/**
 * http_transport_provider_new_for_testing:
 * @address: every connection goes here (a loopback address and port),
 *   whatever host the URL names; certificates are still checked against
 *   the URL's host
 *
 * Lets tests use a fixture's domain names against 127.0.0.1.
 *
 * Returns: (transfer full): a provider
 */
HttpTransportProvider *http_transport_provider_new_for_testing (GSocketConnectable *address) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
