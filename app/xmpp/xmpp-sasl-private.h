/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internals of the SASL layer, shared by xmpp-sasl.c (choice, dispatch,
 * PLAIN, XEP-0474 hash) and xmpp-sasl-scram.c (RFC 5802 / RFC 7677), and
 * reachable from the unit tests and the fuzz target.  The connector uses
 * xmpp-sasl.h only.
 */
#pragma once

#include "xmpp-sasl.h"

G_BEGIN_DECLS

/* The largest SCRAM iteration count accepted by default.  A server (or a
 * MITM before the server signature is checked) choosing i=2^31 would
 * otherwise make the client spin for minutes; 10 million is several
 * hundred times what real servers use (4096 to 100000). */
#define XMPP_SASL_SCRAM_MAX_ITERATIONS 10000000u

/* Overwrites @len bytes at @data in a way the compiler may not elide. */
void xmpp_sasl_wipe (gpointer data,
                     gsize    len);

/* Wipes and frees a NUL-terminated secret; %NULL is allowed. */
void xmpp_sasl_free_secret (char *secret);

/*
 * XEP-0474 (version 0.5.0) §"Server Sends Downgrade Protection Hash": the
 * base64 of HASH(S), where S is the offered mechanisms sorted with the
 * i;octet collation and joined by U+001E, followed, only when the server
 * advertised XEP-0440 channel-binding types, by U+001F and those types
 * sorted and joined by U+001E.  HASH is the SCRAM mechanism's hash.
 */
char *xmpp_sasl_ssdp_hash (const XmppSaslOffer *offer,
                           GChecksumType        hash) G_GNUC_WARN_UNUSED_RESULT;

/* Lowers the iteration-count limit (the fuzz target uses this to keep each
 * input cheap).  SCRAM mechanisms only. */
void xmpp_sasl_set_max_iterations (XmppSasl *self,
                                   guint     max_iterations);

/* ------------------------------------------------------------------ */
/* SCRAM, xmpp-sasl-scram.c                                             */

typedef struct _XmppSaslScram XmppSaslScram;

/* Parses "SCRAM-SHA-1", "SCRAM-SHA-256-PLUS", …; FALSE for anything else. */
gboolean xmpp_sasl_scram_parse_mechanism (const char    *mechanism,
                                          GChecksumType *hash,
                                          gboolean      *plus);

/* RFC 5802 §5.1 saslname: '=' becomes "=3D" and ',' becomes "=2C". */
char *xmpp_sasl_scram_escape_username (const char *authcid) G_GNUC_WARN_UNUSED_RESULT;

/*
 * RFC 4013 SASLprep as far as it matters for a client: non-ASCII spaces
 * (RFC 3454 C.1.2) become U+0020, characters "commonly mapped to nothing"
 * (B.1) are removed, the result is NFKC-normalised, and control, private-use,
 * non-character and display-changing code points are refused.  Returns a
 * newly allocated string the caller wipes with xmpp_sasl_free_secret().
 */
char *xmpp_sasl_scram_saslprep (const char  *password,
                                GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/*
 * @gs2_flag: 'p' (channel binding with @cb_type/@cb_data), 'y' (we could
 *   bind but the server offered no -PLUS) or 'n' (we do not bind)
 * @ssdp_expected: (transfer full) (nullable): our XEP-0474 hash of the offer
 * @ssdp_required: fail unless the server sends a matching hash
 */
XmppSaslScram *xmpp_sasl_scram_new (GChecksumType  hash,
                                    char           gs2_flag,
                                    const char    *cb_type,
                                    GBytes        *cb_data,
                                    char          *ssdp_expected,
                                    gboolean       ssdp_required);
void xmpp_sasl_scram_free (XmppSaslScram *self);
void xmpp_sasl_scram_set_client_nonce (XmppSaslScram *self,
                                       const char    *nonce);
void xmpp_sasl_scram_set_max_iterations (XmppSaslScram *self,
                                         guint          max_iterations);

/* client-first-message (gs2-header + client-first-message-bare). */
GBytes *xmpp_sasl_scram_client_first (XmppSaslScram  *self,
                                      const char     *authcid,
                                      GError        **error);

/* Parses server-first-message and answers with client-final-message.
 * @password is already SASLprep'd. */
GBytes *xmpp_sasl_scram_client_final (XmppSaslScram  *self,
                                      const char     *password,
                                      GBytes         *server_first,
                                      GError        **error);

/* Parses server-final-message and checks v= in constant time. */
gboolean xmpp_sasl_scram_server_final (XmppSaslScram  *self,
                                       GBytes         *server_final,
                                       GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppSaslScram, xmpp_sasl_scram_free)

G_END_DECLS
