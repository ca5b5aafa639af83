/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the head of an HTTP/1.1 message takes on the wire, above TLS: the
 * byte counters of the WebSocket upgrade and of BOSH requests.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/**
 * http_wire_headers_size:
 * @headers: request or response headers
 *
 * Returns: the bytes of the header lines ("Name: value" and CRLF each)
 */
guint64 http_wire_headers_size (SoupMessageHeaders *headers);

/**
 * http_wire_response_head_size:
 * @msg: a message whose response has arrived
 *
 * Returns: the bytes of the status line, the header lines and the blank
 *   line after them
 */
guint64 http_wire_response_head_size (SoupMessage *msg);

G_END_DECLS
