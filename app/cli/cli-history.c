/* SPDX-License-Identifier: GPL-3.0-or-later */
/* history, search and sync: the message store seen from the command line. */
#define G_LOG_DOMAIN "cli-history"

#include "cli-common.h"

#include "xmpp-jid.h"

static void
print_row (const PetrelDbMessage *row,
           const char            *account,
           const char            *peer,
           gboolean               json)
{
  gint64 usec = row->server_time ? row->server_time : row->local_time;
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autofree char *stamp = cli_format_time (time);
  gboolean out = row->direction == PETREL_DB_DIRECTION_OUTGOING;
  const char *from = out ? account : row->sender;
  const char *to = out ? peer : account;
  g_autoptr(JsonBuilder) builder = NULL;

  if (!json)
    {
      g_print ("%s %s %s %s: %s\n", stamp, out ? ">" : "<", cli_state_name (row->state),
               from, row->body ? row->body : "");
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  cli_json_add (builder, "id", row->origin_id);
  cli_json_add (builder, "origin_id", row->origin_id);
  cli_json_add (builder, "stanza_id", row->stanza_id);
  cli_json_add (builder, "direction", out ? "out" : "in");
  cli_json_add (builder, "from", from);
  cli_json_add (builder, "to", to);
  cli_json_add (builder, "body", row->body);
  cli_json_add (builder, "state", cli_state_name (row->state));
  cli_json_add (builder, "time", stamp);
  json_builder_end_object (builder);
  cli_print_json (builder);
}

int
cli_history (CliContext *ctx,
             int         argc,
             char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) peer = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *account = NULL;
  gboolean json = FALSE;
  int limit = 100;
  gint64 account_id, conversation_id = 0;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "The newest N messages (default 100)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per line", NULL },
    { NULL }
  };

  if (!cli_parse ("WITH [--limit N] [--json]", "Prints a conversation from the store, oldest first.",
                  entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 2 || limit <= 0)
    return cli_usage_error ("history WITH [--limit N] [--json]");

  peer = xmpp_jid_parse (argv[1], &error);
  if (peer == NULL)
    return cli_fail (error);
  account_id = cli_account_id (ctx, &account, &error);
  if (account_id == 0)
    return cli_fail (error);

  if (!petrel_db_conversation_ensure (ctx->db, account_id, xmpp_jid_get_bare_string (peer),
                                      PETREL_DB_CONVERSATION_CHAT, &conversation_id, &error))
    return cli_fail (error);

  rows = petrel_db_message_history (ctx->db, conversation_id, NULL, (guint) limit, &error);
  if (rows == NULL)
    return cli_fail (error);

  for (guint i = 0; i < rows->len; i++)
    print_row (g_ptr_array_index (rows, i), account, xmpp_jid_get_bare_string (peer), json);

  return CLI_EXIT_OK;
}

int
cli_search (CliContext *ctx,
            int         argc,
            char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *account = NULL;
  gboolean json = FALSE;
  int limit = 100;
  gint64 account_id;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most N results (default 100)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per line", NULL },
    { NULL }
  };

  if (!cli_parse ("TEXT [--json]", "Searches the stored messages of the account.", entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 2 || limit <= 0)
    return cli_usage_error ("search TEXT [--limit N] [--json]");

  account_id = cli_account_id (ctx, &account, &error);
  if (account_id == 0)
    return cli_fail (error);

  rows = petrel_db_message_search (ctx->db, account_id, 0, argv[1], (guint) limit, &error);
  if (rows == NULL)
    return cli_fail (error);

  for (guint i = 0; i < rows->len; i++)
    {
      PetrelDbMessage *row = g_ptr_array_index (rows, i);
      g_autoptr(PetrelDbConversation) conversation =
        petrel_db_conversation_get (ctx->db, row->conversation_id, NULL);

      print_row (row, account, conversation ? conversation->peer : NULL, json);
    }

  return CLI_EXIT_OK;
}

int
cli_sync (CliContext *ctx,
          int         argc,
          char      **argv)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  gint64 fetched;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the count as JSON", NULL },
    { NULL }
  };

  if (!cli_parse ("[--json]", "Fetches what the archive has that the store does not (XEP-0313).",
                  entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 1)
    return cli_usage_error ("sync [--json]");

  session = cli_connect (ctx, PETREL_SESSION_MODE_QUERY, &error);
  if (session == NULL)
    return cli_fail (error);

  petrel_session_catch_up_async (session, NULL, cli_result_cb, &result);
  fetched = petrel_session_catch_up_finish (session, cli_wait (&result), &error);
  if (fetched < 0)
    return cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      cli_json_add (builder, "event", "sync");
      json_builder_set_member_name (builder, "fetched");
      json_builder_add_int_value (builder, fetched);
      json_builder_end_object (builder);
      cli_print_json (builder);
    }
  else
    {
      g_print ("fetched %" G_GINT64_FORMAT "\n", fetched);
    }

  cli_disconnect (session);
  return CLI_EXIT_OK;
}
