/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * discovery-probe DOMAIN PORT CA_FILE: XEP-0156 discovery of DOMAIN with
 * every connection sent to 127.0.0.1:PORT (the host-meta server of the
 * Prosody fixture), printing one JSON line:
 *   {"websocket": URL|null, "bosh": URL|null}
 * or {"error": "DOMAIN:CODE", "message": TEXT}.  Used by
 * tests/integration/test_discovery.py.
 */
#include "http-discovery.h"

#include <json-glib/json-glib.h>

typedef struct
{
  gboolean done;
  XmppTransportEndpoints *endpoints;
  GError *error;
} Wait;

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *w = user_data;

  w->endpoints = http_discovery_lookup_finish (result, &w->error);
  w->done = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  Wait w = { 0 };
  guint64 port;

  if (argc != 4 || !g_ascii_string_to_unsigned (argv[2], 10, 1, 65535, &port, NULL))
    {
      g_printerr ("usage: %s DOMAIN PORT CA_FILE\n", argv[0]);
      return 2;
    }

  address = g_network_address_new ("127.0.0.1", (guint16) port);
  session = g_object_new (SOUP_TYPE_SESSION, "remote-connectable", address, NULL);
  http_discovery_lookup_async (session, argv[1], argv[3], 3000, NULL, lookup_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);

  json_builder_begin_object (builder);
  if (w.endpoints != NULL)
    {
      json_builder_set_member_name (builder, "websocket");
      if (w.endpoints->websocket_url != NULL)
        json_builder_add_string_value (builder, w.endpoints->websocket_url);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "bosh");
      if (w.endpoints->bosh_url != NULL)
        json_builder_add_string_value (builder, w.endpoints->bosh_url);
      else
        json_builder_add_null_value (builder);
      xmpp_transport_endpoints_free (w.endpoints);
    }
  else
    {
      g_autofree char *code = g_strdup_printf ("%s:%d", g_quark_to_string (w.error->domain),
                                               w.error->code);

      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, code);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, w.error->message);
      g_error_free (w.error);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
  return 0;
}
