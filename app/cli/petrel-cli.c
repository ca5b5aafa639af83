/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * petrel-cli: Petrel's command-line front end, for scripts and tests.
 *
 *   petrel-cli [--profile DIR] [-a JID] [--verbose] COMMAND [ARGS…]
 */
#define G_LOG_DOMAIN "petrel-cli"

#include <locale.h>
#include <stdio.h>

#include "cli-common.h"

typedef struct
{
  const char *name;
  CliCommand func;
  const char *help;
} Command;

static const Command commands[] = {
  { "account", cli_account, "account add|register|list|remove — manage accounts" },
  { "send", cli_send, "send TO TEXT | send TO --stdin — send messages" },
  { "listen", cli_listen, "listen [--json] [--for SECONDS] — print events" },
  { "roster", cli_roster, "roster list|add|remove — manage contacts" },
  { "ping", cli_ping, "ping [JID] — XEP-0199 ping (the server by default)" },
  { "disco", cli_disco, "disco [JID] [--json] — XEP-0030 service discovery" },
  { "flush", cli_flush, "flush [--timeout S] — send the queued messages" },
  { "history", cli_history, "history WITH [--limit N] [--json] — stored messages, oldest first" },
  { "search", cli_search, "search TEXT [--json] — search the stored messages" },
  { "sync", cli_sync, "sync [--json] — fetch what the archive has (XEP-0313)" },
};

static void
print_commands (void)
{
  g_printerr ("Usage: petrel-cli [--profile DIR] [-a JID] [--verbose] COMMAND [ARGS…]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_printerr ("  %s\n", commands[i].help);
}

static char *
default_profile (void)
{
  const char *env = g_getenv ("PETREL_PROFILE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "petrel", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *account = NULL;
  gboolean verbose = FALSE;
  gboolean inactive = FALSE;
  CliContext ctx = { 0 };
  int status;
  GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_FILENAME, &profile, "Profile folder", "DIR" },
    { "account", 'a', 0, G_OPTION_ARG_STRING, &account, "Account to use", "JID" },
    { "verbose", 0, 0, G_OPTION_ARG_NONE, &verbose, "Log the XML stream to stderr (secrets masked)", NULL },
    { "inactive", 0, 0, G_OPTION_ARG_NONE, &inactive, "Tell the server nobody is looking (XEP-0352)", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  /* stdout carries the command's output only (one JSON object per line
   * for --json); every log line goes to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);

  /* Global options may stand before or after the command; the command's
   * own options are parsed by the command. */
  context = g_option_context_new ("COMMAND [ARGS…]");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_usage_error ("%s", error->message);

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_commands ();
      return argc < 2 ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
    }

  ctx.profile = profile ? g_strdup (profile) : default_profile ();
  ctx.account = account;
  ctx.verbose = verbose;
  ctx.inactive = inactive;

  status = -1;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[1], commands[i].name))
        {
          /* The command sees argv without the program name. */
          status = commands[i].func (&ctx, argc - 1, argv + 1);
          break;
        }
    }
  if (status < 0)
    {
      print_commands ();
      status = cli_usage_error ("unknown command “%s”", argv[1]);
    }

  g_clear_pointer (&ctx.store, petrel_account_store_free);
  g_clear_pointer (&ctx.db, petrel_db_close);
  g_free (ctx.profile);

  return status;
}
