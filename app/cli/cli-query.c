/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cli-query"

#include "cli-common.h"

#include "xep-0030-disco.h"

int
cli_ping (CliContext *ctx,
          int         argc,
          char      **argv)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  if (!cli_parse ("[JID]", "Pings an entity (XEP-0199), the server by default.", NULL, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc > 2)
    return cli_usage_error ("ping [JID]");

  session = cli_connect (ctx, PETREL_SESSION_MODE_QUERY, &error);
  if (session == NULL)
    return cli_fail (error);

  start = g_get_monotonic_time ();
  petrel_session_ping_async (session, argc == 2 ? argv[1] : NULL, NULL, cli_result_cb, &result);
  if (!petrel_session_ping_finish (session, cli_wait (&result), &error))
    return cli_fail (error);

  g_print ("pong in %.1f ms\n", (g_get_monotonic_time () - start) / 1000.0);
  cli_disconnect (session);
  return CLI_EXIT_OK;
}

int
cli_disco (CliContext *ctx,
           int         argc,
           char      **argv)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XmppNode) query = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object", NULL },
    { NULL }
  };

  if (!cli_parse ("[JID] [--json]", "Asks an entity what it is and supports (XEP-0030).",
                  entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc > 2)
    return cli_usage_error ("disco [JID] [--json]");

  session = cli_connect (ctx, PETREL_SESSION_MODE_QUERY, &error);
  if (session == NULL)
    return cli_fail (error);

  petrel_session_disco_info_async (session, argc == 2 ? argv[1] : NULL, NULL, cli_result_cb, &result);
  query = petrel_session_disco_info_finish (session, cli_wait (&result), &error);
  if (query == NULL)
    return cli_fail (error);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "identities");
  json_builder_begin_array (builder);
  for (guint i = 0; i < xmpp_node_get_n_children (query); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (query, i);

      if (!xmpp_node_is (child, "identity", NULL))
        continue;
      if (json)
        {
          json_builder_begin_object (builder);
          cli_json_add (builder, "category", xmpp_node_get_attr (child, "category"));
          cli_json_add (builder, "type", xmpp_node_get_attr (child, "type"));
          cli_json_add (builder, "name", xmpp_node_get_attr (child, "name"));
          json_builder_end_object (builder);
        }
      else
        {
          g_print ("identity\t%s/%s\t%s\n", xmpp_node_get_attr (child, "category"),
                   xmpp_node_get_attr (child, "type"),
                   xmpp_node_get_attr (child, "name") ? xmpp_node_get_attr (child, "name") : "");
        }
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  for (guint i = 0; i < xmpp_node_get_n_children (query); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (query, i);
      const char *var = xmpp_node_get_attr (child, "var");

      if (!xmpp_node_is (child, "feature", NULL) || var == NULL)
        continue;
      if (json)
        json_builder_add_string_value (builder, var);
      else
        g_print ("feature\t%s\n", var);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (json)
    cli_print_json (builder);

  cli_disconnect (session);
  return CLI_EXIT_OK;
}
