/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cli-send"

#include "cli-common.h"

#include <gio/gunixinputstream.h>

/* Sends every line of standard input as one message; empty lines are
 * skipped.  Returns the number sent, or -1 with @error. */
static int
send_lines (PetrelSession  *session,
            const char     *to,
            GError        **error)
{
  g_autoptr(GInputStream) raw = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GDataInputStream) input = g_data_input_stream_new (raw);
  int count = 0;

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autofree char *line = NULL;
      gsize len = 0;

      /* Read asynchronously so the connection keeps answering the
       * server (pings) while the user types. */
      g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, cli_result_cb, &result);
      line = g_data_input_stream_read_line_finish_utf8 (input, cli_wait (&result), &len, error);
      if (line == NULL)
        return (error != NULL && *error != NULL) ? -1 : count;

      g_strchomp (line);
      if (*line == '\0')
        continue;
      if (!petrel_session_send_message (session, to, line, error))
        return -1;
      count++;
    }
}

int
cli_send (CliContext *ctx,
          int         argc,
          char      **argv)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean from_stdin = FALSE;
  GOptionEntry entries[] = {
    { "stdin", 0, 0, G_OPTION_ARG_NONE, &from_stdin, "Send each line of standard input", NULL },
    { NULL }
  };

  if (!cli_parse ("TO TEXT | TO --stdin", "Sends chat messages; exits 0 once the server has them.",
                  entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if ((from_stdin && argc != 2) || (!from_stdin && argc != 3))
    return cli_usage_error ("send TO TEXT | send TO --stdin");

  session = cli_connect (ctx, &error);
  if (session == NULL)
    return cli_fail (error);

  if (from_stdin)
    {
      if (send_lines (session, argv[1], &error) < 0)
        return cli_fail (error);
    }
  else if (!petrel_session_send_message (session, argv[1], argv[2], &error))
    {
      return cli_fail (error);
    }

  petrel_session_confirm_async (session, NULL, cli_result_cb, &result);
  if (!petrel_session_confirm_finish (session, cli_wait (&result), &error))
    return cli_fail (error);

  cli_disconnect (session);
  return CLI_EXIT_OK;
}
