/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xmpp-error"

#include "xmpp-error.h"

G_DEFINE_QUARK (xmpp-stanza-error-quark, xmpp_stanza_error)
G_DEFINE_QUARK (xmpp-stream-error-quark, xmpp_stream_error)

/* Indexed by XmppStanzaError. */
static const char * const conditions[] = {
  "bad-request",
  "conflict",
  "feature-not-implemented",
  "forbidden",
  "gone",
  "internal-server-error",
  "item-not-found",
  "jid-malformed",
  "not-acceptable",
  "not-allowed",
  "not-authorized",
  "policy-violation",
  "recipient-unavailable",
  "redirect",
  "registration-required",
  "remote-server-not-found",
  "remote-server-timeout",
  "resource-constraint",
  "service-unavailable",
  "subscription-required",
  "undefined-condition",
  "unexpected-request",
};

G_STATIC_ASSERT (G_N_ELEMENTS (conditions) == XMPP_STANZA_ERROR_UNEXPECTED_REQUEST + 1);

XmppStanzaError
xmpp_stanza_error_from_condition (const char *condition)
{
  if (condition == NULL)
    return XMPP_STANZA_ERROR_UNDEFINED_CONDITION;

  for (guint i = 0; i < G_N_ELEMENTS (conditions); i++)
    if (g_str_equal (conditions[i], condition))
      return (XmppStanzaError) i;

  return XMPP_STANZA_ERROR_UNDEFINED_CONDITION;
}

const char *
xmpp_stanza_error_to_condition (XmppStanzaError code)
{
  if ((guint) code >= G_N_ELEMENTS (conditions))
    return "undefined-condition";

  return conditions[code];
}

GError *
xmpp_stanza_error_from_node (const XmppNode *stanza)
{
  XmppNode *error;
  const char *condition = NULL;
  const char *text = NULL;

  g_return_val_if_fail (stanza != NULL, NULL);

  error = xmpp_node_get_child (stanza, "error", NULL);
  if (error != NULL)
    {
      for (guint i = 0; i < xmpp_node_get_n_children (error); i++)
        {
          XmppNode *child = xmpp_node_get_child_at (error, i);

          if (g_strcmp0 (xmpp_node_get_ns (child), XMPP_NS_STANZAS) != 0)
            continue;
          if (g_str_equal (xmpp_node_get_name (child), "text"))
            text = xmpp_node_get_text (child);
          else if (condition == NULL)
            condition = xmpp_node_get_name (child);
        }
    }

  /* The condition name is a known token; the server's text is shown as
   * data, cut short so a hostile server cannot flood the user's screen. */
  if (text != NULL && *text != '\0')
    {
      g_autofree char *shortened = g_utf8_make_valid (text, MIN (strlen (text), 200));
      return g_error_new (XMPP_STANZA_ERROR,
                          xmpp_stanza_error_from_condition (condition),
                          "%s (%s)",
                          condition ? condition : "undefined-condition",
                          shortened);
    }

  return g_error_new (XMPP_STANZA_ERROR,
                      xmpp_stanza_error_from_condition (condition),
                      "%s",
                      condition ? xmpp_stanza_error_to_condition (xmpp_stanza_error_from_condition (condition))
                                : "undefined-condition");
}

static XmppNode *
make_reply (const XmppNode *stanza,
            const char     *type)
{
  XmppNode *reply = xmpp_node_new (xmpp_node_get_name (stanza), XMPP_NS_CLIENT);

  xmpp_node_set_attr (reply, "to", xmpp_node_get_attr (stanza, "from"));
  xmpp_node_set_attr (reply, "id", xmpp_node_get_attr (stanza, "id"));
  xmpp_node_set_attr (reply, "type", type);

  return reply;
}

XmppNode *
xmpp_stanza_make_error_reply (const XmppNode  *stanza,
                              XmppStanzaError  code,
                              const char      *type)
{
  XmppNode *reply;
  XmppNode *error;

  g_return_val_if_fail (stanza != NULL, NULL);
  g_return_val_if_fail (type != NULL, NULL);

  reply = make_reply (stanza, "error");
  error = xmpp_node_add_child (reply, "error", XMPP_NS_CLIENT);
  xmpp_node_set_attr (error, "type", type);
  xmpp_node_add_child (error, xmpp_stanza_error_to_condition (code), XMPP_NS_STANZAS);

  return reply;
}

XmppNode *
xmpp_stanza_make_result (const XmppNode *iq)
{
  g_return_val_if_fail (iq != NULL, NULL);

  return make_reply (iq, "result");
}
