/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0333: Chat Markers, version 0.4.
 *
 * A markable message carries <markable/>; a marker says that every message
 * up to and including the one with that `id` was received, displayed or
 * acknowledged (§6).  Markers only move forward and markers for unknown
 * messages are ignored (§7): both need the conversation's history, so they
 * are the message service's job, not this module's.
 *
 * In a room the id to mark is the room's XEP-0359 stanza-id, never the
 * sender's `id`, which any occupant can reuse (§8.6); the caller picks it
 * with xmpp_sid_get_stanza_id().
 */
#pragma once

#include "xmpp-client.h"
#include "xmpp-message.h"

G_BEGIN_DECLS

#define XMPP_NS_CHAT_MARKERS "urn:xmpp:chat-markers:0"
#define XMPP_NS_HINTS        "urn:xmpp:hints"

/**
 * XmppMarkerType:
 * @XMPP_MARKER_NONE: no (usable) marker
 * @XMPP_MARKER_RECEIVED: the message reached a client
 * @XMPP_MARKER_DISPLAYED: the message was shown in an active chat
 * @XMPP_MARKER_ACKNOWLEDGED: the user acted on the message
 *
 * In order of significance (§6).
 */
typedef enum {
  XMPP_MARKER_NONE,
  XMPP_MARKER_RECEIVED,
  XMPP_MARKER_DISPLAYED,
  XMPP_MARKER_ACKNOWLEDGED,
} XmppMarkerType;

/**
 * XmppMarkerFunc:
 * @client: the client
 * @from: the sender of the marker (an occupant JID in a room)
 * @type: the marker
 * @id: the marked message's `id` (in a room: its stanza-id)
 * @user_data: data given to xmpp_markers_attach()
 */
typedef void (*XmppMarkerFunc) (XmppClient     *client,
                                XmppJid        *from,
                                XmppMarkerType  type,
                                const char     *id,
                                gpointer        user_data);

/** xmpp_marker_type_to_string: Returns: (nullable): the element name of @type */
const char *xmpp_marker_type_to_string (XmppMarkerType type);

/**
 * xmpp_markers_add_markable:
 * @message: an outgoing message with an `id` (§6 requires one)
 *
 * Adds <markable xmlns='urn:xmpp:chat-markers:0'/> once.
 */
void xmpp_markers_add_markable (XmppNode *message);

/**
 * xmpp_markers_is_markable:
 * @message: a received <message/>
 *
 * Returns: whether @message asks for markers and may get them: it carries
 *   <markable/> and an `id`, is not of type `error`, and is not itself a
 *   marker (§5.3: never mark a marker)
 */
gboolean xmpp_markers_is_markable (const XmppNode *message);

/**
 * xmpp_markers_build:
 * @type: the marker to send; not %XMPP_MARKER_NONE
 * @to: the conversation: the contact or the room; the marker goes to its
 *   bare JID so that every resource of the contact (and, through the
 *   archive, every later one) learns of it
 * @message_type: %XMPP_MESSAGE_CHAT for a one-to-one chat,
 *   %XMPP_MESSAGE_GROUPCHAT for a room, %XMPP_MESSAGE_NORMAL for no `type`
 * @id: the `id` of the newest message to mark (in a room: its stanza-id)
 * @thread: (nullable): the <thread/> the marked message belongs to (§6)
 *
 * Builds the marker message of §6 with a fresh `id`: the marker, the
 * thread when given, and a <store/> hint (XEP-0334), because a message
 * without a body is not archived by default while §7 wants markers in the
 * archive for the user's other clients.  Never send an
 * %XMPP_MARKER_ACKNOWLEDGED without a user action (§8.2).
 *
 * Returns: (transfer full): the marker message
 */
XmppNode *xmpp_markers_build (XmppMarkerType   type,
                              const XmppJid   *to,
                              XmppMessageType  message_type,
                              const char      *id,
                              const char      *thread) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_markers_get_marker:
 * @message: a received <message/>
 * @id: (out) (optional) (transfer none): the marked message's `id`
 *
 * Reads the first marker of @message.  A marker without an `id`, with an
 * empty or overlong one, or in a message of type `error` is no marker.
 *
 * Returns: the marker, %XMPP_MARKER_NONE when there is none
 */
XmppMarkerType xmpp_markers_get_marker (const XmppNode  *message,
                                        const char     **id);

/**
 * xmpp_markers_attach:
 * @client: a client
 * @func: called for each marker that arrives directly
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data after detaching or with @client
 *
 * Watches incoming messages from any sender for markers and announces
 * `urn:xmpp:chat-markers:0` (§4).  The handler never consumes the stanza.
 * Markers inside carbons and archive results are the caller's to read with
 * xmpp_markers_get_marker().  Attaching again replaces the callback.
 */
void xmpp_markers_attach (XmppClient     *client,
                          XmppMarkerFunc  func,
                          gpointer        user_data,
                          GDestroyNotify  destroy);

/**
 * xmpp_markers_detach:
 * @client: a client
 *
 * Removes the handler and withdraws the feature.
 */
void xmpp_markers_detach (XmppClient *client);

G_END_DECLS
