/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0313: Message Archive Management, version 0.8.0 (urn:xmpp:mam:2),
 * paged with XEP-0059 and wrapped with XEP-0297.
 *
 * A query is an IQ set; the archive answers with one <message/> per
 * archived message, each carrying <result queryid=… id=…><forwarded/>, and
 * then with the IQ result carrying <fin/> and the page's RSM set (§4).
 *
 *   xmpp_mam_query_async ──► query open ──► IQ result/error ──► closed
 *                             │ results: queryid and sender checked
 *                             ▼
 *                           XmppMamResultFunc
 *
 * A result message is a claim that the archive holds this message, so it
 * counts only while a query is open, with that query's random `queryid`,
 * and from the archive that was asked (§8.2, CVE-2019-16237): the own
 * archive answers without `from` or from the account's bare JID, a room
 * from its bare JID.  Every other message carrying a MAM <result/> is
 * dropped, including results that arrive after the IQ result.
 */
#pragma once

#include "xmpp-client.h"

G_BEGIN_DECLS

#define XMPP_NS_MAM        "urn:xmpp:mam:2"
#define XMPP_NS_DATA_FORMS "jabber:x:data"

/**
 * XmppMamQuery:
 * @with: (nullable): only messages to or from this JID (§4.1.1)
 * @start: (nullable): only messages at or after this time (§4.1.2)
 * @end: (nullable): only messages at or before this time
 * @after_id: (nullable): the page after this archive id (RSM <after/>)
 * @before_id: (nullable): the page before this archive id (RSM
 *   <before/>); "" asks for the last page of the archive (§4.3.3)
 * @max: the page size, or -1 for the archive's default
 *
 * The filters of a query.  @after_id and @before_id go out as RSM, which
 * every MAM archive supports (§4.3); at most one of them may be set.
 */
typedef struct {
  XmppJid   *with;
  GDateTime *start;
  GDateTime *end;
  char      *after_id;
  char      *before_id;
  int        max;
} XmppMamQuery;

/** xmpp_mam_query_new: Returns: (transfer full): a query for the whole archive */
XmppMamQuery *xmpp_mam_query_new (void) G_GNUC_WARN_UNUSED_RESULT;
/** xmpp_mam_query_copy: Returns: (transfer full): a deep copy of @query */
XmppMamQuery *xmpp_mam_query_copy (const XmppMamQuery *query) G_GNUC_WARN_UNUSED_RESULT;
/** xmpp_mam_query_free: frees @query and everything it holds */
void xmpp_mam_query_free (XmppMamQuery *query);

/**
 * XmppMamPage:
 * @first: (nullable): the archive id of the page's first message, %NULL
 *   for an empty page
 * @last: (nullable): the archive id of the page's last message: the
 *   @after_id of the next page
 * @complete: whether this was the last page (`complete='true'`, §4.3.2)
 * @stable: %FALSE when the archive said the results may still change
 *   (`stable='false'`); such pages should be fetched again later
 * @count: the number of messages matching the query, -1 when not given
 *
 * What the <fin/> of a query says.
 */
typedef struct {
  char     *first;
  char     *last;
  gboolean  complete;
  gboolean  stable;
  gint64    count;
} XmppMamPage;

/** xmpp_mam_page_copy: Returns: (transfer full): a deep copy of @page */
XmppMamPage *xmpp_mam_page_copy (const XmppMamPage *page) G_GNUC_WARN_UNUSED_RESULT;
/** xmpp_mam_page_free: frees @page */
void xmpp_mam_page_free (XmppMamPage *page);

/**
 * XmppMamResultFunc:
 * @client: the client
 * @message: the archived <message/> (in `jabber:client`)
 * @archive_id: the message's id in the archive (non-empty, at most 1023
 *   bytes); also its XEP-0359 stanza-id by the archive
 * @stamp: (nullable): when the archive received the message (XEP-0203),
 *   %NULL when absent or not a plausible date
 * @user_data: the @func_data given to xmpp_mam_query_async()
 *
 * Called for each result of an open query, in archive order.  An archived
 * message must never be acknowledged (XEP-0184 §5.5).
 */
typedef void (*XmppMamResultFunc) (XmppClient *client,
                                   XmppNode   *message,
                                   const char *archive_id,
                                   GDateTime  *stamp,
                                   gpointer    user_data);

/**
 * xmpp_mam_attach:
 * @client: a client
 *
 * Installs the handler that checks and drops MAM results, before the
 * ordinary message handlers, so that no later handler ever reads a result
 * as a new message.  xmpp_mam_query_async() calls it; calling it at
 * connection time also drops results that arrive before the first query.
 * Calling it again does nothing.
 */
void xmpp_mam_attach (XmppClient *client);

/**
 * xmpp_mam_query_async:
 * @client: a client
 * @archive: (nullable): the archive to query: %NULL for the account's own
 *   archive (the IQ then has no `to`), or a room's bare JID
 * @query: the filters; copied
 * @func: called for each accepted result
 * @func_data: data for @func; it must stay valid until @callback runs
 * @cancellable: (nullable): a #GCancellable; cancelling closes the query
 * @callback: called when the archive has answered
 * @user_data: data for @callback
 *
 * Queries one page of an archive (§4): an IQ set with a fresh random
 * `queryid`, a data form (XEP-0004, FORM_TYPE `urn:xmpp:mam:2`) with the
 * `with`, `start` and `end` filters when any is set, and an RSM set with
 * @max and the page position.  Paging through a whole archive (asking
 * again with @after_id set to the previous page's @last until @complete)
 * is the caller's loop.
 */
void xmpp_mam_query_async (XmppClient          *client,
                           const XmppJid       *archive,
                           const XmppMamQuery  *query,
                           XmppMamResultFunc    func,
                           gpointer             func_data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data);

/**
 * xmpp_mam_query_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the page, or %NULL with @error set:
 *   the stanza error (`item-not-found` when @after_id or @before_id is not
 *   in the archive, §4.3.2), a timeout, a cancellation, the connection's
 *   error, %G_IO_ERROR_INVALID_ARGUMENT for a query with both @after_id
 *   and @before_id, or %G_IO_ERROR_INVALID_DATA when the answer has no
 *   usable <fin/>
 */
XmppMamPage *xmpp_mam_query_finish (XmppClient    *client,
                                    GAsyncResult  *result,
                                    GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppMamQuery, xmpp_mam_query_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppMamPage, xmpp_mam_page_free)

G_END_DECLS
