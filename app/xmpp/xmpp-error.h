/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Error domains of the protocol core: stanza errors (RFC 6120 §8.3) and
 * stream errors (RFC 6120 §4.9), with conversions to and from XML.
 */
#pragma once

#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_STANZA_ERROR (xmpp_stanza_error_quark ())
GQuark xmpp_stanza_error_quark (void);

/* RFC 6120 §8.3.3, in the order of the RFC. */
typedef enum {
  XMPP_STANZA_ERROR_BAD_REQUEST,
  XMPP_STANZA_ERROR_CONFLICT,
  XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED,
  XMPP_STANZA_ERROR_FORBIDDEN,
  XMPP_STANZA_ERROR_GONE,
  XMPP_STANZA_ERROR_INTERNAL_SERVER_ERROR,
  XMPP_STANZA_ERROR_ITEM_NOT_FOUND,
  XMPP_STANZA_ERROR_JID_MALFORMED,
  XMPP_STANZA_ERROR_NOT_ACCEPTABLE,
  XMPP_STANZA_ERROR_NOT_ALLOWED,
  XMPP_STANZA_ERROR_NOT_AUTHORIZED,
  XMPP_STANZA_ERROR_POLICY_VIOLATION,
  XMPP_STANZA_ERROR_RECIPIENT_UNAVAILABLE,
  XMPP_STANZA_ERROR_REDIRECT,
  XMPP_STANZA_ERROR_REGISTRATION_REQUIRED,
  XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND,
  XMPP_STANZA_ERROR_REMOTE_SERVER_TIMEOUT,
  XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT,
  XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE,
  XMPP_STANZA_ERROR_SUBSCRIPTION_REQUIRED,
  XMPP_STANZA_ERROR_UNDEFINED_CONDITION,
  XMPP_STANZA_ERROR_UNEXPECTED_REQUEST,
} XmppStanzaError;

#define XMPP_STREAM_ERROR (xmpp_stream_error_quark ())
GQuark xmpp_stream_error_quark (void);

/*
 * Stream-level failures: the RFC 6120 §4.9.3 conditions the server sent,
 * plus the client's own reasons to end a stream.
 */
typedef enum {
  XMPP_STREAM_ERROR_CONDITION,      /* <stream:error/> from the server */
  XMPP_STREAM_ERROR_CLOSED,         /* the server ended the stream */
  XMPP_STREAM_ERROR_NO_TLS,         /* STARTTLS not offered or refused */
  XMPP_STREAM_ERROR_TLS,            /* handshake or certificate failure */
  XMPP_STREAM_ERROR_DNS,            /* the domain could not be resolved */
  XMPP_STREAM_ERROR_REFUSED,        /* no endpoint accepted a connection */
  XMPP_STREAM_ERROR_TIMEOUT,        /* no answer in time */
  XMPP_STREAM_ERROR_PROTOCOL,       /* the server broke the protocol */
  XMPP_STREAM_ERROR_BIND,           /* resource binding failed */
  XMPP_STREAM_ERROR_IO,             /* the connection failed */
} XmppStreamErrorCode;

/**
 * xmpp_stanza_error_from_condition:
 * Returns: the code for an RFC 6120 condition name, UNDEFINED_CONDITION
 *   when unknown
 */
XmppStanzaError xmpp_stanza_error_from_condition (const char *condition);

/** xmpp_stanza_error_to_condition: Returns: the RFC 6120 condition name */
const char *xmpp_stanza_error_to_condition (XmppStanzaError code);

/**
 * xmpp_stanza_error_from_node:
 * @stanza: a stanza of type "error"
 *
 * Returns: (transfer full): a XMPP_STANZA_ERROR describing the <error/>
 *   child, with the server's <text/> when present
 */
GError *xmpp_stanza_error_from_node (const XmppNode *stanza);

/**
 * xmpp_error_element_parse:
 * @element: an <error/> (stanza or stream) or SASL <failure/>
 * @ns: (nullable): the namespace of the conditions, %NULL for any
 * @condition: (out): the first condition child, %NULL when none
 * @text: (out): the server's <text/>, %NULL when none or empty
 *
 * Reads an RFC 6120 error element (§4.9.2, §6.5, §8.3.2).
 */
void xmpp_error_element_parse (const XmppNode  *element,
                               const char      *ns,
                               const char     **condition,
                               const char     **text);

/**
 * xmpp_error_format:
 * @text: (nullable): the server's explanation
 *
 * The server's text is data from the network: it is shown cut to 200
 * bytes and made valid UTF-8, so a hostile server cannot flood a message.
 *
 * Returns: (transfer full): "condition" or "condition (text)"
 */
char *xmpp_error_format (const char *condition,
                         const char *text) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_stream_error_from_node:
 * @stream_error: a <stream:error/>
 *
 * Returns: (transfer full): a XMPP_STREAM_ERROR_CONDITION naming the
 *   condition and the server's text
 */
GError *xmpp_stream_error_from_node (const XmppNode *stream_error);

/**
 * xmpp_stanza_make_error_reply:
 * @stanza: the stanza that failed
 * @type: "cancel", "modify", "auth", "wait" or "continue"
 *
 * Builds the error reply: to/from swapped, same id and kind, with the
 * defined condition (RFC 6120 §8.3.2).
 *
 * Returns: (transfer full): the reply
 */
XmppNode *xmpp_stanza_make_error_reply (const XmppNode  *stanza,
                                        XmppStanzaError  code,
                                        const char      *type);

/**
 * xmpp_stanza_make_result:
 * @iq: an IQ get or set
 *
 * Returns: (transfer full): an empty `result` IQ answering @iq
 */
XmppNode *xmpp_stanza_make_result (const XmppNode *iq);

G_END_DECLS
