/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cli-account"

#include "cli-common.h"

#include <string.h>

#include "xmpp-jid.h"
#include "xmpp-transport.h"

static int
account_add (CliContext *ctx,
             int         argc,
             char      **argv)
{
  g_autofree char *password_file = NULL;
  g_autofree char *host = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *websocket = NULL;
  g_autofree char *bosh = NULL;
  g_autofree char *transport = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;
  PetrelAccountRecord record = { 0 };
  XmppTransportKind kind;
  gboolean direct_tls = FALSE;
  gboolean insecure_loopback = FALSE;
  int port = 0;
  gboolean ok;
  GOptionEntry entries[] = {
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, "File holding the password", "FILE" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "Server host (skips SRV lookup)", "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Server port", "PORT" },
    { "direct-tls", 0, 0, G_OPTION_ARG_NONE, &direct_tls, "TLS from the first byte (XEP-0368)", NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Extra trusted CA certificates (PEM)", "PEM" },
    { "resource", 0, 0, G_OPTION_ARG_STRING, &resource, "Resource to ask for", "R" },
    { "websocket", 0, 0, G_OPTION_ARG_STRING, &websocket, "Connect over this WebSocket (RFC 7395)", "wss://URL" },
    { "bosh", 0, 0, G_OPTION_ARG_STRING, &bosh, "Connect over this BOSH endpoint (XEP-0206)", "https://URL" },
    { "transport", 0, 0, G_OPTION_ARG_STRING, &transport,
      "auto (TCP, then WebSocket, then BOSH), tcp, websocket or bosh", "KIND" },
    { "insecure-loopback", 0, 0, G_OPTION_ARG_NONE, &insecure_loopback,
      "Allow ws:// and http:// URLs that name this machine (no TLS)", NULL },
    { NULL }
  };

  if (!cli_parse ("add JID --password-file FILE", "Adds an account to the profile.", entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 3)
    return cli_usage_error ("account add JID --password-file FILE [--host H] [--port P] "
                            "[--direct-tls] [--ca-file PEM] [--resource R] [--websocket wss://URL] "
                            "[--bosh https://URL] [--transport auto|tcp|websocket|bosh] [--insecure-loopback]");
  if (password_file == NULL)
    return cli_usage_error ("--password-file is required");
  if (port < 0 || port > 65535)
    return cli_usage_error ("--port must be between 1 and 65535");
  if (!xmpp_transport_kind_from_string (transport, &kind))
    return cli_usage_error ("--transport must be auto, tcp, websocket or bosh");
  /* Only encrypted endpoints, or plain ones the user forced for this
   * machine; the transports check again that such a URL is loopback. */
  if (websocket != NULL && !g_str_has_prefix (websocket, "wss://") &&
      !(insecure_loopback && g_str_has_prefix (websocket, "ws://")))
    return cli_usage_error ("--websocket needs a wss:// URL (ws:// only on this machine, with --insecure-loopback)");
  if (bosh != NULL && !g_str_has_prefix (bosh, "https://") &&
      !(insecure_loopback && g_str_has_prefix (bosh, "http://")))
    return cli_usage_error ("--bosh needs an https:// URL (http:// only on this machine, with --insecure-loopback)");
  /* One URL alone pins its transport; both (or none) keep auto. */
  if (transport == NULL && (websocket == NULL) != (bosh == NULL))
    kind = websocket != NULL ? XMPP_TRANSPORT_WEBSOCKET : XMPP_TRANSPORT_BOSH;
  if (kind == XMPP_TRANSPORT_TCP && (websocket != NULL || bosh != NULL))
    return cli_usage_error ("--transport tcp uses neither --websocket nor --bosh");

  jid = xmpp_jid_parse (argv[2], &error);
  if (jid == NULL)
    return cli_fail (error);
  if (xmpp_jid_get_local (jid) == NULL)
    return cli_usage_error ("an account address needs a user name (user@server)");

  record.jid = (char *) xmpp_jid_get_bare_string (jid);
  record.password = cli_read_password (password_file, &error);
  if (record.password == NULL)
    return cli_fail (error);
  record.host = host;
  record.port = (guint16) port;
  record.direct_tls = direct_tls;
  record.resource = resource ? resource : (char *) xmpp_jid_get_resource (jid);
  if (ca_file != NULL && !g_path_is_absolute (ca_file))
    {
      g_autofree char *cwd = g_get_current_dir ();
      char *absolute = g_build_filename (cwd, ca_file, NULL);

      g_free (ca_file);
      ca_file = absolute;
    }
  record.ca_file = ca_file;
  record.transport = kind == XMPP_TRANSPORT_AUTO ? NULL : (char *) xmpp_transport_kind_to_string (kind);
  record.websocket_url = websocket;
  record.bosh_url = bosh;
  record.insecure_loopback = insecure_loopback;

  ok = cli_open_store (ctx, &error) && petrel_account_store_add (ctx->store, &record, &error);
  explicit_bzero (record.password, strlen (record.password));
  g_free (record.password);
  if (!ok)
    return cli_fail (error);

  return CLI_EXIT_OK;
}

static int
account_list (CliContext *ctx,
              int         argc,
              char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) jids = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per line", NULL },
    { NULL }
  };

  if (!cli_parse ("list [--json]", "Lists the accounts of the profile.", entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 2)
    return cli_usage_error ("account list [--json]");
  if (!cli_open_store (ctx, &error))
    return cli_fail (error);

  jids = petrel_account_store_list (ctx->store);
  for (guint i = 0; jids[i] != NULL; i++)
    {
      g_autoptr(PetrelAccountRecord) record = petrel_account_store_get (ctx->store, jids[i], NULL);
      g_autoptr(JsonBuilder) builder = NULL;

      if (record == NULL)
        continue;
      if (!json)
        {
          g_print ("%s\n", record->jid);
          continue;
        }

      builder = json_builder_new ();
      json_builder_begin_object (builder);
      cli_json_add (builder, "jid", record->jid);
      cli_json_add (builder, "host", record->host);
      if (record->port != 0)
        {
          json_builder_set_member_name (builder, "port");
          json_builder_add_int_value (builder, record->port);
        }
      json_builder_set_member_name (builder, "direct_tls");
      json_builder_add_boolean_value (builder, record->direct_tls);
      cli_json_add (builder, "resource", record->resource);
      cli_json_add (builder, "transport", record->transport ? record->transport : "auto");
      cli_json_add (builder, "websocket_url", record->websocket_url);
      cli_json_add (builder, "bosh_url", record->bosh_url);
      if (record->insecure_loopback)
        {
          json_builder_set_member_name (builder, "insecure_loopback");
          json_builder_add_boolean_value (builder, TRUE);
        }
      json_builder_end_object (builder);
      cli_print_json (builder);
    }

  return CLI_EXIT_OK;
}

static int
account_remove (CliContext *ctx,
                int         argc,
                char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;

  if (!cli_parse ("remove JID", "Removes an account and its password.", NULL, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 3)
    return cli_usage_error ("account remove JID");

  jid = xmpp_jid_parse (argv[2], &error);
  if (jid == NULL)
    return cli_fail (error);
  if (!cli_open_store (ctx, &error) ||
      !petrel_account_store_remove (ctx->store, xmpp_jid_get_bare_string (jid), &error))
    return cli_fail (error);

  return CLI_EXIT_OK;
}

int
cli_account (CliContext *ctx,
             int         argc,
             char      **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return account_add (ctx, argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return account_list (ctx, argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "remove"))
    return account_remove (ctx, argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "register"))
    return cli_register (ctx, argc, argv);

  return cli_usage_error ("account add|list|remove|register");
}
