/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The roster, RFC 6121 §2.
 */
#define G_LOG_DOMAIN "xmpp-roster"

#include "xmpp-roster.h"

#include <string.h>

#include "xmpp-error.h"

#define ATTACH_KEY "xmpp-roster-push-handler"

struct _XmppRosterItem
{
  XmppJid *jid;
  char *name;
  XmppRosterSubscription subscription;
  gboolean ask;
  gboolean approved;
  char **groups;
};

static void
roster_item_clear (XmppRosterItem *self)
{
  g_clear_pointer (&self->jid, xmpp_jid_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->groups, g_strfreev);
}

XmppRosterItem *
xmpp_roster_item_ref (XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
xmpp_roster_item_unref (XmppRosterItem *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) roster_item_clear);
}

G_DEFINE_BOXED_TYPE (XmppRosterItem, xmpp_roster_item,
                     xmpp_roster_item_ref, xmpp_roster_item_unref)

/* A copy of @text cut to at most @max bytes without splitting a character
 * (the reader has checked that it is UTF-8). */
static char *
bounded_strdup (const char *text,
                gsize       max)
{
  gsize len = strlen (text);

  if (len <= max)
    return g_strdup (text);

  len = max;
  while (len > 0 && ((guchar) text[len] & 0xC0) == 0x80)
    len--;

  return g_strndup (text, len);
}

/* Adds @group to @groups unless empty, repeated or over the limit.  The
 * name is cut first, so two long names may become one group. */
static void
add_group (GPtrArray  *groups,
           const char *group)
{
  g_autofree char *bounded = NULL;

  if (*group == '\0' || groups->len >= XMPP_ROSTER_MAX_GROUPS)
    return;

  bounded = bounded_strdup (group, XMPP_ROSTER_MAX_NAME_BYTES);
  for (guint i = 0; i < groups->len; i++)
    if (strcmp (g_ptr_array_index (groups, i), bounded) == 0)
      return;

  g_ptr_array_add (groups, g_steal_pointer (&bounded));
}

static char **
groups_to_strv (GPtrArray *groups)
{
  g_ptr_array_add (groups, NULL);
  return (char **) g_ptr_array_free (groups, FALSE);
}

XmppRosterItem *
xmpp_roster_item_new (const XmppJid          *jid,
                      const char             *name,
                      XmppRosterSubscription  subscription,
                      gboolean                ask,
                      const char * const     *groups)
{
  XmppRosterItem *self;
  GPtrArray *bounded;

  g_return_val_if_fail (jid != NULL, NULL);
  g_return_val_if_fail (subscription <= XMPP_ROSTER_SUBSCRIPTION_REMOVE, NULL);

  bounded = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    add_group (bounded, groups[i]);

  self = g_atomic_rc_box_new0 (XmppRosterItem);
  self->jid = xmpp_jid_ref ((XmppJid *) jid);
  if (name != NULL && *name != '\0')
    self->name = bounded_strdup (name, XMPP_ROSTER_MAX_NAME_BYTES);
  self->subscription = subscription;
  self->ask = ask;
  g_ptr_array_set_free_func (bounded, NULL);
  self->groups = groups_to_strv (bounded);

  return self;
}

static gboolean
parse_subscription (const char             *value,
                    XmppRosterSubscription *subscription)
{
  static const char * const names[] = { "none", "to", "from", "both", "remove" };

  /* §2.1.2.5: absent means "none". */
  if (value == NULL)
    {
      *subscription = XMPP_ROSTER_SUBSCRIPTION_NONE;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (value, names[i]) == 0)
      {
        *subscription = (XmppRosterSubscription) i;
        return TRUE;
      }

  return FALSE;
}

XmppRosterItem *
xmpp_roster_item_parse (const XmppNode  *item,
                        GError         **error)
{
  g_autoptr (XmppJid) jid = NULL;
  g_autoptr (GError) jid_error = NULL;
  g_autoptr (GPtrArray) groups = NULL;
  XmppRosterItem *self;
  XmppRosterSubscription subscription;
  const char *jid_str;
  const char *name;
  const char *approved;
  guint n;

  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xmpp_node_is (item, "item", XMPP_NS_ROSTER))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Not a roster item: <%s/>", xmpp_node_get_name (item));
      return NULL;
    }

  /* §2.1.2.3: the jid is required. */
  jid_str = xmpp_node_get_attr (item, "jid");
  if (jid_str == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Roster item without jid");
      return NULL;
    }
  jid = xmpp_jid_parse (jid_str, &jid_error);
  if (jid == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Roster item with an invalid jid: %s", jid_error->message);
      return NULL;
    }

  if (!parse_subscription (xmpp_node_get_attr (item, "subscription"), &subscription))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Roster item with an unknown subscription");
      return NULL;
    }

  /* §2.1.2.6 */
  groups = g_ptr_array_new_with_free_func (g_free);
  n = xmpp_node_get_n_children (item);
  for (guint i = 0; i < n; i++)
    {
      const XmppNode *child = xmpp_node_get_child_at (item, i);

      if (xmpp_node_is (child, "group", XMPP_NS_ROSTER))
        add_group (groups, xmpp_node_get_text (child));
    }

  self = g_atomic_rc_box_new0 (XmppRosterItem);
  self->jid = g_steal_pointer (&jid);
  name = xmpp_node_get_attr (item, "name");
  if (name != NULL && *name != '\0')
    self->name = bounded_strdup (name, XMPP_ROSTER_MAX_NAME_BYTES);
  self->subscription = subscription;
  /* §2.1.2.2: "subscribe" is the only value. */
  self->ask = g_strcmp0 (xmpp_node_get_attr (item, "ask"), "subscribe") == 0;
  /* §2.1.2.1: an xs:boolean. */
  approved = xmpp_node_get_attr (item, "approved");
  self->approved = g_strcmp0 (approved, "true") == 0 || g_strcmp0 (approved, "1") == 0;
  g_ptr_array_set_free_func (groups, NULL);
  self->groups = groups_to_strv (g_steal_pointer (&groups));

  return self;
}

XmppJid *
xmpp_roster_item_get_jid (const XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->jid;
}

const char *
xmpp_roster_item_get_name (const XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

XmppRosterSubscription
xmpp_roster_item_get_subscription (const XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, XMPP_ROSTER_SUBSCRIPTION_NONE);

  return self->subscription;
}

gboolean
xmpp_roster_item_get_ask (const XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->ask;
}

gboolean
xmpp_roster_item_get_approved (const XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->approved;
}

const char * const *
xmpp_roster_item_get_groups (const XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->groups;
}

/* Roster get (§2.1.3, §2.6) */

typedef struct {
  GPtrArray *items;
  char *ver;
  gboolean unchanged;
} GetResult;

static void
get_result_free (GetResult *result)
{
  g_clear_pointer (&result->items, g_ptr_array_unref);
  g_free (result->ver);
  g_free (result);
}

/* A roster result can hold tens of thousands of items (the reader takes
 * stanzas of megabytes); parsing them, each with a JID to normalise, is
 * spread over main-loop iterations of at most this long. */
#define PARSE_SLICE_USEC (8 * 1000)

typedef struct
{
  XmppNode *query;
  GetResult *result;
  GHashTable *seen;   /* JIDs of result->items, not owned */
  guint next;
} GetParse;

static void
get_parse_free (GetParse *parse)
{
  g_clear_pointer (&parse->query, xmpp_node_unref);
  g_clear_pointer (&parse->result, get_result_free);
  g_clear_pointer (&parse->seen, g_hash_table_unref);
  g_free (parse);
}

static void
parse_roster_item (GetParse       *parse,
                   const XmppNode *child)
{
  g_autoptr (XmppRosterItem) item = NULL;
  g_autoptr (GError) error = NULL;

  if (!xmpp_node_is (child, "item", XMPP_NS_ROSTER))
    return;

  item = xmpp_roster_item_parse (child, &error);
  if (item == NULL)
    {
      g_debug ("skipping a roster item: %s", error->message);
      return;
    }
  if (item->subscription == XMPP_ROSTER_SUBSCRIPTION_REMOVE ||
      g_hash_table_contains (parse->seen, item->jid))
    {
      g_debug ("skipping a removed or repeated roster item");
      return;
    }

  g_hash_table_add (parse->seen, item->jid);
  g_ptr_array_add (parse->result->items, g_steal_pointer (&item));
}

static gboolean
parse_some_cb (gpointer user_data)
{
  GTask *task = user_data;
  GetParse *parse = g_task_get_task_data (task);
  gint64 until = g_get_monotonic_time () + PARSE_SLICE_USEC;
  guint n = xmpp_node_get_n_children (parse->query);

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;

  while (parse->next < n)
    {
      parse_roster_item (parse, xmpp_node_get_child_at (parse->query, parse->next++));
      if (parse->next % 64 == 0 && g_get_monotonic_time () > until)
        return G_SOURCE_CONTINUE;
    }

  g_task_return_pointer (task, g_steal_pointer (&parse->result), (GDestroyNotify) get_result_free);
  return G_SOURCE_REMOVE;
}

static void
get_reply_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (XmppNode) reply = NULL;
  g_autoptr (GSource) idle = NULL;
  GError *error = NULL;
  XmppNode *query;
  GetParse *parse;

  reply = xmpp_client_send_iq_finish (XMPP_CLIENT (source), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  parse = g_new0 (GetParse, 1);
  parse->result = g_new0 (GetResult, 1);
  parse->result->items = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_roster_item_unref);
  g_task_set_task_data (task, parse, (GDestroyNotify) get_parse_free);

  /* §2.6.3: an empty result means that the stored roster is current. */
  query = xmpp_node_get_child (reply, "query", XMPP_NS_ROSTER);
  if (query == NULL)
    {
      parse->result->unchanged = TRUE;
      g_task_return_pointer (task, g_steal_pointer (&parse->result), (GDestroyNotify) get_result_free);
      return;
    }

  parse->result->ver = g_strdup (xmpp_node_get_attr (query, "ver"));
  parse->query = xmpp_node_ref (query);
  parse->seen = g_hash_table_new (xmpp_jid_hash, xmpp_jid_equal);

  idle = g_idle_source_new ();
  g_task_attach_source (task, idle, parse_some_cb);
}

void
xmpp_roster_get_async (XmppClient          *client,
                       const char          *ver,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_roster_get_async);

  /* §2.1.3: no `to`, the request goes to the account itself. */
  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        XMPP_BUILD_ATTR, "type", "get",
                        XMPP_BUILD_CHILD, "query", XMPP_NS_ROSTER,
                        XMPP_BUILD_ATTR, "ver", ver,
                        XMPP_BUILD_END);
  xmpp_client_send_iq_async (client, iq, 0, cancellable,
                             get_reply_cb, g_steal_pointer (&task));
}

GPtrArray *
xmpp_roster_get_finish (XmppClient    *client,
                        GAsyncResult  *result,
                        char         **ver,
                        gboolean      *unchanged,
                        GError       **error)
{
  GetResult *get_result;
  GPtrArray *items;

  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_roster_get_async, NULL);

  get_result = g_task_propagate_pointer (G_TASK (result), error);
  if (get_result == NULL)
    return NULL;

  if (ver != NULL)
    *ver = g_steal_pointer (&get_result->ver);
  if (unchanged != NULL)
    *unchanged = get_result->unchanged;
  items = g_steal_pointer (&get_result->items);
  get_result_free (get_result);

  return items;
}

/* Roster set (§2.1.5, §2.3, §2.4, §2.5) */

static void
set_reply_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (XmppNode) reply = NULL;
  GError *error = NULL;

  reply = xmpp_client_send_iq_finish (XMPP_CLIENT (source), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Validates and builds <iq type='set'><query><item/></query></iq>; the
 * caller's groups are checked here because the server would refuse them
 * anyway (§2.3.3), after a round trip. */
static XmppNode *
build_roster_set (const XmppJid       *jid,
                  const char          *name,
                  const char * const  *groups,
                  gboolean             remove,
                  GError             **error)
{
  g_autoptr (XmppNode) iq = NULL;
  g_autoptr (GPtrArray) unique = g_ptr_array_new ();
  XmppNode *item;

  if (name != NULL && strlen (name) > XMPP_ROSTER_MAX_NAME_BYTES)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Contact name too long");
      return NULL;
    }

  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      gboolean repeated = FALSE;

      if (*groups[i] == '\0' || strlen (groups[i]) > XMPP_ROSTER_MAX_NAME_BYTES)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Group name empty or too long");
          return NULL;
        }
      for (guint j = 0; j < unique->len && !repeated; j++)
        repeated = strcmp (g_ptr_array_index (unique, j), groups[i]) == 0;
      if (!repeated)
        g_ptr_array_add (unique, (gpointer) groups[i]);
    }
  if (unique->len > XMPP_ROSTER_MAX_GROUPS)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Too many groups");
      return NULL;
    }

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        XMPP_BUILD_ATTR, "type", "set",
                        XMPP_BUILD_CHILD, "query", XMPP_NS_ROSTER,
                        XMPP_BUILD_END);
  item = xmpp_node_add_child (xmpp_node_get_child (iq, "query", XMPP_NS_ROSTER),
                              "item", NULL);
  xmpp_node_set_attr (item, "jid", xmpp_jid_to_string (jid));

  /* §2.1.5: a client sets neither `ask` nor `subscription`, except
   * subscription='remove' to delete the item (§2.5). */
  if (remove)
    {
      xmpp_node_set_attr (item, "subscription", "remove");
      return g_steal_pointer (&iq);
    }

  if (name != NULL && *name != '\0')
    xmpp_node_set_attr (item, "name", name);
  for (guint i = 0; i < unique->len; i++)
    xmpp_node_set_text (xmpp_node_add_child (item, "group", NULL),
                        g_ptr_array_index (unique, i));

  return g_steal_pointer (&iq);
}

static void
send_roster_set (XmppClient          *client,
                 const XmppJid       *jid,
                 const char          *name,
                 const char * const  *groups,
                 gboolean             remove,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (XmppNode) iq = NULL;
  GError *error = NULL;

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  iq = build_roster_set (jid, name, groups, remove, &error);
  if (iq == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  xmpp_client_send_iq_async (client, iq, 0, cancellable,
                             set_reply_cb, g_steal_pointer (&task));
}

void
xmpp_roster_set_async (XmppClient          *client,
                       const XmppJid       *jid,
                       const char          *name,
                       const char * const  *groups,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  send_roster_set (client, jid, name, groups, FALSE, xmpp_roster_set_async,
                   cancellable, callback, user_data);
}

gboolean
xmpp_roster_set_finish (XmppClient    *client,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_roster_set_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
xmpp_roster_remove_async (XmppClient          *client,
                          const XmppJid       *jid,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  send_roster_set (client, jid, NULL, NULL, TRUE, xmpp_roster_remove_async,
                   cancellable, callback, user_data);
}

gboolean
xmpp_roster_remove_finish (XmppClient    *client,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_roster_remove_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Roster push (§2.1.6) */

typedef struct {
  XmppRosterPushFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
} PushReceiver;

static void
push_receiver_free (gpointer data)
{
  PushReceiver *receiver = data;

  if (receiver->destroy != NULL)
    receiver->destroy (receiver->user_data);
  g_free (receiver);
}

static gboolean
push_cb (XmppClient *client,
         XmppNode   *stanza,
         XmppJid    *from,
         gpointer    user_data)
{
  PushReceiver *receiver = user_data;
  g_autoptr (XmppRosterItem) item = NULL;
  g_autoptr (XmppNode) reply = NULL;
  g_autoptr (GError) error = NULL;
  const XmppNode *query = xmpp_node_get_child (stanza, "query", XMPP_NS_ROSTER);
  const XmppNode *item_node = NULL;
  guint n_items = 0;
  guint n;

  /* The router has checked the sender (XMPP_SENDER_OWN_BARE). */
  g_assert (query != NULL);

  n = xmpp_node_get_n_children (query);
  for (guint i = 0; i < n; i++)
    {
      const XmppNode *child = xmpp_node_get_child_at (query, i);

      if (xmpp_node_is (child, "item", XMPP_NS_ROSTER))
        {
          item_node = child;
          n_items++;
        }
    }

  /* A push carries exactly one item. */
  if (n_items == 1)
    item = xmpp_roster_item_parse (item_node, &error);

  if (item == NULL)
    {
      g_debug ("bad roster push: %s",
               error != NULL ? error->message : "not exactly one item");
      reply = xmpp_stanza_make_error_reply (stanza, XMPP_STANZA_ERROR_BAD_REQUEST, "modify");
      xmpp_client_send (client, reply);
      return TRUE;
    }

  /* Acknowledge first: the result tells the server that we got it. */
  reply = xmpp_stanza_make_result (stanza);
  xmpp_client_send (client, reply);

  receiver->func (client, item, xmpp_node_get_attr (query, "ver"), receiver->user_data);
  return TRUE;
}

void
xmpp_roster_attach (XmppClient         *client,
                    XmppRosterPushFunc  func,
                    gpointer            user_data,
                    GDestroyNotify      destroy)
{
  PushReceiver *receiver;
  guint id;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (func != NULL);
  g_return_if_fail (g_object_get_data (G_OBJECT (client), ATTACH_KEY) == NULL);

  receiver = g_new0 (PushReceiver, 1);
  receiver->func = func;
  receiver->user_data = user_data;
  receiver->destroy = destroy;

  id = xmpp_client_add_handler (client, XMPP_STANZA_IQ_SET,
                                "query", XMPP_NS_ROSTER,
                                XMPP_SENDER_OWN_BARE, 0,
                                push_cb, receiver, push_receiver_free);
  g_object_set_data (G_OBJECT (client), ATTACH_KEY, GUINT_TO_POINTER (id));
}

void
xmpp_roster_detach (XmppClient *client)
{
  guint id;

  g_return_if_fail (XMPP_IS_CLIENT (client));

  id = GPOINTER_TO_UINT (g_object_steal_data (G_OBJECT (client), ATTACH_KEY));
  if (id != 0)
    xmpp_client_remove_handler (client, id);
}
