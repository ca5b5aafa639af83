/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cli-listen"

#include "cli-common.h"

#include <glib-unix.h>

typedef struct
{
  PetrelSession *session;
  gboolean json;
  gboolean done;
  GError *error;
} Listen;

static void
print_event_json (Listen      *self,
                  const char  *event,
                  JsonBuilder *builder)
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
  cli_json_add (builder, "body", petrel_message_get_body (message));
  cli_json_add (builder, "time", time);
  print_event_json (self, "message", builder);
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
  print_event_json (self, "presence", builder);
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
  print_event_json (self, "roster", builder);
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
disconnected_cb (PetrelSession *session,
                 const GError  *error,
                 gpointer       user_data)
{
  Listen *self = user_data;

  if (error != NULL && self->error == NULL)
    self->error = g_error_copy (error);
  self->done = TRUE;
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
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) online = NULL;
  gboolean json = FALSE;
  double seconds = -1;
  Listen self = { 0 };
  guint timer = 0, sigint = 0, sigterm = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per event and line", NULL },
    { "for", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Stop after SECONDS", "SECONDS" },
    { NULL }
  };

  if (!cli_parse ("[--json] [--for SECONDS]", "Goes online and prints what arrives.", entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 1)
    return cli_usage_error ("listen [--json] [--for SECONDS]");

  session = cli_connect (ctx, &error);
  if (session == NULL)
    return cli_fail (error);

  self.session = session;
  self.json = json;
  g_signal_connect (session, "message", G_CALLBACK (message_cb), &self);
  g_signal_connect (session, "presence", G_CALLBACK (presence_cb), &self);
  g_signal_connect (session, "roster-push", G_CALLBACK (roster_push_cb), &self);
  g_signal_connect (session, "disconnected", G_CALLBACK (disconnected_cb), &self);

  /* RFC 6121 §2.2: the roster before the initial presence, so presences
   * that follow can be matched to contacts. */
  petrel_session_fetch_roster_async (session, NULL, cli_result_cb, &result);
  contacts = petrel_session_fetch_roster_finish (session, cli_wait (&result), &error);
  if (contacts == NULL)
    return cli_fail (error);
  print_roster (&self, contacts, FALSE);
  petrel_session_go_online (session);

  if (json)
    {
      online = begin_event (&self, "online");
      cli_json_add (online, "jid", petrel_session_get_bound_jid (session));
      print_event_json (&self, "online", online);
    }
  else
    {
      g_print ("online as %s\n", petrel_session_get_bound_jid (session));
    }

  if (seconds >= 0)
    timer = g_timeout_add ((guint) (seconds * 1000), stop_cb, &self);
  sigint = g_unix_signal_add (SIGINT, stop_cb, &self);
  sigterm = g_unix_signal_add (SIGTERM, stop_cb, &self);

  while (!self.done)
    g_main_context_iteration (NULL, TRUE);

  g_clear_handle_id (&timer, g_source_remove);
  g_clear_handle_id (&sigint, g_source_remove);
  g_clear_handle_id (&sigterm, g_source_remove);

  g_signal_handlers_disconnect_by_data (session, &self);
  if (self.error != NULL)
    {
      int code = cli_fail (self.error);

      g_error_free (self.error);
      return code;
    }

  cli_disconnect (session);
  return CLI_EXIT_OK;
}
