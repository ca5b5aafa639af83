/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cli-listen"

#include "cli-common.h"

#include <glib-unix.h>

typedef struct
{
  PetrelSession *session;
  gboolean json;
  gboolean done;
} Listen;

static void
print_event_json (JsonBuilder *builder)
{
  json_builder_end_object (builder);
  cli_print_json (builder);
}

static JsonBuilder *
begin_event (Listen     *self,
             const char *event)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  cli_json_add (builder, "event", event);
  cli_json_add (builder, "account", petrel_session_get_account (self->session));

  return builder;
}

static void
message_cb (PetrelSession *session,
            PetrelMessage *message,
            gpointer       user_data)
{
  Listen *self = user_data;
  g_autofree char *time = cli_format_time (petrel_message_get_time (message));
  g_autoptr(JsonBuilder) builder = NULL;

  if (!self->json)
    {
      g_print ("%s message from %s: %s\n", time, petrel_message_get_from (message),
               petrel_message_get_body (message));
      return;
    }

  builder = begin_event (self, "message");
  cli_json_add (builder, "from", petrel_message_get_from (message));
  cli_json_add (builder, "to", petrel_message_get_to (message));
  cli_json_add (builder, "type", petrel_message_get_message_type (message));
  cli_json_add (builder, "id", petrel_message_get_id (message));
  cli_json_add (builder, "origin_id", petrel_message_get_origin_id (message));
  cli_json_add (builder, "stanza_id", petrel_message_get_stanza_id (message));
  cli_json_add (builder, "body", petrel_message_get_body (message));
  cli_json_add (builder, "time", time);
  print_event_json (builder);
}

static void
presence_cb (PetrelSession *session,
             const char    *from,
             const char    *type,
             const char    *show,
             const char    *status,
             gpointer       user_data)
{
  Listen *self = user_data;
  g_autoptr(JsonBuilder) builder = NULL;

  if (!self->json)
    {
      g_print ("presence from %s: %s%s%s%s\n", from, type ? type : "available",
               show ? " " : "", show ? show : "", status ? " …" : "");
      return;
    }

  builder = begin_event (self, "presence");
  cli_json_add (builder, "from", from);
  cli_json_add (builder, "type", type ? type : "available");
  cli_json_add (builder, "show", show);
  cli_json_add (builder, "status", status);
  print_event_json (builder);
}

static void
print_roster (Listen    *self,
              GPtrArray *contacts,
              gboolean   push)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (!self->json)
    {
      for (guint i = 0; i < contacts->len; i++)
        g_print ("roster%s %s %s\n", push ? " push" : "",
                 petrel_contact_get_jid (g_ptr_array_index (contacts, i)),
                 petrel_contact_get_subscription (g_ptr_array_index (contacts, i)));
      return;
    }

  builder = begin_event (self, "roster");
  json_builder_set_member_name (builder, "push");
  json_builder_add_boolean_value (builder, push);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  cli_roster_to_json (builder, contacts);
  json_builder_end_array (builder);
  print_event_json (builder);
}

static void
roster_push_cb (PetrelSession *session,
                PetrelContact *contact,
                gboolean       removed,
                gpointer       user_data)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, contact);
  print_roster (user_data, one, TRUE);
}

static void
state_cb (PetrelSession *session,
          const char    *origin_id,
          const char    *state,
          gpointer       user_data)
{
  Listen *self = user_data;
  g_autoptr(JsonBuilder) builder = NULL;

  if (!self->json)
    {
      g_print ("message %s is %s\n", origin_id, state);
      return;
    }

  builder = begin_event (self, "state");
  cli_json_add (builder, "id", origin_id);
  cli_json_add (builder, "state", state);
  print_event_json (builder);
}

static void
online_cb (PetrelSession *session,
           gboolean       resumed,
           gpointer       user_data)
{
  Listen *self = user_data;
  g_autoptr(JsonBuilder) builder = NULL;

  /* The roster once per fresh session; a resumed one kept it. */
  if (!resumed)
    {
      g_autoptr(GPtrArray) contacts = petrel_session_dup_roster (session);

      print_roster (self, contacts, FALSE);
    }

  if (!self->json)
    {
      g_print ("online as %s%s\n", petrel_session_get_bound_jid (session), resumed ? " (resumed)" : "");
      return;
    }

  builder = begin_event (self, "online");
  cli_json_add (builder, "jid", petrel_session_get_bound_jid (session));
  json_builder_set_member_name (builder, "resumed");
  json_builder_add_boolean_value (builder, resumed);
  print_event_json (builder);
}

static void
disconnected_cb (PetrelSession *session,
                 const GError  *error,
                 gpointer       user_data)
{
  Listen *self = user_data;
  g_autoptr(JsonBuilder) builder = NULL;

  if (!self->json)
    {
      g_print ("disconnected%s%s\n", error ? ": " : "", error ? error->message : "");
      return;
    }

  builder = begin_event (self, "disconnected");
  cli_json_add (builder, "error", error ? error->message : NULL);
  print_event_json (builder);
}

static gboolean
stop_cb (gpointer user_data)
{
  Listen *self = user_data;

  self->done = TRUE;
  return G_SOURCE_CONTINUE;
}

int
cli_listen (CliContext *ctx,
            int         argc,
            char      **argv)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  double seconds = -1;
  Listen self = { 0 };
  guint timer = 0, sigint = 0, sigterm = 0;
  int status = CLI_EXIT_OK;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per event and line", NULL },
    { "for", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Stop after SECONDS", "SECONDS" },
    { NULL }
  };

  if (!cli_parse ("[--json] [--for SECONDS]", "Goes online, stays online and prints what arrives.",
                  entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 1)
    return cli_usage_error ("listen [--json] [--for SECONDS]");

  session = cli_load_session (ctx, &error);
  if (session == NULL)
    return cli_fail (error);

  self.session = session;
  self.json = json;
  g_signal_connect (session, "message", G_CALLBACK (message_cb), &self);
  g_signal_connect (session, "message-state", G_CALLBACK (state_cb), &self);
  g_signal_connect (session, "presence", G_CALLBACK (presence_cb), &self);
  g_signal_connect (session, "roster-push", G_CALLBACK (roster_push_cb), &self);
  g_signal_connect (session, "online", G_CALLBACK (online_cb), &self);
  g_signal_connect (session, "disconnected", G_CALLBACK (disconnected_cb), &self);

  if (seconds >= 0)
    timer = g_timeout_add ((guint) (seconds * 1000), stop_cb, &self);
  sigint = g_unix_signal_add (SIGINT, stop_cb, &self);
  sigterm = g_unix_signal_add (SIGTERM, stop_cb, &self);

  petrel_session_start (session, PETREL_SESSION_MODE_FULL);

  while (!self.done && petrel_session_get_state (session) != PETREL_SESSION_FAILED)
    g_main_context_iteration (NULL, TRUE);

  g_clear_handle_id (&timer, g_source_remove);
  g_clear_handle_id (&sigint, g_source_remove);
  g_clear_handle_id (&sigterm, g_source_remove);
  g_signal_handlers_disconnect_by_data (session, &self);

  if (petrel_session_get_state (session) == PETREL_SESSION_FAILED && petrel_session_get_error (session) != NULL)
    status = cli_fail (petrel_session_get_error (session));

  cli_disconnect (session);
  return status;
}
