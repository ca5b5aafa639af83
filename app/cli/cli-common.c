/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cli-common"

#include "cli-common.h"

#include <stdio.h>
#include <string.h>

#include "petrel-secrets.h"
#include "xmpp-error.h"
#include "xmpp-jid.h"
#include "xmpp-reader.h"
#include "xmpp-sasl.h"
#include "xmpp-transport.h"

gboolean
cli_parse (const char    *usage,
           const char    *summary,
           GOptionEntry  *entries,
           int           *argc,
           char        ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (usage);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cli_usage_error ("%s", error->message);
      return FALSE;
    }

  return TRUE;
}

int
cli_usage_error (const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("petrel-cli: usage: %s\n", message);

  return CLI_EXIT_FAILURE;
}

static int
classify (const GError *error,
          const char  **cause)
{
  if (error->domain == XMPP_STREAM_ERROR)
    {
      switch ((XmppStreamErrorCode) error->code)
        {
        case XMPP_STREAM_ERROR_DNS:
          *cause = "dns";
          return CLI_EXIT_DNS;
        case XMPP_STREAM_ERROR_REFUSED:
          *cause = "refused";
          return CLI_EXIT_REFUSED;
        case XMPP_STREAM_ERROR_IO:
        case XMPP_STREAM_ERROR_CLOSED:
          *cause = "network";
          return CLI_EXIT_REFUSED;
        case XMPP_STREAM_ERROR_NO_TLS:
        case XMPP_STREAM_ERROR_TLS:
          *cause = "tls";
          return CLI_EXIT_TLS;
        case XMPP_STREAM_ERROR_TIMEOUT:
          *cause = "timeout";
          return CLI_EXIT_TIMEOUT;
        case XMPP_STREAM_ERROR_CONDITION:
        case XMPP_STREAM_ERROR_BIND:
          *cause = "server";
          return CLI_EXIT_SERVER;
        case XMPP_STREAM_ERROR_PROTOCOL:
        default:
          *cause = "protocol";
          return CLI_EXIT_SERVER;
        }
    }

  if (error->domain == XMPP_TRANSPORT_ERROR)
    {
      switch ((XmppTransportError) error->code)
        {
        case XMPP_TRANSPORT_ERROR_INSECURE_URL:
        case XMPP_TRANSPORT_ERROR_SEE_OTHER_URI:
          *cause = "tls";
          return CLI_EXIT_TLS;
        case XMPP_TRANSPORT_ERROR_FRAMING:
          *cause = "protocol";
          return CLI_EXIT_SERVER;
        case XMPP_TRANSPORT_ERROR_UNSUPPORTED:
        default:
          *cause = "error";
          return CLI_EXIT_FAILURE;
        }
    }

  if (error->domain == XMPP_SASL_ERROR)
    {
      *cause = "auth";
      return CLI_EXIT_AUTH;
    }
  if (error->domain == XMPP_STANZA_ERROR)
    {
      *cause = "server";
      return CLI_EXIT_SERVER;
    }
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    {
      *cause = "network";
      return CLI_EXIT_REFUSED;
    }
  if (error->domain == XMPP_JID_ERROR)
    {
      *cause = "address";
      return CLI_EXIT_FAILURE;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    {
      *cause = "queued";
      return CLI_EXIT_QUEUED;
    }
  if (error->domain == PETREL_STORE_ERROR || error->domain == G_FILE_ERROR ||
      error->domain == G_KEY_FILE_ERROR)
    {
      *cause = "profile";
      return CLI_EXIT_FAILURE;
    }

  *cause = "error";
  return CLI_EXIT_FAILURE;
}

int
cli_fail (const GError *error)
{
  const char *cause = NULL;
  int code = classify (error, &cause);
  g_autofree char *line = g_strdup (error->message);

  /* One line, whatever the server put in its text. */
  g_strdelimit (line, "\r\n", ' ');
  g_printerr ("petrel-cli: %s: %s\n", cause, line);

  return code;
}

gboolean
cli_open_store (CliContext  *ctx,
                GError     **error)
{
  if (ctx->store != NULL)
    return TRUE;

  ctx->store = petrel_account_store_open (ctx->profile, error);
  return ctx->store != NULL;
}

void
cli_result_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

GAsyncResult *
cli_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

static void
log_cb (gboolean    incoming,
        const char *text,
        gpointer    user_data)
{
  g_printerr ("%s %s\n", incoming ? "RECV" : "SEND", text);
}

static gboolean
open_db (CliContext  *ctx,
         GError     **error)
{
  if (ctx->db != NULL)
    return TRUE;

  ctx->db = petrel_db_open_profile (ctx->profile, error);
  return ctx->db != NULL;
}

static PetrelAccountRecord *
load_record (CliContext  *ctx,
             GError     **error)
{
  g_autofree char *normalised = NULL;
  g_autoptr(PetrelAccountRecord) record = NULL;

  if (!cli_open_store (ctx, error))
    return NULL;

  if (ctx->account != NULL)
    {
      g_autoptr(XmppJid) jid = xmpp_jid_parse (ctx->account, error);

      if (jid == NULL)
        return NULL;
      normalised = g_strdup (xmpp_jid_get_bare_string (jid));
    }

  record = petrel_account_store_get_default (ctx->store, normalised, error);
  /* The desktop app keeps passwords in the keyring (password-in-keyring). */
  if (record != NULL && !petrel_secrets_fill_record (record, NULL, error))
    return NULL;

  return g_steal_pointer (&record);
}

PetrelSession *
cli_load_session (CliContext  *ctx,
                  GError     **error)
{
  g_autoptr(PetrelAccountRecord) record = NULL;
  PetrelSession *session;

  record = load_record (ctx, error);
  if (record == NULL || !open_db (ctx, error))
    return NULL;

  session = petrel_session_new (record, ctx->db, error);
  if (session == NULL)
    return NULL;
  if (ctx->verbose)
    petrel_session_set_log_func (session, log_cb, NULL);
  petrel_session_set_inactive (session, ctx->inactive);

  return session;
}

gint64
cli_account_id (CliContext  *ctx,
                char       **out_jid,
                GError     **error)
{
  g_autoptr(PetrelAccountRecord) record = load_record (ctx, error);
  gint64 id = 0;

  if (record == NULL || !open_db (ctx, error))
    return 0;
  if (!petrel_db_account_ensure (ctx->db, record->jid, &id, error))
    return 0;

  *out_jid = g_strdup (record->jid);
  return id;
}

const char *
cli_state_name (PetrelDbMessageState state)
{
  static const char * const names[] = { "pending", "sent", "delivered", "displayed", "failed" };

  return names[MIN ((guint) state, G_N_ELEMENTS (names) - 1)];
}

PetrelSession *
cli_connect (CliContext         *ctx,
             PetrelSessionMode   mode,
             GError            **error)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  session = cli_load_session (ctx, error);
  if (session == NULL)
    return NULL;

  petrel_session_connect_async (session, mode, NULL, cli_result_cb, &result);
  if (!petrel_session_connect_finish (session, cli_wait (&result), error))
    return NULL;

  return g_steal_pointer (&session);
}

void
cli_disconnect (PetrelSession *session)
{
  g_autoptr(GAsyncResult) result = NULL;

  petrel_session_stop_async (session, NULL, cli_result_cb, &result);
  petrel_session_stop_finish (session, cli_wait (&result), NULL);
}

void
cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
cli_json_add (JsonBuilder *builder,
              const char  *key,
              const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, key);
  json_builder_add_string_value (builder, value);
}

char *
cli_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

char *
cli_read_password (const char  *path,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  /* One line: the password, without its line ending. */
  contents[strcspn (contents, "\r\n")] = '\0';
  if (*contents == '\0' || strlen (contents) != strnlen (contents, len))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "The password file %s is empty", path);
      explicit_bzero (contents, len);
      return NULL;
    }

  return g_steal_pointer (&contents);
}
