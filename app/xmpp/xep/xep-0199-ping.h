/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0199: XMPP Ping, version 2.0.1.
 *
 * Answers <ping xmlns='urn:xmpp:ping'/> requests and sends them: to the
 * account's server to learn whether the stream still carries traffic, or
 * end to end to learn whether another entity can be reached.
 */
#pragma once

#include "xmpp-client.h"

G_BEGIN_DECLS

#define XMPP_NS_PING "urn:xmpp:ping"

/**
 * xmpp_ping_attach:
 * @client: a client
 *
 * Answers IQ-get pings from any entity with an empty result (XEP-0199 §4)
 * and announces `urn:xmpp:ping` in disco#info.  Calling it again on the
 * same client does nothing.
 */
void xmpp_ping_attach (XmppClient *client);

/**
 * xmpp_ping_detach:
 * @client: a client
 *
 * Stops answering pings (the router then answers `service-unavailable`).
 * The feature stays announced: features are never withdrawn in a session.
 */
void xmpp_ping_detach (XmppClient *client);

/**
 * xmpp_ping_async:
 * @client: a client
 * @to: (nullable): the entity to ping; %NULL pings the account's own
 *   server (XEP-0199 §4.2, client-to-server)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the answer (or the timeout) arrives
 * @user_data: data for @callback
 *
 * Sends one ping.  Use xmpp_ping_finish() in @callback.
 */
void xmpp_ping_async (XmppClient          *client,
                      const XmppJid       *to,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data);

/**
 * xmpp_ping_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Whether the pinged entity was reached.  An IQ result is a pong.  Some
 * error replies prove reachability too, and some do not:
 *
 * - The account's own server, when it does not implement ping, answers
 *   `service-unavailable` (XEP-0199 §4.2 and §4.3), so any stanza error from
 *   it counts as reachable, except `remote-server-not-found` and
 *   `remote-server-timeout`.  For any other domain the own server may
 *   answer on its behalf when it cannot route the ping, so only
 *   `feature-not-implemented` counts, as for accounts below.
 * - For an account or a resource, `service-unavailable` does not count: the
 *   account's server sends exactly that condition on behalf of a resource
 *   that is not connected or an account that does not exist (RFC 6121
 *   §8.5.3.2.1, §8.5.1), indistinguishable from the entity's own answer
 *   (XEP-0199 §4.4).  Only `feature-not-implemented`, which a server never
 *   sends on behalf of a resource, proves that the entity itself answered.
 *
 * Returns: %TRUE when the entity answered; %FALSE with @error set to the
 *   stanza error, an %XMPP_STREAM_ERROR_TIMEOUT, a %G_IO_ERROR_CANCELLED or
 *   the connection's error otherwise
 */
gboolean xmpp_ping_finish (XmppClient    *client,
                           GAsyncResult  *result,
                           GError       **error);

G_END_DECLS
