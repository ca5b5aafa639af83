/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * send and flush: deliver messages through cuts.
 *
 * Every message goes to the outbox first.  The session then keeps
 * (re)connecting until the server has acknowledged each one; when nothing
 * moves for --timeout seconds the command gives up and exits with
 * CLI_EXIT_QUEUED, leaving the messages queued for the next run.
 */
#define G_LOG_DOMAIN "cli-send"

#include "cli-common.h"

#include <gio/gunixinputstream.h>

#define DEFAULT_TIMEOUT 30

typedef struct
{
  PetrelSession *session;
  GHashTable *waiting;    /* origin-ids of ours not acknowledged yet */
  gboolean all_queued;    /* no more input */
  gboolean flush_all;     /* wait for the whole outbox, not only ours */
  gint64 last_progress;
  guint failed;
  GError *error;
} Delivery;

static void
progress (Delivery *d)
{
  d->last_progress = g_get_monotonic_time ();
}

static void
state_cb (PetrelSession *session,
          const char    *origin_id,
          const char    *state,
          gpointer       user_data)
{
  Delivery *d = user_data;

  if (g_hash_table_remove (d->waiting, origin_id))
    {
      if (g_str_equal (state, "failed"))
        d->failed++;
      progress (d);
    }
}

static void
online_cb (PetrelSession *session,
           gboolean       resumed,
           gpointer       user_data)
{
  progress (user_data);
}

static gboolean
done (Delivery *d)
{
  PetrelSessionState state = petrel_session_get_state (d->session);

  if (state == PETREL_SESSION_FAILED)
    {
      if (d->error == NULL && petrel_session_get_error (d->session) != NULL)
        d->error = g_error_copy (petrel_session_get_error (d->session));
      return TRUE;
    }
  if (!d->all_queued)
    return FALSE;

  return g_hash_table_size (d->waiting) == 0;
}

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data);

static void
queue_message (Delivery   *d,
               const char *to,
               const char *body)
{
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;

  if (!petrel_session_send_message (d->session, to, body, &id, &error))
    {
      if (d->error == NULL)
        d->error = g_steal_pointer (&error);
      d->all_queued = TRUE;
      return;
    }
  g_hash_table_add (d->waiting, g_steal_pointer (&id));
  progress (d);
}

typedef struct
{
  Delivery *d;
  const char *to;
  GDataInputStream *input;
} LineReader;

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineReader *r = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (r->input, result, NULL, &error);
  if (line == NULL)
    {
      if (error != NULL && r->d->error == NULL)
        r->d->error = g_steal_pointer (&error);
      r->d->all_queued = TRUE;
      g_object_unref (r->input);
      g_free (r);
      return;
    }

  g_strchomp (line);
  if (*line != '\0')
    queue_message (r->d, r->to, line);

  g_data_input_stream_read_line_async (r->input, G_PRIORITY_DEFAULT, NULL, read_line_cb, r);
}

static int
deliver (CliContext *ctx,
         const char *to,
         const char *text,
         gboolean    from_stdin,
         double      timeout)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GError) error = NULL;
  Delivery d = { 0 };
  int status;

  session = cli_load_session (ctx, &error);
  if (session == NULL)
    return cli_fail (error);

  d.session = session;
  d.waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  d.flush_all = to == NULL;
  progress (&d);
  g_signal_connect (session, "message-state", G_CALLBACK (state_cb), &d);
  g_signal_connect (session, "online", G_CALLBACK (online_cb), &d);

  if (from_stdin)
    {
      g_autoptr(GInputStream) raw = g_unix_input_stream_new (0, FALSE);
      LineReader *r = g_new0 (LineReader, 1);

      r->d = &d;
      r->to = to;
      r->input = g_data_input_stream_new (raw);
      g_data_input_stream_read_line_async (r->input, G_PRIORITY_DEFAULT, NULL, read_line_cb, r);
    }
  else
    {
      if (text != NULL)
        queue_message (&d, to, text);
      d.all_queued = TRUE;
    }

  /* flush waits for what the outbox holds now, read once. */
  if (d.flush_all)
    {
      g_auto(GStrv) pending = petrel_session_dup_pending_ids (session);

      for (guint i = 0; pending[i] != NULL; i++)
        g_hash_table_add (d.waiting, g_strdup (pending[i]));
    }

  petrel_session_start (session, PETREL_SESSION_MODE_SEND);

  while (!done (&d))
    {
      gint64 idle = g_get_monotonic_time () - d.last_progress;

      if (d.all_queued && idle > (gint64) (timeout * G_USEC_PER_SEC))
        break;
      g_main_context_iteration (NULL, TRUE);
    }

  g_signal_handlers_disconnect_by_data (session, &d);

  if (d.error != NULL)
    status = cli_fail (d.error);
  else if (!done (&d))
    {
      guint queued = g_hash_table_size (d.waiting);

      g_printerr ("petrel-cli: queued: %u message%s not delivered yet; they stay in the outbox\n",
                  queued, queued == 1 ? "" : "s");
      status = CLI_EXIT_QUEUED;
    }
  else if (d.failed > 0)
    {
      g_printerr ("petrel-cli: server: %u message%s refused by the server\n",
                  d.failed, d.failed == 1 ? " was" : "s were");
      status = CLI_EXIT_SERVER;
    }
  else
    status = CLI_EXIT_OK;

  cli_disconnect (session);
  g_clear_error (&d.error);
  g_hash_table_unref (d.waiting);

  return status;
}

int
cli_send (CliContext *ctx,
          int         argc,
          char      **argv)
{
  gboolean from_stdin = FALSE;
  double timeout = DEFAULT_TIMEOUT;
  GOptionEntry entries[] = {
    { "stdin", 0, 0, G_OPTION_ARG_NONE, &from_stdin, "Send each line of standard input", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout, "Give up after SECONDS without progress (default 30)", "SECONDS" },
    { NULL }
  };

  if (!cli_parse ("TO TEXT | TO --stdin",
                  "Sends chat messages; exits 0 once the server has them, 8 if they stay queued.",
                  entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if ((from_stdin && argc != 2) || (!from_stdin && argc != 3))
    return cli_usage_error ("send TO TEXT | send TO --stdin");

  return deliver (ctx, argv[1], from_stdin ? NULL : argv[2], from_stdin, timeout);
}

int
cli_flush (CliContext *ctx,
           int         argc,
           char      **argv)
{
  double timeout = DEFAULT_TIMEOUT;
  GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout, "Give up after SECONDS without progress (default 30)", "SECONDS" },
    { NULL }
  };

  if (!cli_parse ("", "Sends every queued message of the account.", entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 1)
    return cli_usage_error ("flush [--timeout SECONDS]");

  return deliver (ctx, NULL, NULL, FALSE, timeout);
}
