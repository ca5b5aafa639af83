/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cli-roster"

#include "cli-common.h"

static void
add_contact_members (JsonBuilder   *builder,
                     PetrelContact *contact)
{
  const char * const *groups = petrel_contact_get_groups (contact);

  cli_json_add (builder, "jid", petrel_contact_get_jid (contact));
  cli_json_add (builder, "name", petrel_contact_get_name (contact));
  cli_json_add (builder, "subscription", petrel_contact_get_subscription (contact));
  json_builder_set_member_name (builder, "groups");
  json_builder_begin_array (builder);
  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    json_builder_add_string_value (builder, groups[i]);
  json_builder_end_array (builder);
}

void
cli_roster_to_json (JsonBuilder *builder,
                    GPtrArray   *contacts)
{
  for (guint i = 0; i < contacts->len; i++)
    {
      json_builder_begin_object (builder);
      add_contact_members (builder, g_ptr_array_index (contacts, i));
      json_builder_end_object (builder);
    }
}

static int
roster_list (CliContext *ctx,
             int         argc,
             char      **argv)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per line", NULL },
    { NULL }
  };

  if (!cli_parse ("list [--json]", "Prints the contact list.", entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 2)
    return cli_usage_error ("roster list [--json]");

  session = cli_connect (ctx, PETREL_SESSION_MODE_QUERY, &error);
  if (session == NULL)
    return cli_fail (error);

  petrel_session_fetch_roster_async (session, NULL, cli_result_cb, &result);
  contacts = petrel_session_fetch_roster_finish (session, cli_wait (&result), &error);
  if (contacts == NULL)
    return cli_fail (error);

  for (guint i = 0; i < contacts->len; i++)
    {
      PetrelContact *contact = g_ptr_array_index (contacts, i);

      if (json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          add_contact_members (builder, contact);
          json_builder_end_object (builder);
          cli_print_json (builder);
        }
      else
        {
          g_autofree char *groups = g_strjoinv (", ", (char **) petrel_contact_get_groups (contact));

          g_print ("%s\t%s\t%s\t%s\n", petrel_contact_get_jid (contact),
                   petrel_contact_get_name (contact) ? petrel_contact_get_name (contact) : "",
                   petrel_contact_get_subscription (contact), groups);
        }
    }

  cli_disconnect (session);
  return CLI_EXIT_OK;
}

static int
roster_add (CliContext *ctx,
            int         argc,
            char      **argv)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) groups = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Display name", "N" },
    { "group", 0, 0, G_OPTION_ARG_STRING_ARRAY, &groups, "Group (repeatable)", "G" },
    { NULL }
  };

  if (!cli_parse ("add JID [--name N] [--group G]…", "Adds or updates a contact.", entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 3)
    return cli_usage_error ("roster add JID [--name N] [--group G]…");

  session = cli_connect (ctx, PETREL_SESSION_MODE_QUERY, &error);
  if (session == NULL)
    return cli_fail (error);

  petrel_session_roster_set_async (session, argv[2], name, (const char * const *) groups, NULL,
                                   cli_result_cb, &result);
  if (!petrel_session_roster_set_finish (session, cli_wait (&result), &error))
    return cli_fail (error);

  cli_disconnect (session);
  return CLI_EXIT_OK;
}

static int
roster_remove (CliContext *ctx,
               int         argc,
               char      **argv)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!cli_parse ("remove JID", "Removes a contact.", NULL, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 3)
    return cli_usage_error ("roster remove JID");

  session = cli_connect (ctx, PETREL_SESSION_MODE_QUERY, &error);
  if (session == NULL)
    return cli_fail (error);

  petrel_session_roster_remove_async (session, argv[2], NULL, cli_result_cb, &result);
  if (!petrel_session_roster_remove_finish (session, cli_wait (&result), &error))
    return cli_fail (error);

  cli_disconnect (session);
  return CLI_EXIT_OK;
}

int
cli_roster (CliContext *ctx,
            int         argc,
            char      **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return roster_list (ctx, argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return roster_add (ctx, argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "remove"))
    return roster_remove (ctx, argc, argv);

  return cli_usage_error ("roster list|add|remove");
}
