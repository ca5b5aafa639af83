/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0313: Message Archive Management, version 0.8.0.
 *
 * Open queries live in a table on the client, keyed by `queryid`.  One
 * message handler, ahead of the ordinary ones, takes every message with a
 * MAM <result/>: it hands a result to the query it names when that query
 * is open and the sender is the archive that query asked, and drops
 * everything else.  The IQ answer closes the query before the caller hears
 * of it, so a result that arrives later finds no open query.
 */
#define G_LOG_DOMAIN "xep-0313-mam"

#include "xep-0313-mam.h"

#include <string.h>

#include "xep-0059-rsm.h"
#include "xep-0203-delay.h"
#include "xmpp-error.h"

#define XMPP_NS_FORWARD "urn:xmpp:forward:0"

#define STATE_KEY "xep-0313-mam"

/* Before the message service (priority 0), like carbons. */
#define MAM_PRIORITY (-100)

/* The archive streams a whole page before it answers the IQ; on a slow
 * link that takes longer than an ordinary request. */
#define QUERY_TIMEOUT 120

/* Archive ids are opaque; XEP-0359 ids this long are not ids. */
#define MAX_ID_LEN 1023

typedef struct
{
  char *queryid;
  XmppJid *archive;   /* NULL: the account's own archive */
  XmppMamResultFunc func;
  gpointer func_data;
} OpenQuery;

typedef struct
{
  guint handler_id;
  GHashTable *open;   /* queryid → OpenQuery */
} Mam;

/* Queries and pages */

XmppMamQuery *
xmpp_mam_query_new (void)
{
  XmppMamQuery *query = g_new0 (XmppMamQuery, 1);

  query->max = -1;
  return query;
}

XmppMamQuery *
xmpp_mam_query_copy (const XmppMamQuery *query)
{
  XmppMamQuery *copy;

  g_return_val_if_fail (query != NULL, NULL);

  copy = g_new0 (XmppMamQuery, 1);
  copy->with = query->with ? xmpp_jid_ref (query->with) : NULL;
  copy->start = query->start ? g_date_time_ref (query->start) : NULL;
  copy->end = query->end ? g_date_time_ref (query->end) : NULL;
  copy->after_id = g_strdup (query->after_id);
  copy->before_id = g_strdup (query->before_id);
  copy->max = query->max;

  return copy;
}

void
xmpp_mam_query_free (XmppMamQuery *query)
{
  if (query == NULL)
    return;

  g_clear_pointer (&query->with, xmpp_jid_unref);
  g_clear_pointer (&query->start, g_date_time_unref);
  g_clear_pointer (&query->end, g_date_time_unref);
  g_free (query->after_id);
  g_free (query->before_id);
  g_free (query);
}

XmppMamPage *
xmpp_mam_page_copy (const XmppMamPage *page)
{
  XmppMamPage *copy;

  g_return_val_if_fail (page != NULL, NULL);

  copy = g_memdup2 (page, sizeof *page);
  copy->first = g_strdup (page->first);
  copy->last = g_strdup (page->last);

  return copy;
}

void
xmpp_mam_page_free (XmppMamPage *page)
{
  if (page == NULL)
    return;

  g_free (page->first);
  g_free (page->last);
  g_free (page);
}

/* Results */

static void
open_query_free (gpointer data)
{
  OpenQuery *q = data;

  g_clear_pointer (&q->archive, xmpp_jid_unref);
  g_free (q->queryid);
  g_free (q);
}

static void
mam_free (gpointer data)
{
  Mam *self = data;

  g_hash_table_unref (self->open);
  g_free (self);
}

static gboolean
id_is_usable (const char *id)
{
  return id != NULL && id[0] != '\0' && strnlen (id, MAX_ID_LEN + 1) <= MAX_ID_LEN;
}

/* The one child of @parent called @name in @ns; %NULL when there is none
 * or more than one. */
static XmppNode *
get_only_child (const XmppNode *parent,
                const char     *name,
                const char     *ns)
{
  XmppNode *found = NULL;

  for (guint i = 0; i < xmpp_node_get_n_children (parent); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (parent, i);

      if (!xmpp_node_is (child, name, ns))
        continue;
      if (found != NULL)
        return NULL;
      found = child;
    }

  return found;
}

/* §8.2: whether @from may answer for the archive @q asked. */
static gboolean
sender_is_archive (XmppClient      *client,
                   const OpenQuery *q,
                   const XmppJid   *from)
{
  /* The own archive lives at the account's bare JID (§3.3.1) and the
   * server may leave `from` out for it (RFC 6120 §8.1.2.1). */
  if (q->archive == NULL)
    return xmpp_client_sender_allowed (client, from, XMPP_SENDER_OWN_BARE);

  return from != NULL && xmpp_jid_equal (from, q->archive);
}

static gboolean
result_cb (XmppClient *client,
           XmppNode   *stanza,
           XmppJid    *from,
           gpointer    user_data)
{
  Mam *self = user_data;
  g_autoptr (GDateTime) stamp = NULL;
  XmppNode *result;
  XmppNode *forwarded;
  XmppNode *message;
  const char *queryid;
  const char *archive_id;
  OpenQuery *q;

  /* Every return below consumes the stanza: a MAM result is never an
   * ordinary message, whoever sent it. */
  result = get_only_child (stanza, "result", XMPP_NS_MAM);
  queryid = result ? xmpp_node_get_attr (result, "queryid") : NULL;
  q = queryid ? g_hash_table_lookup (self->open, queryid) : NULL;
  if (q == NULL)
    {
      g_debug ("dropping an archive result for no open query");
      return TRUE;
    }

  if (!sender_is_archive (client, q, from))
    {
      g_debug ("dropping an archive result from %s, which was not queried",
               from ? xmpp_jid_to_string (from) : "the own account");
      return TRUE;
    }

  archive_id = xmpp_node_get_attr (result, "id");
  forwarded = get_only_child (result, "forwarded", XMPP_NS_FORWARD);
  message = forwarded ? get_only_child (forwarded, "message", NULL) : NULL;
  if (!id_is_usable (archive_id) || message == NULL ||
      !xmpp_node_is (message, "message", XMPP_NS_CLIENT))
    {
      g_debug ("dropping a malformed archive result");
      return TRUE;
    }

  /* §4.2: the <delay/> of the <forwarded/> says when the archive got it;
   * xmpp_delay_get_stamp() refuses implausible dates. */
  stamp = xmpp_delay_get_stamp (forwarded);

  q->func (client, message, archive_id, stamp, q->func_data);
  return TRUE;
}

static Mam *
get_state (XmppClient *client)
{
  Mam *self = g_object_get_data (G_OBJECT (client), STATE_KEY);

  if (self != NULL)
    return self;

  self = g_new0 (Mam, 1);
  self->open = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, open_query_free);

  /* The state lives on the client, so it is freed with it; the handler
   * only borrows it.  The router checks no sender here: an archive may be
   * anybody (a room), so result_cb() checks it per query. */
  self->handler_id = xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE,
                                              "result", XMPP_NS_MAM,
                                              XMPP_SENDER_ANY, MAM_PRIORITY,
                                              result_cb, self, NULL);
  g_object_set_data_full (G_OBJECT (client), STATE_KEY, self, mam_free);

  return self;
}

void
xmpp_mam_attach (XmppClient *client)
{
  g_return_if_fail (XMPP_IS_CLIENT (client));

  get_state (client);
}

/* Queries */

static void
add_field (XmppNode   *form,
           const char *var,
           const char *type,
           const char *value)
{
  XmppNode *field = xmpp_node_add_child (form, "field", NULL);

  xmpp_node_set_attr (field, "var", var);
  xmpp_node_set_attr (field, "type", type);
  xmpp_node_set_text (xmpp_node_add_child (field, "value", NULL), value);
}

/* XEP-0082 DateTime in UTC, e.g. 2010-06-07T00:00:00Z. */
static char *
format_datetime (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format_iso8601 (utc);
}

/* §4.1: the filters as a submitted data form, or %NULL when there is no
 * filter (an empty form would only cost bytes). */
static XmppNode *
build_form (const XmppMamQuery *query)
{
  XmppNode *form;

  if (query->with == NULL && query->start == NULL && query->end == NULL)
    return NULL;

  form = xmpp_node_new ("x", XMPP_NS_DATA_FORMS);
  xmpp_node_set_attr (form, "type", "submit");
  add_field (form, "FORM_TYPE", "hidden", XMPP_NS_MAM);
  if (query->with != NULL)
    add_field (form, "with", NULL, xmpp_jid_to_string (query->with));
  if (query->start != NULL)
    {
      g_autofree char *start = format_datetime (query->start);

      add_field (form, "start", NULL, start);
    }
  if (query->end != NULL)
    {
      g_autofree char *end = format_datetime (query->end);

      add_field (form, "end", NULL, end);
    }

  return form;
}

static XmppMamPage *
parse_fin (const XmppNode  *reply,
           GError         **error)
{
  g_autoptr (XmppMamPage) page = NULL;
  g_auto (XmppRsmResult) rsm = { 0 };
  XmppNode *fin = xmpp_node_get_child (reply, "fin", XMPP_NS_MAM);
  XmppNode *set;
  const char *complete;
  const char *stable;

  if (fin == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The archive answered without <fin/>");
      return NULL;
    }

  page = g_new0 (XmppMamPage, 1);
  page->count = -1;

  /* xs:boolean: "true" or "1".  §4.3.2: no `complete` means more pages
   * may follow; no `stable` means stable. */
  complete = xmpp_node_get_attr (fin, "complete");
  page->complete = g_strcmp0 (complete, "true") == 0 || g_strcmp0 (complete, "1") == 0;
  stable = xmpp_node_get_attr (fin, "stable");
  page->stable = !(g_strcmp0 (stable, "false") == 0 || g_strcmp0 (stable, "0") == 0);

  set = xmpp_node_get_child (fin, "set", XMPP_NS_RSM);
  if (set != NULL)
    {
      if (!xmpp_rsm_parse_result (set, &rsm, error))
        return NULL;

      page->first = g_steal_pointer (&rsm.first);
      page->last = g_steal_pointer (&rsm.last);
      page->count = rsm.count;
    }

  return g_steal_pointer (&page);
}

static void
query_reply_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (XmppNode) reply = NULL;
  XmppClient *client = XMPP_CLIENT (source);
  Mam *self = g_object_get_data (G_OBJECT (client), STATE_KEY);
  XmppMamPage *page;
  GError *error = NULL;

  /* Close the query first: whatever the answer, results from now on are
   * late and dropped. */
  if (self != NULL)
    g_hash_table_remove (self->open, g_task_get_task_data (task));

  reply = xmpp_client_send_iq_finish (client, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  page = parse_fin (reply, &error);
  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, (GDestroyNotify) xmpp_mam_page_free);
}

void
xmpp_mam_query_async (XmppClient          *client,
                      const XmppJid       *archive,
                      const XmppMamQuery  *query,
                      XmppMamResultFunc    func,
                      gpointer             func_data,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (XmppNode) iq = NULL;
  XmppNode *query_node;
  XmppNode *form;
  OpenQuery *q;
  Mam *self;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (archive == NULL || xmpp_jid_is_bare (archive));
  g_return_if_fail (query != NULL);
  g_return_if_fail (func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_mam_query_async);

  if ((query->after_id != NULL && query->before_id != NULL) ||
      (query->after_id != NULL && query->after_id[0] == '\0'))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "A query pages either after or before an id");
      return;
    }

  self = get_state (client);

  q = g_new0 (OpenQuery, 1);
  do
    {
      g_free (q->queryid);
      q->queryid = xmpp_client_new_id ();
    }
  while (g_hash_table_contains (self->open, q->queryid));
  /* Asking the own archive by its address is asking the own archive. */
  if (archive != NULL &&
      !xmpp_jid_equal_bare (archive, xmpp_client_get_jid (client)))
    q->archive = xmpp_jid_ref ((XmppJid *) archive);
  q->func = func;
  q->func_data = func_data;

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        XMPP_BUILD_ATTR, "type", "set",
                        XMPP_BUILD_ATTR, "to", archive ? xmpp_jid_to_string (archive) : NULL,
                        XMPP_BUILD_CHILD, "query", XMPP_NS_MAM,
                        XMPP_BUILD_ATTR, "queryid", q->queryid,
                        XMPP_BUILD_END);
  query_node = xmpp_node_get_child_at (iq, 0);
  form = build_form (query);
  if (form != NULL)
    xmpp_node_take_child (query_node, form);
  if (query->max >= 0 || query->after_id != NULL || query->before_id != NULL)
    xmpp_node_take_child (query_node,
                          xmpp_rsm_build_request (query->max, query->after_id, query->before_id));

  g_task_set_task_data (task, g_strdup (q->queryid), g_free);
  g_hash_table_insert (self->open, q->queryid, q);

  xmpp_client_send_iq_async (client, iq, QUERY_TIMEOUT, cancellable,
                             query_reply_cb, g_steal_pointer (&task));
}

XmppMamPage *
xmpp_mam_query_finish (XmppClient    *client,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_mam_query_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
