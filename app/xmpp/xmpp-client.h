/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppClient: a bound client stream and its stanza router (DESIGN.md,
 * "Sender authorization").
 *
 * Every handler declares which senders may reach it.  The router checks the
 * `from` of each incoming stanza against that policy before the handler
 * runs; a stanza that fails the check is dropped, and an IQ get/set is
 * answered with an error.  IQ get/set that no handler takes are answered
 * with `service-unavailable` (RFC 6120 §8.4).
 *
 * IQ replies are matched to the pending request by id *and* by the entity
 * the request was sent to (RFC 6120 §8.1.2.1 and §10.3.3: a request without
 * `to` may be answered with no `from`, the account's bare JID, or its own
 * full JID).  A reply from anybody else is dropped.
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-jid.h"
#include "xmpp-node.h"
#include "xmpp-stream.h"

G_BEGIN_DECLS

/**
 * XmppSenderPolicy:
 * @XMPP_SENDER_ANY: any entity
 * @XMPP_SENDER_OWN_BARE: no `from`, or the account's own bare JID (roster
 *   pushes, RFC 6121 §2.1.6; carbons, XEP-0280 §11; private PEP)
 * @XMPP_SENDER_OWN_ACCOUNT: no `from`, the bare JID, or any of its resources
 * @XMPP_SENDER_SERVER: no `from`, or the account's server domain
 * @XMPP_SENDER_OWN_OR_SERVER: the union of OWN_BARE and SERVER
 */
typedef enum {
  XMPP_SENDER_ANY,
  XMPP_SENDER_OWN_BARE,
  XMPP_SENDER_OWN_ACCOUNT,
  XMPP_SENDER_SERVER,
  XMPP_SENDER_OWN_OR_SERVER,
} XmppSenderPolicy;

/**
 * XmppStanzaKind:
 * The stanzas a handler can ask for.  IQ results and errors are never
 * routed to handlers: they complete requests.
 */
typedef enum {
  XMPP_STANZA_MESSAGE,
  XMPP_STANZA_PRESENCE,
  XMPP_STANZA_IQ_GET,
  XMPP_STANZA_IQ_SET,
} XmppStanzaKind;

#define XMPP_TYPE_CLIENT (xmpp_client_get_type ())
G_DECLARE_FINAL_TYPE (XmppClient, xmpp_client, XMPP, CLIENT, GObject)

/**
 * XmppStanzaHandler:
 * @stanza: the stanza, already checked against the handler's policy
 * @from: (nullable): the parsed `from`, %NULL when absent
 *
 * Returns: %TRUE when the stanza was handled and later handlers must not
 *   see it.  An IQ handler that returns %TRUE must have sent a reply.
 */
typedef gboolean (*XmppStanzaHandler) (XmppClient *client,
                                       XmppNode   *stanza,
                                       XmppJid    *from,
                                       gpointer    user_data);

/**
 * xmpp_client_new:
 * @stream: (transfer none): a stream after resource binding
 * @jid: the bound full JID
 *
 * Creates the client and starts reading.
 *
 * Returns: (transfer full): the client
 */
XmppClient *xmpp_client_new (XmppStream *stream,
                             XmppJid    *jid) G_GNUC_WARN_UNUSED_RESULT;

/** xmpp_client_get_jid: Returns: (transfer none): the bound full JID */
XmppJid *xmpp_client_get_jid (XmppClient *self);
/** xmpp_client_get_stream: Returns: (transfer none): the stream */
XmppStream *xmpp_client_get_stream (XmppClient *self);
/**
 * xmpp_client_set_stream_features:
 * @features: (nullable): the <stream:features/> offered after
 *   authentication (stream management, CSI, roster versioning…)
 */
void xmpp_client_set_stream_features (XmppClient *self,
                                      XmppNode   *features);
/**
 * xmpp_client_get_stream_feature:
 * @ns: (nullable): %NULL matches any namespace
 *
 * Returns: (transfer none) (nullable): the stream feature element
 *   @name in @ns, %NULL when the server did not offer it
 */
XmppNode *xmpp_client_get_stream_feature (XmppClient *self,
                                          const char *name,
                                          const char *ns);
/** xmpp_client_is_connected: Returns: whether the stream is still up */
gboolean xmpp_client_is_connected (XmppClient *self);

/**
 * xmpp_client_add_handler:
 * @child_name: (nullable): the payload element to match (IQ: the single
 *   child; message/presence: any child), %NULL matches every stanza
 * @child_ns: (nullable): its namespace
 * @priority: lower runs first
 * @destroy: (nullable): frees @user_data when the handler is removed
 *
 * Returns: an id for xmpp_client_remove_handler()
 */
guint xmpp_client_add_handler (XmppClient        *self,
                               XmppStanzaKind     kind,
                               const char        *child_name,
                               const char        *child_ns,
                               XmppSenderPolicy   policy,
                               int                priority,
                               XmppStanzaHandler  handler,
                               gpointer           user_data,
                               GDestroyNotify     destroy);

/** xmpp_client_remove_handler: removes the handler with @id */
void xmpp_client_remove_handler (XmppClient *self,
                                 guint       id);

/**
 * xmpp_client_sender_allowed:
 * @from: (nullable): the sender, %NULL for no `from`
 *
 * Returns: whether @from satisfies @policy for this account
 */
gboolean xmpp_client_sender_allowed (XmppClient       *self,
                                     const XmppJid    *from,
                                     XmppSenderPolicy  policy);

/**
 * xmpp_client_send:
 *
 * Sends a message or presence (or an IQ reply) as is.
 */
void xmpp_client_send (XmppClient     *self,
                       const XmppNode *stanza);

/**
 * xmpp_client_send_iq_async:
 * @iq: (transfer none): an IQ get or set; an `id` is added when missing
 * @timeout_seconds: 0 for the default of 30 s
 *
 * Sends @iq and waits for the matching result or error.
 */
void xmpp_client_send_iq_async (XmppClient          *self,
                                XmppNode            *iq,
                                guint                timeout_seconds,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);

/**
 * xmpp_client_send_iq_finish:
 *
 * Returns: (transfer full) (nullable): the `result` IQ, or %NULL with a
 *   XMPP_STANZA_ERROR (type="error" reply), XMPP_STREAM_ERROR_TIMEOUT, or the
 *   connection's error
 */
XmppNode *xmpp_client_send_iq_finish (XmppClient    *self,
                                      GAsyncResult  *result,
                                      GError       **error);

/**
 * xmpp_client_new_id:
 *
 * Returns: (transfer full): a fresh, unpredictable stanza id
 */
char *xmpp_client_new_id (void) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_client_add_feature:
 *
 * Announces @ns in disco#info and entity caps (XEP-0030, XEP-0115).
 */
void xmpp_client_add_feature (XmppClient *self,
                              const char *ns);
/** xmpp_client_remove_feature: withdraws @ns (a module was detached) */
void xmpp_client_remove_feature (XmppClient *self,
                                 const char *ns);
/** xmpp_client_get_features: Returns: (transfer none): the sorted features */
const char * const *xmpp_client_get_features (XmppClient *self);

/**
 * xmpp_client_close_async:
 *
 * Ends the stream politely: sends `</stream:stream>` and waits (up to a few
 * seconds) for the server's.
 */
void xmpp_client_close_async (XmppClient          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
/** xmpp_client_close_finish: Returns: %TRUE */
gboolean xmpp_client_close_finish (XmppClient    *self,
                                   GAsyncResult  *result,
                                   GError       **error);

/**
 * XmppClientHooks:
 * @stanza_sent: a message, presence or IQ was queued for the wire
 * @stanza_handled: an incoming stanza went through the router (its
 *   handlers have run, so whatever they store is stored)
 * @nonza: a top-level element that is not a stanza; returns %TRUE when
 *   consumed
 * @probe: the connection was idle; ask the server for a sign of life
 *   (returns %FALSE to let the client send a ping instead)
 *
 * The stream layer below the router: XEP-0198 stream management plugs in
 * here.  One set of hooks per client.
 */
typedef struct
{
  void (*stanza_sent) (gpointer data, const XmppNode *stanza);
  void (*stanza_handled) (gpointer data, const XmppNode *stanza);
  gboolean (*nonza) (gpointer data, XmppNode *element);
  gboolean (*probe) (gpointer data);
} XmppClientHooks;

/**
 * xmpp_client_set_hooks:
 * @hooks: (nullable): static hooks, %NULL to remove them
 */
void xmpp_client_set_hooks (XmppClient            *self,
                            const XmppClientHooks *hooks,
                            gpointer               data);

/**
 * xmpp_client_send_nonza:
 *
 * Sends a top-level element that is not a stanza (stream management,
 * CSI); it is not counted or queued by the hooks.
 */
void xmpp_client_send_nonza (XmppClient     *self,
                             const XmppNode *element);

/**
 * xmpp_client_fail_stream:
 * @condition: an RFC 6120 §4.9.3 stream error condition
 *   ("undefined-condition", "policy-violation", …)
 * @application: (nullable): an application-specific child of the
 *   <stream:error/> (RFC 6120 §4.9.4), e.g. XEP-0198's
 *   <handled-count-too-high/>
 * @reason: what went wrong, for the "disconnected" error (no peer data)
 *
 * Ends the stream because the server broke the protocol: sends the stream
 * error and the closing tag, fails pending IQs and emits "disconnected"
 * with XMPP_STREAM_ERROR_PROTOCOL.
 */
void xmpp_client_fail_stream (XmppClient     *self,
                              const char     *condition,
                              const XmppNode *application,
                              const char     *reason);

/**
 * xmpp_client_set_keepalive:
 * @idle_seconds: silence after which the server is probed (0: off)
 * @timeout_seconds: how long the probe may go unanswered before the
 *   connection counts as dead and "disconnected" is emitted with
 *   XMPP_STREAM_ERROR_TIMEOUT
 *
 * Detects half-open TCP connections: with 12 and 10, a dead link is
 * noticed within about 25 seconds of the last byte received.  On a
 * transport stream (WebSocket, BOSH) the probe is the transport's
 * keepalive (xmpp_stream_keepalive()) and any byte received answers it.
 */
void xmpp_client_set_keepalive (XmppClient *self,
                                guint       idle_seconds,
                                guint       timeout_seconds);

/*
 * Signals:
 *   "disconnected" (const GError *error): the stream ended; @error is %NULL
 *     after xmpp_client_close_async().
 *   "features-changed": xmpp_client_add_feature() was called.
 */

G_END_DECLS
