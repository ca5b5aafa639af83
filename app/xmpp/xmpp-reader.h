/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppReader: an incremental, namespace-aware expat parser for XMPP streams.
 *
 * It accepts the XML subset of RFC 6120 §11 only: UTF-8, no DOCTYPE or
 * entity declarations, no comments, no processing instructions (the XML
 * declaration itself is allowed), and it enforces limits on the size of one
 * stanza, the nesting depth and the number of attributes per element.  Any
 * violation is a fatal error for the stream: after it, feed() fails again.
 *
 * Bytes go in with xmpp_reader_feed(); complete events come out, in order,
 * with xmpp_reader_pop().  In stream mode the root element is the stream
 * header (an XMPP_READER_EVENT_STREAM_OPEN carrying an XmppNode with the
 * root's attributes and no children), each child of the root is one
 * XMPP_READER_EVENT_STANZA, and the end of the root is
 * XMPP_READER_EVENT_STREAM_CLOSE.  In document mode the root element is
 * itself returned as one STANZA event.
 */
#pragma once

#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_READER_ERROR (xmpp_reader_error_quark ())
GQuark xmpp_reader_error_quark (void);

/**
 * XmppReaderError:
 * @XMPP_READER_ERROR_NOT_WELL_FORMED: XML syntax error (stream error
 *   `not-well-formed`)
 * @XMPP_READER_ERROR_RESTRICTED_XML: DOCTYPE, entity, comment or processing
 *   instruction (stream error `restricted-xml`)
 * @XMPP_READER_ERROR_BAD_ENCODING: not UTF-8 or invalid UTF-8
 *   (`unsupported-encoding` / `not-well-formed`)
 * @XMPP_READER_ERROR_LIMIT: a size, depth or attribute limit was exceeded
 *   (`policy-violation`)
 * @XMPP_READER_ERROR_CLOSED: data after the end of the stream or document
 */
typedef enum {
  XMPP_READER_ERROR_NOT_WELL_FORMED,
  XMPP_READER_ERROR_RESTRICTED_XML,
  XMPP_READER_ERROR_BAD_ENCODING,
  XMPP_READER_ERROR_LIMIT,
  XMPP_READER_ERROR_CLOSED,
} XmppReaderError;

/**
 * XmppReaderLimits:
 * @max_stanza_size: bytes of one stanza, from the `<` of its start tag to
 *   the `>` of its end tag, default 8 MiB: a roster result of 20,000
 *   contacts is one stanza of 2 to 3 MB, and a limit it hits would end
 *   every login of that account.  Bytes waiting outside any
 *   stanza (an unfinished stream header or start tag) count as well, so a
 *   never-ending tag or text fails as soon as it passes the limit.
 * @max_depth: element depth, default 64; a stanza is at depth 1 (in
 *   document mode, the root is)
 * @max_attrs: attributes on one element, default 64
 */
typedef struct {
  gsize max_stanza_size;
  guint max_depth;
  guint max_attrs;
} XmppReaderLimits;

#define XMPP_READER_DEFAULT_MAX_STANZA_SIZE (8 * 1024 * 1024)
#define XMPP_READER_DEFAULT_MAX_DEPTH       64
#define XMPP_READER_DEFAULT_MAX_ATTRS       64

typedef enum {
  XMPP_READER_EVENT_NONE,
  XMPP_READER_EVENT_STREAM_OPEN,
  XMPP_READER_EVENT_STANZA,
  XMPP_READER_EVENT_STREAM_CLOSE,
} XmppReaderEvent;

typedef enum {
  XMPP_READER_MODE_STREAM,
  XMPP_READER_MODE_DOCUMENT,
} XmppReaderMode;

typedef struct _XmppReader XmppReader;

/**
 * xmpp_reader_new:
 * @limits: (nullable): limits; %NULL, or a field of 0, takes the default
 *
 * Returns: (transfer full): a reader ready for the first byte
 */
XmppReader *xmpp_reader_new (XmppReaderMode          mode,
                             const XmppReaderLimits *limits) G_GNUC_WARN_UNUSED_RESULT;
/** xmpp_reader_free: frees @self and every queued event */
void xmpp_reader_free (XmppReader *self);

/**
 * xmpp_reader_feed:
 *
 * Parses @len more bytes.  Complete events are queued for
 * xmpp_reader_pop().  Events completed before an error stay queued.
 *
 * Returns: %FALSE with @error (XMPP_READER_ERROR) on a fatal error
 */
gboolean xmpp_reader_feed (XmppReader  *self,
                           const char  *data,
                           gsize        len,
                           GError     **error);

/**
 * xmpp_reader_finish:
 *
 * Tells @self that no more bytes will come (the peer closed the
 * connection, or the document is complete) and checks that the input
 * ended where a document may end.
 *
 * Returns: %FALSE with @error (XMPP_READER_ERROR_NOT_WELL_FORMED) when the
 *   stream or document is incomplete, or when an earlier error is pending
 */
gboolean xmpp_reader_finish (XmppReader  *self,
                             GError     **error);

/**
 * xmpp_reader_pop:
 * @node: (out) (transfer full) (optional): the stanza, or the stream header
 *
 * Returns: the oldest queued event, %XMPP_READER_EVENT_NONE when none
 */
XmppReaderEvent xmpp_reader_pop (XmppReader  *self,
                                 XmppNode   **node);

/**
 * xmpp_reader_reset:
 *
 * Forgets all state, queued events and unparsed bytes, ready for a new
 * stream (after STARTTLS or SASL success, RFC 6120 §5.4.3.3 and §6.4.6).
 */
void xmpp_reader_reset (XmppReader *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppReader, xmpp_reader_free)

G_END_DECLS
