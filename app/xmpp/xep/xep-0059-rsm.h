/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0059: Result Set Management, version 1.1.
 *
 * Builds the <set/> of a request (page size, and the page after or before
 * a known item) and reads the <set/> of an answer (first and last item of
 * the page, its position and the size of the whole set).  The UIDs are
 * opaque (§2.2) and come from the network, so they are bounded.
 */
#pragma once

#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_NS_RSM "http://jabber.org/protocol/rsm"

/* The longest UID accepted from the network, in bytes. */
#define XMPP_RSM_MAX_ID_LEN 1023

/**
 * XmppRsmResult:
 * @first: (nullable): the UID of the first item of the page, %NULL when
 *   the page is empty
 * @first_index: the position of @first in the whole set, -1 when not given
 * @last: (nullable): the UID of the last item of the page
 * @count: the (possibly approximate) size of the whole set, -1 when not
 *   given
 *
 * The paging information of an answer (§2.2).
 */
typedef struct {
  char   *first;
  gint64  first_index;
  char   *last;
  gint64  count;
} XmppRsmResult;

/**
 * xmpp_rsm_build_request:
 * @max: the page size (§2.1), or -1 to leave it to the responder; 0 asks
 *   for the count only (§2.7)
 * @after: (nullable): the UID of the item before the wanted page (§2.2)
 * @before: (nullable): the UID of the item after the wanted page (§2.3);
 *   "" asks for the last page (§2.5)
 *
 * RSM does not define <after/> together with <before/> (XEP-0313 §4.3.2),
 * so at most one of them may be given.
 *
 * Returns: (transfer full): <set xmlns='http://jabber.org/protocol/rsm'/>
 */
XmppNode *xmpp_rsm_build_request (int         max,
                                  const char *after,
                                  const char *before) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_rsm_parse_result:
 * @set: a <set xmlns='http://jabber.org/protocol/rsm'/> from an answer
 * @result: (out caller-allocates): the paging information; its previous
 *   contents are overwritten, not freed; clear it with
 *   xmpp_rsm_result_clear()
 * @error: return location for a #GError
 *
 * Reads @set.  UIDs must be non-empty and at most %XMPP_RSM_MAX_ID_LEN
 * bytes; <first/> and <last/> come together (§2.2).  A missing or
 * unreadable <count/> or `index` is only advisory (XEP-0313 §4.3.2 tells
 * clients not to depend on them) and reads as -1.
 *
 * Returns: %TRUE on success; %FALSE with %G_IO_ERROR_INVALID_DATA, leaving
 *   @result cleared, when @set is not an RSM set or its UIDs are unusable
 */
gboolean xmpp_rsm_parse_result (const XmppNode  *set,
                                XmppRsmResult   *result,
                                GError         **error);

/** xmpp_rsm_result_clear: frees the strings of @result and resets it */
void xmpp_rsm_result_clear (XmppRsmResult *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XmppRsmResult, xmpp_rsm_result_clear)

G_END_DECLS
