/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0030: Service Discovery, version 2.5rc3.
 *
 * The responder tells any entity who we are (one identity: client/pc
 * "Petrel") and which features the client announced with
 * xmpp_client_add_feature(); the requester asks another entity the same.
 */
#pragma once

#include "xmpp-client.h"

G_BEGIN_DECLS

#define XMPP_NS_DISCO_INFO  "http://jabber.org/protocol/disco#info"
#define XMPP_NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"

/* Our identity (registry of disco categories: client/pc). */
#define XMPP_DISCO_IDENTITY_CATEGORY "client"
#define XMPP_DISCO_IDENTITY_TYPE     "pc"
#define XMPP_DISCO_IDENTITY_NAME     "Petrel"

/**
 * xmpp_disco_attach:
 * @client: a client
 *
 * Answers disco#info and disco#items requests from any entity and
 * announces both namespaces.  A disco#info request for a node is answered
 * only for our entity-capabilities node (XEP-0115 §6.2, `node#ver`), with
 * `item-not-found` for any other node (XEP-0030 §3.1); disco#items is
 * answered with an empty list, or `item-not-found` for any node.  Calling
 * it again on the same client does nothing.
 */
void xmpp_disco_attach (XmppClient *client);

/**
 * xmpp_disco_detach:
 * @client: a client
 *
 * Removes the responders installed by xmpp_disco_attach().
 */
void xmpp_disco_detach (XmppClient *client);

/**
 * xmpp_disco_build_own_info:
 * @client: a client
 * @node: (nullable): the value of the `node` attribute to set
 *
 * Builds the disco#info <query/> we answer with: our identity and the
 * client's current features.  XEP-0115 hashes exactly this element.
 *
 * Returns: (transfer full): the <query/> element
 */
XmppNode *xmpp_disco_build_own_info (XmppClient *client,
                                     const char *node) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_disco_info_async:
 * @client: a client
 * @to: the entity to ask (XEP-0030 §3.1 requires a `to`)
 * @node: (nullable): the node to ask about
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Sends a disco#info request (XEP-0030 §3.1).
 */
void xmpp_disco_info_async (XmppClient          *client,
                            const XmppJid       *to,
                            const char          *node,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);

/**
 * xmpp_disco_info_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the <query/> element of the answer,
 *   or %NULL with @error set: the stanza error, a timeout or connection
 *   error, or %G_IO_ERROR_INVALID_DATA when the result carries no
 *   disco#info <query/>
 */
XmppNode *xmpp_disco_info_finish (XmppClient    *client,
                                  GAsyncResult  *result,
                                  GError       **error);

/**
 * xmpp_disco_info_has_feature:
 * @query: a disco#info <query/> element
 * @ns: a feature
 *
 * Returns: whether @query lists <feature var='@ns'/>
 */
gboolean xmpp_disco_info_has_feature (const XmppNode *query,
                                      const char     *ns);

/**
 * xmpp_disco_info_has_identity:
 * @query: a disco#info <query/> element
 * @category: an identity category, e.g. "conference"
 * @type: (nullable): an identity type, %NULL for any
 *
 * Returns: whether @query lists a matching <identity/>
 */
gboolean xmpp_disco_info_has_identity (const XmppNode *query,
                                       const char     *category,
                                       const char     *type);

/**
 * xmpp_disco_info_dup_features:
 * @query: a disco#info <query/> element
 *
 * Returns: (transfer full): the `var` of every <feature/>, sorted by octets
 *   and without duplicates
 */
char **xmpp_disco_info_dup_features (const XmppNode *query) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
