/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0198: Stream Management (version 1.6.3): acks and resumption.
 *
 * XmppSm outlives a connection: it keeps the resumption id, both counters
 * and copies of the stanzas the server has not acknowledged yet.
 *
 *            fresh session (after bind)
 *   IDLE ──enable()──▶ ENABLING ──<enabled/>──▶ ENABLED ──connection lost──▶ DETACHED
 *                         │ <failed/>                ▲                          │
 *                         ▼                          │ <resumed h/> (resend     │ connector
 *                       IDLE                         │  what h does not cover)  │ sends <resume/>
 *                                                    └──────────────────────────┘
 *                          <failed/> on resume: the unacked stanzas are handed to the
 *                          caller (xmpp_sm_take_unacked()) for a fresh session.
 *
 * Counters are modulo 2^32 (§4).  The inbound counter moves only after a
 * stanza's handlers have run (XmppClientHooks.stanza_handled), so an ack
 * never covers a message that was not stored yet.  Ack requests go out on
 * a timer and after each burst of sent stanzas, coalesced into one <r/>.
 */
#pragma once

#include "xmpp-client.h"

G_BEGIN_DECLS

#define XMPP_NS_SM "urn:xmpp:sm:3"

#define XMPP_TYPE_SM (xmpp_sm_get_type ())
G_DECLARE_FINAL_TYPE (XmppSm, xmpp_sm, XMPP, SM, GObject)

/** xmpp_sm_new: Returns: (transfer full): stream management state for one account */
XmppSm *xmpp_sm_new (void) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_sm_attach:
 * @client: a freshly bound or resumed client
 *
 * Hooks @self into @client (counting, <r/>/<a/>, probes).  A client
 * disconnecting detaches it again, keeping the state for a resume.
 */
void xmpp_sm_attach (XmppSm     *self,
                     XmppClient *client);

/**
 * xmpp_sm_enable:
 *
 * On a fresh session: sends <enable resume='true'/> when the server
 * offers stream management.
 *
 * Returns: whether it was offered and requested
 */
gboolean xmpp_sm_enable (XmppSm *self);

/** xmpp_sm_is_enabled: Returns: whether acks are running on the current connection */
gboolean xmpp_sm_is_enabled (XmppSm *self);

/** xmpp_sm_can_resume: Returns: whether a resumption may be attempted */
gboolean xmpp_sm_can_resume (XmppSm *self);

/** xmpp_sm_get_bound_jid: Returns: (transfer none) (nullable): the full JID of the session to resume */
XmppJid *xmpp_sm_get_bound_jid (XmppSm *self);

/**
 * xmpp_sm_build_resume:
 *
 * Returns: (transfer full): the <resume/> element for the connector
 */
XmppNode *xmpp_sm_build_resume (XmppSm *self) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_sm_handle_resume_answer:
 * @answer: <resumed/> or <failed/> from the server
 *
 * Applies the server's counter.  After <resumed/>, attach the new client
 * and call xmpp_sm_resend().  After <failed/> the session is gone; the
 * stanzas it did not acknowledge wait in xmpp_sm_take_unacked().
 *
 * Returns: %TRUE for a valid <resumed/>, %FALSE (with @error for a bad
 *   counter) otherwise
 */
gboolean xmpp_sm_handle_resume_answer (XmppSm    *self,
                                       XmppNode  *answer,
                                       GError   **error);

/**
 * xmpp_sm_resend:
 *
 * After a successful resume: sends again, in order, what the server had
 * not received.
 */
void xmpp_sm_resend (XmppSm *self);

/**
 * xmpp_sm_take_unacked:
 *
 * Empties the queue of unacknowledged stanzas (after a failed resume, or
 * when giving up on the session).
 *
 * Returns: (transfer full) (element-type XmppNode): the stanzas, oldest first
 */
GPtrArray *xmpp_sm_take_unacked (XmppSm *self);

/** xmpp_sm_get_unacked_count: Returns: stanzas sent and not yet acknowledged */
guint xmpp_sm_get_unacked_count (XmppSm *self);

/** xmpp_sm_request_ack: sends <r/> now (at most one outstanding) */
void xmpp_sm_request_ack (XmppSm *self);

/**
 * xmpp_sm_forget_resumption:
 *
 * Gives up the server-side session (its resumption id, the inbound count)
 * but keeps the stanzas not acknowledged yet, as a <failed/> answer does:
 * the next connection binds a new session and sends them again.
 */
void xmpp_sm_forget_resumption (XmppSm *self);

/** xmpp_sm_reset: forgets everything (the account signs out) */
void xmpp_sm_reset (XmppSm *self);

/**
 * xmpp_sm_set_counters_for_testing:
 * @outbound: the count of stanzas sent (and acknowledged: the queue must
 *   be empty)
 * @inbound: the count of stanzas handled
 *
 * Moves both counters, so tests can cross 2^32 without sending 4 billion
 * stanzas.
 */
void xmpp_sm_set_counters_for_testing (XmppSm  *self,
                                       guint32  outbound,
                                       guint32  inbound);

/*
 * Signals:
 *   "acked" (XmppNode *stanza): the server confirmed @stanza
 *   "enabled" (gboolean resumable)
 *   "failed" (): the server refused to enable stream management
 */

G_END_DECLS
