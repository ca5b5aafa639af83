/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0352: Client State Indication, version 1.0.0.
 *
 * Tells the server whether the user is looking at the client, so that it
 * can hold back presence updates, chat states and other unimportant
 * traffic while nobody is (DESIGN.md, "Constrained networks").  <active/>
 * and <inactive/> are nonzas: not stanzas, never answered, never counted
 * by stream management.
 *
 * The state is kept on the #XmppClient.  Every stream, resumed ones
 * included (§5.2), starts active; a resumed stream gets a new client, so
 * its state starts over too.
 */
#pragma once

#include "xmpp-client.h"

G_BEGIN_DECLS

#define XMPP_NS_CSI "urn:xmpp:csi:0"

/**
 * xmpp_csi_is_supported:
 * @client: a client
 *
 * Returns: whether the server offered <csi xmlns='urn:xmpp:csi:0'/> among
 *   its stream features (§4.1)
 */
gboolean xmpp_csi_is_supported (XmppClient *client);

/**
 * xmpp_csi_set_active:
 * @client: a client
 * @active: whether the user is using the client
 *
 * Sends <active/> or <inactive/> (§4.2), but only when the server supports
 * CSI and the state changes: a stream starts active (§5), so the first
 * call with %TRUE sends nothing.  Without support nothing is sent or
 * remembered.
 */
void xmpp_csi_set_active (XmppClient *client,
                          gboolean    active);

/**
 * xmpp_csi_get_active:
 * @client: a client
 *
 * Returns: the state the server was last told, %TRUE when it was told
 *   nothing (§5)
 */
gboolean xmpp_csi_get_active (XmppClient *client);

G_END_DECLS
