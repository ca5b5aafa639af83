/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0184: Message Delivery Receipts, version 1.4.0.
 *
 * The sender adds <request/> to a content message; the recipient's client,
 * once it has the message safely (Petrel: stored), answers with an ack
 * message carrying <received id=…/>.  This module builds and reads both;
 * the message service decides when to answer, because §5.5 and XEP-0280
 * §11 forbid acks for archived messages and carbon copies, and §8 asks not
 * to reveal presence with receipts to strangers, none of which a stanza
 * alone can tell.
 */
#pragma once

#include "xmpp-client.h"

G_BEGIN_DECLS

#define XMPP_NS_RECEIPTS "urn:xmpp:receipts"

/**
 * XmppReceiptFunc:
 * @client: the client
 * @from: the entity that acknowledged
 * @id: the `id` of the content message it acknowledged
 * @user_data: data given to xmpp_receipts_attach()
 *
 * Called for each ack message.  A message sent to several resources may be
 * acknowledged several times (§4).
 */
typedef void (*XmppReceiptFunc) (XmppClient *client,
                                 XmppJid    *from,
                                 const char *id,
                                 gpointer    user_data);

/**
 * xmpp_receipts_add_request:
 * @message: an outgoing content message; it must have an `id` (§7)
 *
 * Adds <request xmlns='urn:xmpp:receipts'/> once.  Nothing is added to a
 * message of type `groupchat` (§5.3 advises against it) or `error`, or to
 * an ack message (§5.4: no request in an ack, against loops).
 */
void xmpp_receipts_add_request (XmppNode *message);

/**
 * xmpp_receipts_has_request:
 * @message: a received <message/>
 *
 * Returns: whether @message asks for a receipt that may be given: it
 *   carries <request/> and an `id`, is not of type `error` or `groupchat`,
 *   and is not itself an ack message
 */
gboolean xmpp_receipts_has_request (const XmppNode *message);

/**
 * xmpp_receipts_build_reply:
 * @message: a received content message
 *
 * Builds the ack message of §7: addressed to the full JID @message came
 * from, of the same type as @message (§7 recommends it), with a fresh `id`
 * and <received id=…/> echoing the content message's `id` as its only
 * child.  No ack is built unless xmpp_receipts_has_request() holds and
 * @message has a valid `from`: never for `groupchat` (an ack would go to
 * every occupant), never for `error`, never without an `id`.
 *
 * Returns: (transfer full) (nullable): the ack message, or %NULL when
 *   none is due
 */
XmppNode *xmpp_receipts_build_reply (const XmppNode *message) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_receipts_get_received_id:
 * @message: a received <message/>
 *
 * Reads an ack message.  Acks without an `id` (XEP-0184 before 1.1), with
 * an empty or overlong one, or inside a message of type `error` yield %NULL.
 *
 * Returns: (nullable): the `id` of the acknowledged content message
 */
const char *xmpp_receipts_get_received_id (const XmppNode *message);

/**
 * xmpp_receipts_attach:
 * @client: a client
 * @func: called for each ack message that arrives directly
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data after detaching or with @client
 *
 * Watches incoming messages from any sender for <received/> and announces
 * `urn:xmpp:receipts` in disco#info (§6).  The handler never consumes the
 * stanza, so later handlers see it too.  Acks inside carbons and archive
 * results are the caller's to read with xmpp_receipts_get_received_id().
 * Attaching again replaces the callback.
 */
void xmpp_receipts_attach (XmppClient      *client,
                           XmppReceiptFunc  func,
                           gpointer         user_data,
                           GDestroyNotify   destroy);

/**
 * xmpp_receipts_detach:
 * @client: a client
 *
 * Removes the handler and withdraws the feature.
 */
void xmpp_receipts_detach (XmppClient *client);

G_END_DECLS
