/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0359: Unique and Stable Stanza IDs, version 0.7.0.
 *
 * The sender marks each message with an <origin-id/> it chose (the same
 * value as the stanza `id`, so a resend after a crash is recognised by the
 * receiver), and archives and rooms stamp a <stanza-id by=… id=…/> naming the
 * entity that assigned it.  Only the `by` the caller trusts counts: a
 * stanza-id is a claim by whoever sent the stanza, so a contact can put any
 * `by` into a message.  XEP-0313 §3.5 makes the archive's id trustworthy only
 * when `by` is the archive's address and the archive announced
 * `urn:xmpp:mam:2`; checking that announcement is the caller's business.
 */
#pragma once

#include "xmpp-jid.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_NS_SID "urn:xmpp:sid:0"

/* The longest id Petrel accepts from the network, in bytes (the same limit
 * as a JID part, RFC 7622 §3).  Longer ids are treated as absent. */
#define XMPP_SID_MAX_ID_LEN 1023

/**
 * xmpp_sid_add_origin_id:
 * @message: an outgoing <message/>
 * @id: the id to carry, normally the message's own `id`
 *
 * Adds <origin-id xmlns='urn:xmpp:sid:0' id=@id/> (§2.2), replacing any
 * origin-id already there so that a message never carries two.
 */
void xmpp_sid_add_origin_id (XmppNode   *message,
                             const char *id);

/**
 * xmpp_sid_get_origin_id:
 * @message: a <message/>
 *
 * Business rule 5: one origin-id with a non-empty `id`.  Several origin-ids
 * that disagree, or an id longer than %XMPP_SID_MAX_ID_LEN bytes, count as
 * none.
 *
 * Returns: (nullable): the origin-id, %NULL when absent or unusable
 */
const char *xmpp_sid_get_origin_id (const XmppNode *message);

/**
 * xmpp_sid_get_stanza_id:
 * @message: a <message/>
 * @by: the entity whose id is wanted: the account's bare JID for its own
 *   archive, a room's bare JID for a room
 *
 * Looks for the <stanza-id/> whose `by` names @by.  The `by` attributes are
 * compared as normalised JIDs (RFC 7622), so `Juliet@Example.org` is
 * `juliet@example.org`; a `by` that is not a valid JID never matches.
 * Business rule 4 allows one stanza-id per `by`: when several disagree
 * nobody can tell which one the entity assigned, so the answer is %NULL.
 *
 * Returns: (nullable): the id assigned by @by, %NULL when absent,
 *   conflicting, empty or longer than %XMPP_SID_MAX_ID_LEN bytes
 */
const char *xmpp_sid_get_stanza_id (const XmppNode *message,
                                    const XmppJid  *by);

G_END_DECLS
