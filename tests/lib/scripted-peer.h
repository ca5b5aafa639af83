/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ScriptedPeer: the server side of an in-memory XMPP connection, driven by
 * a transcript, for exact-XML protocol tests (DESIGN.md, "Tests").
 *
 * The pipe is a socketpair(AF_UNIX, SOCK_STREAM) wrapped in two
 * GSocketConnections, so it is real enough for GTlsConnection and never
 * touches the network.  The client end goes to the code under test
 * (xmpp_connector_set_stream_for_testing(), or xmpp_stream_new()); the peer
 * keeps the other end and runs on the same main loop.
 *
 * A test appends steps; the peer runs them in order whenever the main loop
 * runs:
 *
 *   expect       the next element the client sends must match a pattern
 *                exactly: same name, namespace, attributes (no more, no
 *                fewer), text and children in order.  An attribute value or
 *                a text of "*" matches anything (generated ids).  Patterns
 *                are parsed inside a jabber:client stream, so `stream:` and
 *                the default namespace work as on the wire.
 *   expect_open  the next event must be a new stream header (the peer's
 *                parser restarts first, as after STARTTLS or SASL)
 *   expect_check the next element goes to a callback (SASL payloads)
 *   expect_close the client's `</stream:stream>`
 *   expect_eof   the client closed the connection, with nothing in between
 *   send         raw XML; "$id" becomes the id of the last matched element
 *   send_open    a stream header and <stream:features/>
 *   start_tls    a server-side TLS handshake with tests/lib/localhost-*.pem
 *   sync         a barrier: `<iq type='get' id='sync-N'><ping/></iq>` with
 *                no `from`, which the client must answer (result or error)
 *                before sending anything else; that proves it answered
 *                nothing sent before (catch-all IQ handlers see it too)
 *   close        closes the connection
 *
 * The first mismatch stops the script and is reported by the run functions
 * (they assert).  Every byte and element the client sent is recorded, so a
 * test can assert what never happened ("no <auth/> was sent").
 *
 * The certificate in tests/lib is TEST ONLY: its key is public.
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-client.h"
#include "xmpp-connector.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

/* The server's domain: the only name the test certificate is valid for. */
#define SCRIPTED_PEER_DOMAIN "localhost"

/* How long a test may take, from scripted_peer_new(), before it fails. */
#define SCRIPTED_PEER_TIMEOUT_SECONDS 10

typedef struct _ScriptedPeer ScriptedPeer;

/**
 * ScriptedPeerCheck:
 * @element: the element the client sent
 * @reply: (out) (transfer full) (optional): raw XML to send back at once
 *
 * Returns: %FALSE with @error when @element is not what was expected
 */
typedef gboolean (*ScriptedPeerCheck) (ScriptedPeer *peer,
                                       XmppNode     *element,
                                       char        **reply,
                                       gpointer      user_data,
                                       GError      **error);

/**
 * ScriptedScramOutcome:
 * @SCRIPTED_SCRAM_SUCCESS: verifies the proof, sends the correct v=
 * @SCRIPTED_SCRAM_WRONG_SIGNATURE: verifies the proof, sends a wrong v=
 * @SCRIPTED_SCRAM_NO_SIGNATURE: verifies the proof, sends an empty success
 * @SCRIPTED_SCRAM_NOT_AUTHORIZED: answers the proof with
 *   <failure><not-authorized/></failure>
 */
typedef enum
{
  SCRIPTED_SCRAM_SUCCESS,
  SCRIPTED_SCRAM_WRONG_SIGNATURE,
  SCRIPTED_SCRAM_NO_SIGNATURE,
  SCRIPTED_SCRAM_NOT_AUTHORIZED,
} ScriptedScramOutcome;

ScriptedPeer *scripted_peer_new (void) G_GNUC_WARN_UNUSED_RESULT;
void          scripted_peer_free (ScriptedPeer *self);

/** Returns: (transfer none): the end of the pipe the client speaks over */
GIOStream *scripted_peer_get_client_stream (ScriptedPeer *self);

/** Returns: the PEM file of the test certificate, for ca_file */
const char *scripted_peer_get_ca_file (void);

/* Steps */
void scripted_peer_expect (ScriptedPeer *self,
                           const char   *pattern);
void scripted_peer_expect_open (ScriptedPeer *self,
                                const char   *pattern);
void scripted_peer_expect_check (ScriptedPeer     *self,
                                 ScriptedPeerCheck check,
                                 gpointer          user_data);
void scripted_peer_expect_close (ScriptedPeer *self);
void scripted_peer_expect_eof (ScriptedPeer *self);
void scripted_peer_send (ScriptedPeer *self,
                         const char   *xml);
void scripted_peer_send_open (ScriptedPeer *self,
                              const char   *features);
void scripted_peer_start_tls (ScriptedPeer *self);
/* The client is expected to abort the handshake (certificate refused). */
void scripted_peer_start_tls_expect_failure (ScriptedPeer *self);
void scripted_peer_sync (ScriptedPeer *self);
void scripted_peer_close (ScriptedPeer *self);

/**
 * scripted_peer_expect_scram:
 * @mechanism: e.g. "SCRAM-SHA-256" or "SCRAM-SHA-256-PLUS"
 * @gs2_header: the exact GS2 header the client must send ("n,,", "y,,",
 *   "p=tls-exporter,,"); for "p=…" the channel-binding data of the peer's
 *   own TLS connection must be in c=
 *
 * A SCRAM server from RFC 5802 §3 (no client code shared): expects
 * <auth mechanism=@mechanism/>, answers with a challenge, checks the client
 * proof against @password and ends as @outcome says.
 */
void scripted_peer_expect_scram (ScriptedPeer        *self,
                                 const char          *mechanism,
                                 const char          *gs2_header,
                                 const char          *username,
                                 const char          *password,
                                 ScriptedScramOutcome outcome);

/* Running */

/* Runs the main loop until every step ran; asserts that all matched. */
void scripted_peer_run (ScriptedPeer *self);
/*
 * Runs the main loop until *@flag is TRUE.  Fails the test when the peer's
 * script fails or SCRIPTED_PEER_TIMEOUT_SECONDS after scripted_peer_new()
 * (after this call when @self is %NULL).
 */
void     scripted_peer_run_until (ScriptedPeer   *self,
                                  const gboolean *flag);
gboolean scripted_peer_is_done (ScriptedPeer *self);

/* What the client sent */

/** Returns: (transfer full): every byte the client sent, decrypted, in order */
GBytes *scripted_peer_dup_received_bytes (ScriptedPeer *self) G_GNUC_WARN_UNUSED_RESULT;
/** Returns: whether @needle occurs anywhere in the received bytes */
gboolean scripted_peer_received_contains (ScriptedPeer *self,
                                          const char   *needle);
/** Returns: how many top-level elements named @name in @ns (%NULL: any) were received */
guint scripted_peer_count_received (ScriptedPeer *self,
                                    const char   *name,
                                    const char   *ns);
/** Returns: (transfer none): the received top-level elements and stream headers */
GPtrArray *scripted_peer_get_received (ScriptedPeer *self);

/** Returns: (nullable): the id of the last matched element */
const char *scripted_peer_get_last_id (ScriptedPeer *self);

/** Returns: (nullable): the peer's TLS connection once the handshake is done */
GTlsConnection *scripted_peer_get_tls (ScriptedPeer *self);

/*
 * scripted_match:
 * @why: (nullable): receives the first difference
 *
 * Returns: whether @actual matches @pattern (the rules of expect)
 */
gboolean scripted_match (const XmppNode *pattern,
                         const XmppNode *actual,
                         GString        *why);

/* Parses @pattern as if it stood inside a jabber:client stream. */
XmppNode *scripted_parse (const char *pattern) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScriptedPeer, scripted_peer_free)

/*
 * scripted_peer_script_starttls:
 * @plain_header: the client's first stream header
 * @features: the features of the plain stream (STARTTLS and any bait)
 * @secure_header: the client's header on the TLS stream
 *
 * The first stream, STARTTLS and the handshake, up to the secure header.
 */
void scripted_peer_script_starttls (ScriptedPeer *peer,
                                    const char   *plain_header,
                                    const char   *features,
                                    const char   *secure_header);

/*
 * ScriptedFixture: a GTest fixture for running the real XmppConnector, and
 * then an XmppClient, against a fresh ScriptedPeer.
 */
typedef struct
{
  ScriptedPeer  *peer;
  XmppConnector *connector;
  GPtrArray     *log; /* "<< …" incoming, ">> …" outgoing */
  gboolean       done; /* the connector finished: stream or error is set */
  XmppStream    *stream;
  GError        *error;
  XmppClient    *client;
  gboolean       disconnected; /* for tests that watch the client */
  GError        *disconnect_error;
} ScriptedFixture;

void scripted_fixture_set_up (ScriptedFixture *f,
                              gconstpointer    data);
/* Frees everything and lets cancelled operations finish. */
void scripted_fixture_tear_down (ScriptedFixture *f,
                                 gconstpointer    data);
/*
 * Starts a connector made from @config (its log goes to f->log) on the
 * peer's pipe; when it finishes it sets f->stream or f->error, then
 * f->done.
 */
void     scripted_fixture_start_connector (ScriptedFixture     *f,
                                           XmppConnectorConfig *config);
/* Returns: whether any line of the protocol log contains @needle */
gboolean scripted_fixture_log_contains (ScriptedFixture *f,
                                        const char      *needle);

G_END_DECLS
