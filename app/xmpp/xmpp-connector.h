/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppConnector: from a JID and a password to a bound, authenticated
 * stream (RFC 6120 §§3–7).
 *
 *   RESOLVE ── explicit host:port, or SRV _xmpps-client._tcp (direct TLS,
 *      │       ALPN "xmpp-client"), then SRV _xmpp-client._tcp, then the
 *      │       domain itself on 5222; each candidate in turn until one
 *      │       accepts a TCP connection
 *      │
 *      ├── transport auto, no TCP candidate reachable (DNS, refused,
 *      │   timeout only), or no server stream header over TCP within a
 *      │   third of the deadline (a network that drops XMPP) ──┐
 *      │   transport websocket / bosh ──────────────────────────────┐
 *      │                                                            ▼
 *      │   DISCOVER ── XEP-0156 host-meta over HTTPS, through the provider
 *      │      │        (skipped for the URLs the account configures)
 *      │      ▼
 *      │   HTTP_CONNECT ── WebSocket, then BOSH (auto); the next one only
 *      │      │            when this one was unreachable; a certificate,
 *      │      │            TLS or insecure-URL failure ──▶ FAIL
 *      │      ▼
 *      │   OPEN_SECURE (the transport is already encrypted: no STARTTLS;
 *      │                restarts after SASL are the transport's own)
 *      ▼
 *   CONNECT ──direct TLS──▶ TLS ──▶ OPEN_SECURE
 *      │
 *      ▼ plain
 *   OPEN_PLAIN ──▶ FEATURES_PLAIN ── no <starttls/> ──▶ FAIL (no credentials
 *      │                                                 are ever sent)
 *      ▼ <starttls/>
 *   STARTTLS ── <proceed/> ──▶ TLS (handshake; bytes read before it are
 *      │                            discarded; certificate checked against
 *      │                            the JID's domain) ──▶ OPEN_SECURE
 *      ▼ <failure/>
 *     FAIL
 *   OPEN_SECURE ──▶ FEATURES_SASL ──▶ AUTH ◀─▶ challenge/response
 *                      │               │ <success/> (server signature
 *                      │               │ verified) / <failure/> ──▶ FAIL
 *                      │               ▼                (never retried
 *                      │            OPEN_BOUND            with another
 *                      │               ▼                  mechanism)
 *                      │            FEATURES_BIND ──▶ BIND ──▶ (SESSION) ──▶ DONE
 *                      │               │ resumable XEP-0198 state   ▲
 *                      │               ▼                            │ <failed/>
 *                      │             RESUME ── <resumed/> ──▶ DONE ─┘ (fresh bind)
 *                      │               │ no answer within a third of the
 *                      │               ▼ deadline: resumption forgotten
 *                      │             FAIL (TIMEOUT; the next attempt binds)
 *                      │
 *                      └── register_only ──▶ DONE (no SASL, no bind; bound JID NULL)
 *
 * register_only is for creating an account (XEP-0077 §3.1.1: an
 * unregistered entity registers on the stream before authenticating).  It
 * ends there whether or not <register xmlns='http://jabber.org/features/
 * iq-register'/> is offered; the caller asks the server and gets a clear
 * answer either way.  The branch leaves from the encrypted stream's
 * features only, so no registration request can go over plain text.
 *
 * A <stream:error/> in any state ends the attempt with its condition.  The
 * whole attempt has one deadline (30 s by default).
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-jid.h"
#include "xmpp-stream.h"
#include "xmpp-transport.h"

G_BEGIN_DECLS

#define XMPP_TYPE_CONNECTOR (xmpp_connector_get_type ())
G_DECLARE_FINAL_TYPE (XmppConnector, xmpp_connector, XMPP, CONNECTOR, GObject)

/**
 * XmppConnectorConfig:
 * @jid: the account (a resource in it is used when @resource is %NULL)
 * @password: the password
 * @host: (nullable): connect here instead of resolving SRV records; the
 *   certificate is still checked against the JID's domain
 * @port: port for @host (0: 5222, or 5223 with @direct_tls)
 * @direct_tls: with @host, speak TLS at once (XEP-0368) instead of STARTTLS
 * @ca_file: (nullable): extra certificate authorities (PEM)
 * @resource: (nullable): the resource to ask for; the server may change it
 * @timeout_seconds: 0 for 30
 * @log_func: (nullable): receives the protocol log, secrets masked
 * @sm: (nullable) (type XmppSm): stream-management state; when it can
 *   resume, the connector asks for that instead of binding a new session
 * @register_only: stop on the encrypted stream before authentication, to
 *   create an account (XEP-0077); @password may then be %NULL, @jid may be
 *   the bare domain, and @sm is not used (TCP only)
 * @transport: which transports to try (see #XmppTransportKind)
 * @websocket_url: (nullable): a wss:// endpoint instead of discovery
 * @bosh_url: (nullable): an https:// endpoint instead of discovery
 * @allow_insecure_loopback_ws: accept ws:// and http:// URLs on loopback
 *   addresses (tests); never anything else
 * @provider: (nullable) (type XmppTransportProvider): opens WebSocket and
 *   BOSH transports and discovers them; without it only TCP is possible
 */
typedef struct
{
  XmppJid *jid;
  const char *password;
  const char *host;
  guint16 port;
  gboolean direct_tls;
  const char *ca_file;
  const char *resource;
  guint timeout_seconds;
  XmppStreamLogFunc log_func;
  gpointer log_data;
  gpointer sm;
  gboolean register_only;
  XmppTransportKind transport;
  const char *websocket_url;
  const char *bosh_url;
  gboolean allow_insecure_loopback_ws;
  gpointer provider;
} XmppConnectorConfig;

/**
 * xmpp_connector_new:
 * @config: copied; the caller keeps ownership of its strings
 *
 * Returns: (transfer full): a connector for one attempt
 */
XmppConnector *xmpp_connector_new (const XmppConnectorConfig *config) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_connector_set_stream_for_testing:
 * @base: an already connected byte stream (an in-memory pipe)
 *
 * Skips resolution and TCP: the attempt starts on @base, as plain TCP, or
 * as direct TLS when the config says so.
 */
void xmpp_connector_set_stream_for_testing (XmppConnector *self,
                                            GIOStream     *base);

/**
 * xmpp_connector_connect_async:
 *
 * Runs the attempt.  Only one attempt per connector.
 */
void xmpp_connector_connect_async (XmppConnector       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);

/**
 * xmpp_connector_connect_finish:
 *
 * Returns: (transfer full) (nullable): the stream, bound and ready for
 *   stanzas (with register_only: encrypted, not authenticated, for an
 *   XmppClient whose JID is the domain), or %NULL with an error in
 *   XMPP_STREAM_ERROR (DNS, REFUSED, TIMEOUT, NO_TLS, TLS, CONDITION…) or
 *   XMPP_SASL_ERROR
 */
XmppStream *xmpp_connector_connect_finish (XmppConnector  *self,
                                           GAsyncResult   *result,
                                           GError        **error);

/**
 * xmpp_connector_get_bound_jid:
 *
 * Returns: (transfer none) (nullable): the full JID the server bound;
 *   %NULL with register_only
 */
XmppJid *xmpp_connector_get_bound_jid (XmppConnector *self);

/**
 * xmpp_connector_get_features:
 *
 * Returns: (transfer none) (nullable): the stream features offered after
 *   authentication (stream management, CSI, …); with register_only, those
 *   of the encrypted stream before it (XEP-0077's <register/>, SASL
 *   mechanisms)
 */
XmppNode *xmpp_connector_get_features (XmppConnector *self);

/**
 * xmpp_connector_get_resumed:
 *
 * Returns: whether the previous session was resumed (XEP-0198 §5): the
 *   caller then attaches the XmppSm and calls xmpp_sm_resend() instead of
 *   starting a new session
 */
gboolean xmpp_connector_get_resumed (XmppConnector *self);

/** xmpp_connector_get_mechanism: Returns: (nullable): the SASL mechanism used */
const char *xmpp_connector_get_mechanism (XmppConnector *self);

/**
 * xmpp_connector_classify_error:
 * @error: why reaching @what failed (resolver, GIO, TLS, HTTP)
 * @what: the endpoint, for the message
 *
 * Sorts a connection failure into the XMPP_STREAM_ERROR codes the
 * connector tells apart: DNS, REFUSED and TIMEOUT (unreachable: the next
 * transport may be tried), anything else IO.
 *
 * Returns: (transfer full): the error to report
 */
GError *xmpp_connector_classify_error (const GError *error,
                                       const char   *what);

G_END_DECLS
