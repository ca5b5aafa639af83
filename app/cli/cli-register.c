/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * petrel-cli account register: creates an account on a server that allows
 * in-band registration (XEP-0077), then adds it to the profile as
 * `account add` would.
 *
 *   petrel-cli account register JID --password-file FILE [--host H]
 *       [--port P] [--direct-tls] [--ca-file PEM] [--resource R]
 *       [--field NAME=VALUE]…
 *
 * The connection is encrypted before anything is asked (the connector's
 * register-only branch); the user name is the JID's local part, the
 * password comes from the file, and --field fills in whatever else the
 * server's form asks for.  Server refusals exit with 7 and the server's
 * reason in words ("That user name is taken").
 */
#define G_LOG_DOMAIN "cli-register"

#include "cli-common.h"

#include <string.h>

#include "xmpp-client.h"
#include "xmpp-connector.h"
#include "xmpp-error.h"
#include "xmpp-writer.h"
#include "xep-0077-register.h"

typedef struct
{
  char *password;
  char *escaped; /* the password as the writer puts it in text */
} LogMask;


static void
wipe (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static void
replace_all (GString    *text,
             const char *needle)
{
  if (needle != NULL && *needle != '\0')
    g_string_replace (text, needle, "[masked]", 0);
}

/* The stream masks <password/> elements and password fields of data
 * forms; a server may still ask for the password under a field name of its
 * own, so --verbose masks the password wherever it appears as well. */
static void
log_cb (gboolean    incoming,
        const char *text,
        gpointer    user_data)
{
  LogMask *mask = user_data;
  g_autoptr (GString) line = g_string_new (text);

  replace_all (line, mask->escaped);
  replace_all (line, mask->password);
  g_printerr ("%s %s\n", incoming ? "RECV" : "SEND", line->str);
}

static int
fail_server (const char *format,
             ...) G_GNUC_PRINTF (1, 2);

static int
fail_server (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_strdelimit (message, "\r\n", ' ');
  g_printerr ("petrel-cli: server: %s\n", message);

  return CLI_EXIT_SERVER;
}

/* A form the server should not have sent is the server's fault (7), not
 * the network's. */
static int
fail (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    {
      g_autofree char *line = g_strdup (error->message);

      g_strdelimit (line, "\r\n", ' ');
      g_printerr ("petrel-cli: protocol: %s\n", line);
      return CLI_EXIT_SERVER;
    }

  return cli_fail (error);
}

static char *
describe_field (XmppRegistrationForm *form,
                const char           *name)
{
  const char *label = xmpp_registration_form_get_label (form, name);

  return label && g_strcmp0 (label, name) != 0 ? g_strdup_printf ("%s (%s)", name, label)
                                               : g_strdup (name);
}

static char *
join_fields (XmppRegistrationForm *form)
{
  XmppForm *data_form = xmpp_registration_form_get_data_form (form);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) names = NULL;

  if (data_form == NULL)
    return g_strjoinv (", ", (char **) xmpp_registration_form_get_legacy_fields (form));

  for (guint i = 0; i < data_form->fields->len; i++)
    {
      XmppFormField *field = g_ptr_array_index (data_form->fields, i);

      if (field->var != NULL && field->type != XMPP_FORM_FIELD_HIDDEN &&
          field->type != XMPP_FORM_FIELD_FIXED)
        g_strv_builder_add (builder, field->var);
    }
  names = g_strv_builder_end (builder);

  return g_strjoinv (", ", names);
}

/* Fills in the user name, the password and every --field. */
static int
fill_in (XmppRegistrationForm *form,
         const char           *username,
         const char           *password,
         char                **fields)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) missing = NULL;

  if (!xmpp_registration_form_set_value (form, "username", username, &error) ||
      !xmpp_registration_form_set_value (form, "password", password, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return fail_server ("The server's registration form has no user name or password field");
      return fail_server ("%s", error->message);
    }

  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (fields[i], strcspn (fields[i], "="));
      const char      *value = fields[i] + strlen (name) + 1;

      if (!xmpp_registration_form_set_value (form, name, value, &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            {
              g_autofree char *asked = join_fields (form);

              return cli_usage_error ("the server does not ask for “%s” (it asks for: %s)",
                                      name, asked);
            }
          return cli_usage_error ("--field %s: %s", name, error->message);
        }
    }

  missing = xmpp_registration_form_dup_missing (form);
  if (missing[0] != NULL)
    {
      g_autofree char *what = describe_field (form, missing[0]);

      return cli_usage_error ("the server also asks for %s: add --field %s=VALUE",
                              what, missing[0]);
    }

  return CLI_EXIT_OK;
}

/* The server said no to in-band registration, perhaps with a web page. */
static int
fail_no_form (XmppRegistrationForm *form)
{
  const char *url = xmpp_registration_form_get_oob_url (form);
  const char *instructions = xmpp_registration_form_get_instructions (form);

  if (url != NULL)
    return fail_server ("The server only creates accounts on the web: %s", url);
  if (instructions != NULL && *instructions != '\0')
    {
      g_autofree char *shortened = g_utf8_make_valid (instructions, MIN (strlen (instructions), 200));

      return fail_server ("The server offers no registration form (%s)", shortened);
    }

  return fail_server ("The server offers no registration form");
}

static int
check_fields (char **fields)
{
  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    {
      const char *eq = strchr (fields[i], '=');

      if (eq == NULL || eq == fields[i])
        return cli_usage_error ("--field takes NAME=VALUE, not “%s”", fields[i]);
      if (g_str_has_prefix (fields[i], "username=") || g_str_has_prefix (fields[i], "password="))
        return cli_usage_error ("the user name comes from the JID and the password from "
                                "--password-file");
    }

  return CLI_EXIT_OK;
}

typedef struct
{
  const char *host;
  int         port;
  gboolean    direct_tls;
  const char *ca_file;
  char      **fields;
} RegisterOptions;

/* Connects, asks, fills in and submits; returns an exit code. */
static int
create_account (CliContext            *ctx,
                XmppJid               *jid,
                LogMask               *mask,
                const RegisterOptions *options)
{
  g_autoptr (XmppJid) domain = xmpp_jid_new (NULL, xmpp_jid_get_domain (jid), NULL, NULL);
  g_autoptr (XmppConnector) connector = NULL;
  g_autoptr (XmppStream) stream = NULL;
  g_autoptr (XmppClient) client = NULL;
  g_autoptr (XmppRegistrationForm) form = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) submitted = NULL;
  g_autoptr (GAsyncResult) closed = NULL;
  g_autoptr (GError) error = NULL;
  XmppConnectorConfig config = {
    /* No account yet: the stream is opened for the domain alone. */
    .jid = domain,
    .host = options->host,
    .port = (guint16) options->port,
    .direct_tls = options->direct_tls,
    .ca_file = options->ca_file,
    .log_func = ctx->verbose ? log_cb : NULL,
    .log_data = mask,
    .register_only = TRUE,
  };
  int status;

  g_assert (domain != NULL);
  connector = xmpp_connector_new (&config);
  xmpp_connector_connect_async (connector, NULL, cli_result_cb, &result);
  stream = xmpp_connector_connect_finish (connector, cli_wait (&result), &error);
  if (stream == NULL)
    return fail (error);

  client = xmpp_client_new (stream, domain);
  g_clear_object (&result);
  xmpp_register_get_fields_async (client, NULL, NULL, cli_result_cb, &result);
  form = xmpp_register_get_fields_finish (client, cli_wait (&result), &error);
  if (form == NULL)
    return fail (error);
  if (!xmpp_registration_form_can_submit (form))
    return fail_no_form (form);

  status = fill_in (form, xmpp_jid_get_local (jid), mask->password, options->fields);
  if (status != CLI_EXIT_OK)
    return status;

  xmpp_register_submit_async (client, NULL, form, NULL, cli_result_cb, &submitted);
  if (!xmpp_register_submit_finish (client, cli_wait (&submitted), &error))
    return fail (error);

  /* Polite end; the server may also end the stream itself (XEP-0077
   * §3.1.1 lets it insist on authentication next). */
  xmpp_client_close_async (client, NULL, cli_result_cb, &closed);
  xmpp_client_close_finish (client, cli_wait (&closed), NULL);

  return CLI_EXIT_OK;
}

int
cli_register (CliContext *ctx,
              int         argc,
              char      **argv)
{
  g_autofree char *password_file = NULL;
  g_autofree char *host = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *resource = NULL;
  g_auto (GStrv) fields = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppJid) jid = NULL;
  g_autoptr (PetrelAccountRecord) existing = NULL;
  PetrelAccountRecord record = { 0 };
  RegisterOptions     options = { 0 };
  LogMask             mask = { 0 };
  GString            *escaped;
  gboolean            direct_tls = FALSE;
  char               *password;
  int                 port = 0;
  int                 status;
  GOptionEntry        entries[] = {
           { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, "File holding the new password", "FILE" },
           { "host", 0, 0, G_OPTION_ARG_STRING, &host, "Server host (skips SRV lookup)", "HOST" },
           { "port", 0, 0, G_OPTION_ARG_INT, &port, "Server port", "PORT" },
           { "direct-tls", 0, 0, G_OPTION_ARG_NONE, &direct_tls, "TLS from the first byte (XEP-0368)", NULL },
           { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Extra trusted CA certificates (PEM)", "PEM" },
           { "resource", 0, 0, G_OPTION_ARG_STRING, &resource, "Resource to ask for later", "R" },
           { "field", 0, 0, G_OPTION_ARG_STRING_ARRAY, &fields, "Another field the server asks for", "NAME=VALUE" },
           { NULL }
  };

  if (!cli_parse ("register JID --password-file FILE",
                  "Creates an account on a server that allows in-band registration (XEP-0077) "
                  "and adds it to the profile.",
                  entries, &argc, &argv))
    return CLI_EXIT_FAILURE;
  if (argc != 3)
    return cli_usage_error ("account register JID --password-file FILE [--host H] [--port P] "
                            "[--direct-tls] [--ca-file PEM] [--resource R] [--field NAME=VALUE]…");
  if (password_file == NULL)
    return cli_usage_error ("--password-file is required");
  if (port < 0 || port > 65535)
    return cli_usage_error ("--port must be between 1 and 65535");
  status = check_fields (fields);
  if (status != CLI_EXIT_OK)
    return status;

  jid = xmpp_jid_parse (argv[2], &error);
  if (jid == NULL)
    return cli_fail (error);
  if (xmpp_jid_get_local (jid) == NULL)
    return cli_usage_error ("an account address needs a user name (user@server)");

  if (ca_file != NULL && !g_path_is_absolute (ca_file))
    {
      g_autofree char *cwd = g_get_current_dir ();
      char            *absolute = g_build_filename (cwd, ca_file, NULL);

      g_free (ca_file);
      ca_file = absolute;
    }

  /* An account the profile already has is not created again. */
  if (!cli_open_store (ctx, &error))
    return cli_fail (error);
  existing = petrel_account_store_get (ctx->store, xmpp_jid_get_bare_string (jid), NULL);
  if (existing != NULL)
    return cli_usage_error ("the profile already has the account %s", existing->jid);

  password = cli_read_password (password_file, &error);
  if (password == NULL)
    return cli_fail (error);

  options.host = host;
  options.port = port;
  options.direct_tls = direct_tls;
  options.ca_file = ca_file;
  options.fields = fields;
  escaped = g_string_new (NULL);
  xmpp_writer_escape (escaped, password, -1, FALSE);
  mask.password = password;
  mask.escaped = escaped->str;
  status = create_account (ctx, jid, &mask, &options);
  explicit_bzero (escaped->str, escaped->len);
  g_string_free (escaped, TRUE);

  if (status == CLI_EXIT_OK)
    {
      record.jid = (char *) xmpp_jid_get_bare_string (jid);
      record.password = password;
      record.host = host;
      record.port = (guint16) port;
      record.direct_tls = direct_tls;
      record.resource = resource ? resource : (char *) xmpp_jid_get_resource (jid);
      record.ca_file = ca_file;
      if (!petrel_account_store_add (ctx->store, &record, &error))
        {
          g_prefix_error (&error, "The account was created on the server, but not saved: ");
          status = cli_fail (error);
        }
    }

  wipe (password);
  return status;
}
