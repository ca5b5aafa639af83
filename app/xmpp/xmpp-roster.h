/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The roster (RFC 6121 §2): the contact list the server keeps for the
 * account.  Get it (with roster versioning, §2.6), change it with roster
 * sets, and learn about changes from roster pushes.
 *
 * Roster pushes are the classic spoofing target (SECURITY.md: CVE-2015-8688
 * and relatives): the push handler runs only for stanzas with no `from` or
 * the account's own bare JID (§2.1.6); the router answers every other
 * sender with an error before this code sees anything.
 *
 * Items are parsed defensively: an item with a bad JID is dropped on its
 * own (the rest of the roster stays usable), names and groups are bounded.
 */
#pragma once

#include "xmpp-client.h"

G_BEGIN_DECLS

/* Limits on what a server can make us keep per item. */
#define XMPP_ROSTER_MAX_GROUPS     64
#define XMPP_ROSTER_MAX_NAME_BYTES 1023

/**
 * XmppRosterSubscription:
 * @XMPP_ROSTER_SUBSCRIPTION_NONE: no subscription either way
 * @XMPP_ROSTER_SUBSCRIPTION_TO: we see the contact's presence
 * @XMPP_ROSTER_SUBSCRIPTION_FROM: the contact sees ours
 * @XMPP_ROSTER_SUBSCRIPTION_BOTH: both
 * @XMPP_ROSTER_SUBSCRIPTION_REMOVE: the item was removed (pushes only)
 *
 * The `subscription` attribute (RFC 6121 §2.1.2.5).
 */
typedef enum {
  XMPP_ROSTER_SUBSCRIPTION_NONE,
  XMPP_ROSTER_SUBSCRIPTION_TO,
  XMPP_ROSTER_SUBSCRIPTION_FROM,
  XMPP_ROSTER_SUBSCRIPTION_BOTH,
  XMPP_ROSTER_SUBSCRIPTION_REMOVE,
} XmppRosterSubscription;

typedef struct _XmppRosterItem XmppRosterItem;

#define XMPP_TYPE_ROSTER_ITEM (xmpp_roster_item_get_type ())
GType xmpp_roster_item_get_type (void) G_GNUC_CONST;

/**
 * xmpp_roster_item_new:
 * @jid: the contact
 * @name: (nullable): the name the user gave the contact
 * @subscription: the subscription state
 * @ask: whether our subscription request is pending
 * @groups: (nullable): the groups
 *
 * Returns: (transfer full): an immutable roster item
 */
XmppRosterItem *xmpp_roster_item_new (const XmppJid          *jid,
                                      const char             *name,
                                      XmppRosterSubscription  subscription,
                                      gboolean                ask,
                                      const char * const     *groups) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_roster_item_parse:
 * @item: an <item xmlns='jabber:iq:roster'/> element
 * @error: return location for a #GError
 *
 * Reads an item (RFC 6121 §2.1.2).  The `jid` must be a valid JID and the
 * `subscription`, when present, one of the five values; otherwise the
 * item is refused.  An empty name counts as none; a name or group longer
 * than %XMPP_ROSTER_MAX_NAME_BYTES is cut at a character boundary; empty
 * and repeated groups are dropped, and groups beyond
 * %XMPP_ROSTER_MAX_GROUPS are ignored.
 *
 * Returns: (transfer full) (nullable): the item, or %NULL with a
 *   %G_IO_ERROR_INVALID_DATA error
 */
XmppRosterItem *xmpp_roster_item_parse (const XmppNode  *item,
                                        GError         **error) G_GNUC_WARN_UNUSED_RESULT;

/** xmpp_roster_item_ref: Returns: (transfer full): @self */
XmppRosterItem *xmpp_roster_item_ref (XmppRosterItem *self);
/** xmpp_roster_item_unref: drops a reference */
void xmpp_roster_item_unref (XmppRosterItem *self);

/** xmpp_roster_item_get_jid: Returns: (transfer none): the contact's JID */
XmppJid *xmpp_roster_item_get_jid (const XmppRosterItem *self);
/** xmpp_roster_item_get_name: Returns: (nullable): the contact's name */
const char *xmpp_roster_item_get_name (const XmppRosterItem *self);
/** xmpp_roster_item_get_subscription: Returns: the subscription state */
XmppRosterSubscription xmpp_roster_item_get_subscription (const XmppRosterItem *self);
/**
 * xmpp_roster_item_get_ask:
 * Returns: whether our subscription request is pending (`ask='subscribe'`,
 *   RFC 6121 §2.1.2.2)
 */
gboolean xmpp_roster_item_get_ask (const XmppRosterItem *self);
/**
 * xmpp_roster_item_get_approved:
 * Returns: whether we pre-approved the contact's subscription
 *   (`approved='true'`, RFC 6121 §2.1.2.1)
 */
gboolean xmpp_roster_item_get_approved (const XmppRosterItem *self);
/** xmpp_roster_item_get_groups: Returns: (transfer none): the groups, maybe empty */
const char * const *xmpp_roster_item_get_groups (const XmppRosterItem *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppRosterItem, xmpp_roster_item_unref)

/**
 * xmpp_roster_get_async:
 * @client: a client
 * @ver: (nullable): the version of the roster we have stored, "" when we
 *   have none but the server announced roster versioning, %NULL when it
 *   did not (RFC 6121 §2.6.2)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Requests the roster (RFC 6121 §2.1.3).
 */
void xmpp_roster_get_async (XmppClient          *client,
                            const char          *ver,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);

/**
 * xmpp_roster_get_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @ver: (out) (optional) (transfer full) (nullable): the version of the
 *   roster returned, %NULL when the server does not version rosters or
 *   answered "unchanged"
 * @unchanged: (out) (optional): set to %TRUE when the server answered with
 *   an empty result: our stored roster is current and changes, if any,
 *   follow as roster pushes (RFC 6121 §2.6.3)
 * @error: return location for a #GError
 *
 * Items with a bad JID or subscription are left out, and so are repeated
 * JIDs (the first one counts) and items with `subscription='remove'`.
 *
 * Returns: (transfer full) (element-type XmppRosterItem): the items, empty
 *   when @unchanged; %NULL with @error set on failure
 */
GPtrArray *xmpp_roster_get_finish (XmppClient    *client,
                                   GAsyncResult  *result,
                                   char         **ver,
                                   gboolean      *unchanged,
                                   GError       **error);

/**
 * xmpp_roster_set_async:
 * @client: a client
 * @jid: the contact to add or update
 * @name: (nullable): the contact's name
 * @groups: (nullable): the groups; repeated ones are sent once
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Adds or updates a roster item with a roster set (RFC 6121 §2.3, §2.4).
 * The new item comes back as a roster push.  An empty group, a name or
 * group over %XMPP_ROSTER_MAX_NAME_BYTES or more than
 * %XMPP_ROSTER_MAX_GROUPS groups fail with %G_IO_ERROR_INVALID_ARGUMENT
 * before anything is sent.
 */
void xmpp_roster_set_async (XmppClient          *client,
                            const XmppJid       *jid,
                            const char          *name,
                            const char * const  *groups,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);

/**
 * xmpp_roster_set_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the server accepted the change
 */
gboolean xmpp_roster_set_finish (XmppClient    *client,
                                 GAsyncResult  *result,
                                 GError       **error);

/**
 * xmpp_roster_remove_async:
 * @client: a client
 * @jid: the contact to remove
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Removes a roster item (`subscription='remove'`, RFC 6121 §2.5); the
 * server also cancels the subscriptions both ways.
 */
void xmpp_roster_remove_async (XmppClient          *client,
                               const XmppJid       *jid,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);

/**
 * xmpp_roster_remove_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError, %XMPP_STANZA_ERROR_ITEM_NOT_FOUND
 *   when @jid was not in the roster
 *
 * Returns: %TRUE when the server removed the item
 */
gboolean xmpp_roster_remove_finish (XmppClient    *client,
                                    GAsyncResult  *result,
                                    GError       **error);

/**
 * XmppRosterPushFunc:
 * @client: the client
 * @item: the new state of the item; its subscription is
 *   %XMPP_ROSTER_SUBSCRIPTION_REMOVE when it was deleted
 * @ver: (nullable): the roster version after this push
 * @user_data: the data given to xmpp_roster_attach()
 *
 * Receives one valid roster push, after it was acknowledged.
 */
typedef void (*XmppRosterPushFunc) (XmppClient     *client,
                                    XmppRosterItem *item,
                                    const char     *ver,
                                    gpointer        user_data);

/**
 * xmpp_roster_attach:
 * @client: a client
 * @func: receives the pushes
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data at xmpp_roster_detach() or when
 *   the client goes away
 *
 * Handles roster pushes (RFC 6121 §2.1.6) from the account itself only
 * (%XMPP_SENDER_OWN_BARE).  A push must hold exactly one valid item;
 * anything else is answered `bad-request` and ignored.  A valid push is
 * answered with a result, then given to @func.  Only one receiver can be
 * attached at a time.
 */
void xmpp_roster_attach (XmppClient         *client,
                         XmppRosterPushFunc  func,
                         gpointer            user_data,
                         GDestroyNotify      destroy);

/**
 * xmpp_roster_detach:
 * @client: a client
 *
 * Stops handling pushes; the router then answers them with
 * `service-unavailable`.
 */
void xmpp_roster_detach (XmppClient *client);

G_END_DECLS
