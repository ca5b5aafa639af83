/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0280: Message Carbons, version 1.0.1, with XEP-0297 forwarding.
 *
 * Once enabled, the server copies messages that the account's other
 * resources send or receive to this one, wrapped in
 * <sent/> or <received/> → <forwarded xmlns='urn:xmpp:forward:0'/> → the
 * original <message/>.  The wrapper claims "this is what your own account
 * said or heard", so only the account itself may send it: the Security
 * Considerations require the outer `from` to be the account's bare JID, and
 * clients that did not check it let anybody inject messages in the user's
 * name (CVE-2017-5589…5593, CVE-2017-5858, CVE-2019-16235, CVE-2020-26547;
 * SECURITY.md).
 */
#pragma once

#include "xmpp-client.h"

G_BEGIN_DECLS

#define XMPP_NS_CARBONS "urn:xmpp:carbons:2"
#define XMPP_NS_FORWARD "urn:xmpp:forward:0"
#define XMPP_NS_HINTS   "urn:xmpp:hints"

/**
 * XmppCarbonFunc:
 * @client: the client
 * @message: the forwarded <message/>, checked: in `jabber:client`; for a
 *   sent copy its `from` is one of the account's resources (or the bare
 *   JID), for a received copy its `to` is the account and its `from` is a
 *   valid JID; it carries no carbon wrapper itself
 * @sent: %TRUE for <sent/> (another resource of the account sent
 *   @message), %FALSE for <received/> (another resource received it)
 * @user_data: data given to xmpp_carbons_attach()
 *
 * A carbon copy must never be answered automatically ("Business Rules",
 * Auto-responses): no receipt, no marker, no auto-reply.
 */
typedef void (*XmppCarbonFunc) (XmppClient *client,
                                XmppNode   *message,
                                gboolean    sent,
                                gpointer    user_data);

/**
 * xmpp_carbons_attach:
 * @client: a client
 * @func: called for each valid carbon copy
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data after detaching or with @client
 *
 * Handles carbon copies.  The handlers run before the ordinary message
 * handlers and consume every message that carries a carbon wrapper: a
 * valid copy goes to @func, anything else is dropped, so no later handler
 * ever mistakes a wrapper for a message.  A copy counts only when the
 * wrapper comes from the account's own bare JID (or without `from`); a
 * copy from anybody else, from one of the account's full JIDs, with two
 * wrappers or forwarded messages, or with a forwarded message that fails
 * the checks described at #XmppCarbonFunc is dropped.  Attaching again
 * replaces the callback.
 */
void xmpp_carbons_attach (XmppClient     *client,
                          XmppCarbonFunc  func,
                          gpointer        user_data,
                          GDestroyNotify  destroy);

/**
 * xmpp_carbons_detach:
 * @client: a client
 *
 * Removes the handlers installed by xmpp_carbons_attach().
 */
void xmpp_carbons_detach (XmppClient *client);

/**
 * xmpp_carbons_enable_async:
 * @client: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the server's answer
 * @user_data: data for @callback
 *
 * Asks the server to send carbon copies to this resource ("Enabling
 * Carbons"): an IQ set with <enable xmlns='urn:xmpp:carbons:2'/> and no
 * `to`.  Enabling twice is harmless ("Handling Multiple Enable/Disable
 * Requests").  Attach first, so no copy arrives unhandled.
 */
void xmpp_carbons_enable_async (XmppClient          *client,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);

/**
 * xmpp_carbons_enable_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when carbons are enabled; %FALSE with the stanza error
 *   (`forbidden`, `not-allowed`, `service-unavailable` when the server has
 *   no carbons), a timeout, a cancellation or the connection's error
 */
gboolean xmpp_carbons_enable_finish (XmppClient    *client,
                                     GAsyncResult  *result,
                                     GError       **error);

/**
 * xmpp_carbons_add_private:
 * @message: an outgoing <message/>
 *
 * Keeps @message away from the account's other resources ("Avoiding
 * Carbons for a single message"): adds <private xmlns='urn:xmpp:carbons:2'/>
 * and, for servers that look at processing hints instead,
 * <no-copy xmlns='urn:xmpp:hints'/> (XEP-0334).
 * Each is added once.
 */
void xmpp_carbons_add_private (XmppNode *message);

G_END_DECLS
