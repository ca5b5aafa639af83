/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SocketPeer: the server side of a bound XmppClient over a socketpair, for
 * tests of the modules that attach to a client (XEPs, roster, caps).
 *
 * Unlike ScriptedPeer, which runs a transcript from the first byte, a
 * SocketPeer skips negotiation: socket_peer_new() hands the client a stream
 * that is open and bound, and the test then drives the peer by hand, one
 * stanza at a time: socket_peer_send() writes the server's XML and
 * socket_peer_read() returns the next stanza the client sent, so the test
 * compares it exactly.  Both run the default main context while they wait.
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-client.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

/* How long socket_peer_read() waits for a stanza before it fails. */
#define SOCKET_PEER_READ_TIMEOUT_SECONDS 5

typedef struct _SocketPeer SocketPeer;

/**
 * socket_peer_new:
 * @own_jid: the full JID the client is bound to; the stream header comes
 *   from its domain
 *
 * Returns: (transfer full): a peer whose client has read the stream header
 */
SocketPeer *socket_peer_new (const char *own_jid) G_GNUC_WARN_UNUSED_RESULT;

/**
 * socket_peer_free:
 *
 * Drops the client, asserting that nothing else holds it, then closes the
 * peer's end and lets the client see the end of the stream.
 */
void socket_peer_free (SocketPeer *self);

/** Returns: (transfer none): the client under test */
XmppClient *socket_peer_get_client (SocketPeer *self);

/* Writes @xml as the server, all of it. */
void socket_peer_send (SocketPeer *self,
                       const char *xml);
void socket_peer_sendf (SocketPeer *self,
                        const char *format,
                        ...) G_GNUC_PRINTF (2, 3);

/**
 * socket_peer_read:
 *
 * Returns: (transfer full): the next stanza (or nonza) the client sent;
 *   fails the test after %SOCKET_PEER_READ_TIMEOUT_SECONDS
 */
XmppNode *socket_peer_read (SocketPeer *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
