/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WsPeer: a scripted WebSocket server for protocol tests.  It listens on
 * 127.0.0.1 (wss:// with the TEST-ONLY certificate of tests/lib, or ws://),
 * records every text message the client sends, and sends what the test
 * tells it to.
 *
 * Also what the HTTP transport tests share: the HTTPS server with that
 * certificate, a refusing port, and waiting on the main loop.
 */
#pragma once

#include <libsoup/soup.h>

#include "xmpp-transport.h"

G_BEGIN_DECLS

typedef struct _WsPeer WsPeer;

/**
 * ws_peer_new:
 * @tls: serve wss:// (else ws://)
 * @protocols: (nullable): subprotocols the server accepts; %NULL answers
 *   without any
 */
WsPeer *ws_peer_new (gboolean            tls,
                     const char * const *protocols);
void ws_peer_free (WsPeer *self);

/* Another handler on @path (for redirects); returns its URL */
char *ws_peer_url (WsPeer     *self,
                   const char *path);
guint16 ws_peer_port (WsPeer *self);
/* The certificate's PEM, for ca_file */
const char *ws_peer_ca_file (void);

/* A server listening on 127.0.0.1, HTTPS with the certificate when @tls,
 * without handlers yet; its port in @port */
SoupServer *ws_peer_listen (gboolean  tls,
                            guint16  *port);
/* A loopback port that refuses connections */
guint16 ws_closed_port (void);

/* Runs the main loop until the client has sent @n messages in all (fails
 * the test after 10 s) and returns message @n - 1. */
const char *ws_peer_wait_message (WsPeer *self,
                                  guint   n);
guint ws_peer_n_messages (WsPeer *self);
/* The path the last connection asked for */
const char *ws_peer_last_path (WsPeer *self);
guint ws_peer_n_connections (WsPeer *self);
/* Runs until the client's connection is closed; returns its close code */
gushort ws_peer_wait_closed (WsPeer *self);

void ws_peer_send (WsPeer     *self,
                   const char *text);
/* Answers GET @path with @body (host-meta documents) */
void ws_peer_serve (WsPeer     *self,
                    const char *path,
                    const char *content_type,
                    const char *body);
/* Resets the TCP connection under the WebSocket (RST, no close frame) */
void ws_peer_reset (WsPeer *self);
void ws_peer_send_binary (WsPeer     *self,
                          const char *data);

/* Runs the main loop until *@flag is true (fails after 10 s) */
void ws_run_until (gboolean *flag);
/* A read of a transport: done once event, node and error are there */
typedef struct
{
  gboolean done;
  XmppReaderEvent event;
  XmppNode *node;
  GError *error;
} WsRead;

/* Starts reading one event into @r, which is zeroed */
void ws_read_start (XmppTransport *transport,
                    WsRead        *r);
/* Frees what @r received */
void ws_read_clear (WsRead *r);
/* Reads one event from @transport, running the main loop until it comes */
XmppReaderEvent ws_read_event (XmppTransport  *transport,
                               XmppNode      **node,
                               GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsPeer, ws_peer_free)

G_END_DECLS
