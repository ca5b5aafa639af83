/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SASL for XMPP (RFC 6120 §6): I/O-free mechanisms and the choice of one.
 *
 * A mechanism is a little state machine fed with the server's decoded
 * challenges; it never touches a socket, so tests drive it with the RFC 5802
 * and RFC 7677 vectors.  Supported: SCRAM-SHA-512, SCRAM-SHA-256, SCRAM-SHA-1
 * and their -PLUS variants (RFC 5802 channel binding: tls-exporter
 * (RFC 9266) or tls-server-end-point (RFC 5929)), and PLAIN (RFC 4616).
 *
 *   START --initial()--> WAIT_CHALLENGE --step()--> WAIT_SUCCESS
 *                                                     |
 *                    success(additional data) --verify_success()--> DONE
 *
 * The server signature (v=) must verify before success is believed; a SCRAM
 * exchange that ends without it is a failure.  XEP-0474 (SASL SCRAM
 * Downgrade Protection, version 0.5.0): when the server-first-message
 * carries the "h" attribute, it must equal base64(H(S)), H being the SCRAM
 * hash and S the offered mechanisms sorted (i;octet) and joined by U+001E,
 * followed, when XEP-0440 types were advertised, by U+001F and the types
 * sorted and joined by U+001E; otherwise %XMPP_SASL_ERROR_DOWNGRADE.
 *
 * GS2 channel-binding flag (RFC 5802 §6): "p=<type>" for -PLUS; "y" when
 * we hold channel-binding data but the server offers no -PLUS at all; "n"
 * otherwise.  When the server offers -PLUS and lists XEP-0440 types of
 * which we can use none, and tls-server-end-point is not among them
 * (XEP-0440 rule 5, relaxed by XEP-0474 "new rule 6"), plain SCRAM with "n"
 * is used and the XEP-0474 hash becomes mandatory.
 *
 * Nothing here logs credentials or SASL payloads.  Passwords, SCRAM keys
 * and the PLAIN message are wiped when released.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define XMPP_SASL_ERROR (xmpp_sasl_error_quark ())
GQuark xmpp_sasl_error_quark (void);

/**
 * XmppSaslError:
 * @XMPP_SASL_ERROR_NO_MECHANISM: nothing acceptable was offered
 * @XMPP_SASL_ERROR_PROTOCOL: malformed or unexpected server message
 * @XMPP_SASL_ERROR_SERVER_SIGNATURE: the server could not prove it knows
 *   the password (wrong v=, or success without it)
 * @XMPP_SASL_ERROR_DOWNGRADE: XEP-0474 check failed
 * @XMPP_SASL_ERROR_NOT_AUTHORIZED: the server rejected the credentials
 * @XMPP_SASL_ERROR_FAILURE: any other <failure/> from the server
 */
typedef enum {
  XMPP_SASL_ERROR_NO_MECHANISM,
  XMPP_SASL_ERROR_PROTOCOL,
  XMPP_SASL_ERROR_SERVER_SIGNATURE,
  XMPP_SASL_ERROR_DOWNGRADE,
  XMPP_SASL_ERROR_NOT_AUTHORIZED,
  XMPP_SASL_ERROR_FAILURE,
} XmppSaslError;

/**
 * XmppSaslOffer:
 * @mechanisms: %NULL-terminated mechanism names from <mechanisms/>
 * @cb_types: (nullable): %NULL-terminated channel-binding types the server
 *   advertised with XEP-0440 (`urn:xmpp:sasl-cb:0`), or %NULL when it did
 *   not advertise any
 * @tls: whether the stream is encrypted
 * @cb_exporter: (nullable): tls-exporter data (TLS 1.3), when available
 * @cb_endpoint: (nullable): tls-server-end-point data, when available
 *
 * What the stream features offered, and what the TLS layer can bind to.
 */
typedef struct {
  const char * const *mechanisms;
  const char * const *cb_types;
  gboolean            tls;
  GBytes             *cb_exporter;
  GBytes             *cb_endpoint;
} XmppSaslOffer;

typedef struct _XmppSasl XmppSasl;

/**
 * xmpp_sasl_new_for_offer:
 * @offer: what the server offered
 * @authcid: the username (localpart of the account)
 * @password: the password
 *
 * Chooses the strongest acceptable mechanism: SCRAM-SHA-512-PLUS,
 * SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS (when channel-binding data of a type
 * the server accepts exists), then SCRAM-SHA-512, SCRAM-SHA-256,
 * SCRAM-SHA-1, and PLAIN only over TLS and only when no SCRAM mechanism is
 * offered at all.  There is deliberately no way to ask for the next weaker
 * mechanism after a failure.
 *
 * Returns: (transfer full) (nullable): the mechanism, or %NULL with
 *   %XMPP_SASL_ERROR_NO_MECHANISM
 */
XmppSasl *xmpp_sasl_new_for_offer (const XmppSaslOffer  *offer,
                                   const char           *authcid,
                                   const char           *password,
                                   GError              **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_sasl_new:
 * @mechanism: e.g. "SCRAM-SHA-256-PLUS"
 * @cb_type: (nullable): "tls-exporter" or "tls-server-end-point" for -PLUS
 * @cb_data: (nullable): the channel-binding data for @cb_type
 * @offer: (nullable): the offer, for XEP-0474 checks
 *
 * Creates a mechanism explicitly (tests, vectors).  For a non-PLUS SCRAM
 * mechanism, @cb_data only selects the "y" flag (see above).  Invalid UTF-8
 * credentials, an empty username, or a password SASLprep (RFC 4013)
 * prohibits fail with %XMPP_SASL_ERROR_FAILURE; PLAIN with an unencrypted
 * @offer fails with %XMPP_SASL_ERROR_NO_MECHANISM.
 *
 * Returns: (transfer full) (nullable): the mechanism, or %NULL with @error
 */
XmppSasl *xmpp_sasl_new (const char           *mechanism,
                         const char           *authcid,
                         const char           *password,
                         const char           *cb_type,
                         GBytes               *cb_data,
                         const XmppSaslOffer  *offer,
                         GError              **error) G_GNUC_WARN_UNUSED_RESULT;

/** xmpp_sasl_free: wipes secrets and frees @self */
void xmpp_sasl_free (XmppSasl *self);

/** xmpp_sasl_get_mechanism: Returns: the mechanism name for <auth/> */
const char *xmpp_sasl_get_mechanism (const XmppSasl *self);

/**
 * xmpp_sasl_set_client_nonce:
 *
 * Replaces the random client nonce (test vectors only).
 */
void xmpp_sasl_set_client_nonce (XmppSasl   *self,
                                 const char *nonce);

/**
 * xmpp_sasl_initial:
 *
 * Returns: (transfer full) (nullable): the initial response (raw bytes,
 *   not base64), or %NULL with @error
 */
GBytes *xmpp_sasl_initial (XmppSasl  *self,
                           GError   **error);

/**
 * xmpp_sasl_step:
 * @challenge: the decoded <challenge/> payload
 *
 * For SCRAM, the first challenge is the server-first-message.  A second
 * challenge is taken as the server-final-message (RFC 6120 §6.3.10 allows
 * servers to send it so): it is verified and an empty response returned,
 * after which xmpp_sasl_verify_success() accepts an empty <success/>.
 * Any other challenge is %XMPP_SASL_ERROR_PROTOCOL.  After any error the
 * mechanism is dead: every later call fails.
 *
 * Returns: (transfer full) (nullable): the decoded <response/> payload, or
 *   %NULL with @error (the caller then sends <abort/>)
 */
GBytes *xmpp_sasl_step (XmppSasl  *self,
                        GBytes    *challenge,
                        GError   **error);

/**
 * xmpp_sasl_verify_success:
 * @additional: (nullable): the decoded payload of <success/>
 *
 * Returns: %TRUE when the exchange is complete and, for SCRAM, the server
 *   signature was verified; %FALSE with @error otherwise
 */
gboolean xmpp_sasl_verify_success (XmppSasl  *self,
                                   GBytes    *additional,
                                   GError   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppSasl, xmpp_sasl_free)

G_END_DECLS
