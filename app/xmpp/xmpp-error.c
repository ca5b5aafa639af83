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

void
xmpp_error_element_parse (const XmppNode  *element,
                          const char      *ns,
                          const char     **condition,
                          const char     **text)
{
  g_return_if_fail (condition != NULL && text != NULL);

  *condition = NULL;
  *text = NULL;

  for (guint i = 0; element != NULL && i < xmpp_node_get_n_children (element); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (element, i);

      if (ns != NULL && g_strcmp0 (xmpp_node_get_ns (child), ns) != 0)
        continue;
      if (g_str_equal (xmpp_node_get_name (child), "text"))
        *text = xmpp_node_get_text (child);
      else if (*condition == NULL)
        *condition = xmpp_node_get_name (child);
    }

  if (*text != NULL && **text == '\0')
    *text = NULL;
}

char *
xmpp_error_format (const char *condition,
                   const char *text)
{
  g_autofree char *shortened = NULL;

  g_return_val_if_fail (condition != NULL, NULL);

  if (text == NULL)
    return g_strdup (condition);

  shortened = g_utf8_make_valid (text, MIN (strlen (text), 200));
  return g_strdup_printf ("%s (%s)", condition, shortened);
}

GError *
xmpp_stanza_error_from_node (const XmppNode *stanza)
{
  const char *condition, *text;
  g_autofree char *message = NULL;
  XmppStanzaError code;

  g_return_val_if_fail (stanza != NULL, NULL);

  xmpp_error_element_parse (xmpp_node_get_child (stanza, "error", NULL), XMPP_NS_STANZAS,
                            &condition, &text);
  code = xmpp_stanza_error_from_condition (condition);

  /* The condition name is a known token; the server's text is shown as
   * data (xmpp_error_format()). */
  message = text != NULL ? xmpp_error_format (condition ? condition : "undefined-condition", text)
                         : g_strdup (xmpp_stanza_error_to_condition (code));

  return g_error_new_literal (XMPP_STANZA_ERROR, code, message);
}

GError *
xmpp_stream_error_from_node (const XmppNode *stream_error)
{
  const char *condition, *text;
  g_autofree char *message = NULL;

  g_return_val_if_fail (stream_error != NULL, NULL);

  xmpp_error_element_parse (stream_error, XMPP_NS_STREAMS, &condition, &text);
  message = xmpp_error_format (condition ? condition : "undefined-condition", text);

  return g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CONDITION, "Server error: %s", message);
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
