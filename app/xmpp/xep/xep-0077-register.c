/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0077: In-Band Registration, version 2.5.
 *
 * The answers are read defensively: only the fields of the schema (§11)
 * count as legacy fields (§4: a host MUST NOT add others), a data form is
 * held to the limits of xep-0004-forms.c, and a web URL is kept only when
 * it is http(s), so a `file:` or `javascript:` link never reaches a view.
 */
#define G_LOG_DOMAIN "xep-0077-register"

#include "xep-0077-register.h"

#include <string.h>

#include "xmpp-error.h"

/* The legacy fields of the schema (§11), less <registered/>,
 * <instructions/> and <remove/>, which are not fields. */
static const char *const legacy_names[] = {
  "username",
  "nick",
  "password",
  "name",
  "first",
  "last",
  "email",
  "address",
  "city",
  "state",
  "zip",
  "phone",
  "url",
  "date",
  "misc",
  "text",
  "key",
};

#define MAX_URL_LENGTH 2048

struct _XmppRegistrationForm
{
  gboolean   registered;
  char      *instructions;
  char      *oob_url;
  gboolean   oob_seen; /* parsing: only the first XEP-0066 link counts */
  XmppForm  *data_form;
  GPtrArray *names;  /* static strings from legacy_names, NULL-terminated */
  GPtrArray *values; /* parallel to names (without the NULL); nullable */
};

G_DEFINE_BOXED_TYPE (XmppRegistrationForm, xmpp_registration_form, xmpp_registration_form_copy, xmpp_registration_form_free)

static void
wipe_string (gpointer data)
{
  char *s = data;

  if (s != NULL)
    explicit_bzero (s, strlen (s));
  g_free (s);
}

static XmppRegistrationForm *
registration_form_new (void)
{
  XmppRegistrationForm *self = g_new0 (XmppRegistrationForm, 1);

  self->names = g_ptr_array_new ();
  g_ptr_array_add (self->names, NULL);
  self->values = g_ptr_array_new_with_free_func (wipe_string);

  return self;
}

void
xmpp_registration_form_free (XmppRegistrationForm *self)
{
  if (self == NULL)
    return;

  g_free (self->instructions);
  g_free (self->oob_url);
  g_clear_pointer (&self->data_form, xmpp_form_free);
  g_ptr_array_unref (self->names);
  g_ptr_array_unref (self->values);
  g_free (self);
}

static void
add_legacy (XmppRegistrationForm *self,
            const char           *name,
            const char           *value)
{
  /* Keep the NULL terminator last. */
  g_ptr_array_insert (self->names, self->names->len - 1, (gpointer) name);
  g_ptr_array_add (self->values, g_strdup (value));
}

XmppRegistrationForm *
xmpp_registration_form_copy (const XmppRegistrationForm *self)
{
  XmppRegistrationForm *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = registration_form_new ();
  copy->registered = self->registered;
  copy->instructions = g_strdup (self->instructions);
  copy->oob_url = g_strdup (self->oob_url);
  copy->data_form = self->data_form ? xmpp_form_copy (self->data_form) : NULL;
  for (guint i = 0; i < self->values->len; i++)
    add_legacy (copy, g_ptr_array_index (self->names, i), g_ptr_array_index (self->values, i));

  return copy;
}

/* Parsing (§3.1, §5, §6) */

static const char *
legacy_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (legacy_names); i++)
    {
      if (g_str_equal (legacy_names[i], name))
        return legacy_names[i];
    }

  return NULL;
}

static int
legacy_index (const XmppRegistrationForm *self,
              const char                 *name)
{
  for (guint i = 0; i < self->values->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (self->names, i), name))
        return (int) i;
    }

  return -1;
}

/* XEP-0066 links are shown to the user as a way to register on the web;
 * anything but a plain http(s) URL is dropped. */
static char *
checked_url (const char *text)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  const char      *scheme;

  if (*trimmed == '\0' || strlen (trimmed) > MAX_URL_LENGTH)
    return NULL;

  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    return NULL;
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;

  return g_steal_pointer (&trimmed);
}

static gboolean
parse_child (XmppRegistrationForm *self,
             const XmppNode       *child,
             GError              **error)
{
  const char *text = xmpp_node_get_text (child);
  const char *name;

  if (xmpp_node_is (child, "x", XMPP_NS_DATA_FORMS))
    {
      g_autoptr (GError) form_error = NULL;

      /* One form; a second one would be a guess about which to show. */
      if (self->data_form != NULL)
        return TRUE;
      self->data_form = xmpp_form_parse (child, &form_error);
      if (self->data_form == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "The server sent a registration form that cannot be used: %s",
                       form_error->message);
          return FALSE;
        }
      return TRUE;
    }

  if (xmpp_node_is (child, "x", XMPP_NS_OOB))
    {
      const char *url = xmpp_node_get_child_text (child, "url", XMPP_NS_OOB);

      if (!self->oob_seen && url != NULL)
        self->oob_url = checked_url (url);
      self->oob_seen = TRUE;
      return TRUE;
    }

  if (g_strcmp0 (xmpp_node_get_ns (child), XMPP_NS_REGISTER) != 0)
    return TRUE;

  if (strlen (text) > XMPP_FORM_MAX_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The server's registration <%s/> is longer than %u bytes",
                   xmpp_node_get_name (child), XMPP_FORM_MAX_STRING);
      return FALSE;
    }

  if (g_str_equal (xmpp_node_get_name (child), "registered"))
    {
      self->registered = TRUE;
    }
  else if (g_str_equal (xmpp_node_get_name (child), "instructions"))
    {
      if (self->instructions == NULL)
        self->instructions = g_strstrip (g_strdup (text));
    }
  else if ((name = legacy_name (xmpp_node_get_name (child))) != NULL &&
           legacy_index (self, name) < 0)
    {
      add_legacy (self, name, *text != '\0' ? text : NULL);
    }

  return TRUE;
}

XmppRegistrationForm *
xmpp_registration_form_parse (const XmppNode *query,
                              GError        **error)
{
  g_autoptr (XmppRegistrationForm) self = NULL;

  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xmpp_node_is (query, "query", XMPP_NS_REGISTER))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The server's answer has no registration form");
      return NULL;
    }

  self = registration_form_new ();
  for (guint i = 0; i < xmpp_node_get_n_children (query); i++)
    {
      if (!parse_child (self, xmpp_node_get_child_at (query, i), error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

/* Reading and filling in */

gboolean
xmpp_registration_form_is_registered (const XmppRegistrationForm *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->registered;
}

const char *
xmpp_registration_form_get_instructions (const XmppRegistrationForm *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->instructions;
}

const char *
xmpp_registration_form_get_oob_url (const XmppRegistrationForm *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->oob_url;
}

XmppForm *
xmpp_registration_form_get_data_form (const XmppRegistrationForm *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data_form;
}

const char *const *
xmpp_registration_form_get_legacy_fields (const XmppRegistrationForm *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char *const *) self->names->pdata;
}

gboolean
xmpp_registration_form_can_submit (const XmppRegistrationForm *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->data_form != NULL || self->values->len > 0;
}

gboolean
xmpp_registration_form_has_field (const XmppRegistrationForm *self,
                                  const char                 *name)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  /* §6: with a data form, that is what gets submitted. */
  if (self->data_form != NULL)
    return xmpp_form_get_field (self->data_form, name) != NULL;

  return legacy_index (self, name) >= 0;
}

const char *
xmpp_registration_form_get_value (const XmppRegistrationForm *self,
                                  const char                 *name)
{
  int i;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->data_form != NULL)
    {
      XmppFormField *field = xmpp_form_get_field (self->data_form, name);

      return field ? xmpp_form_field_get_value (field) : NULL;
    }

  i = legacy_index (self, name);
  return i >= 0 ? g_ptr_array_index (self->values, i) : NULL;
}

const char *
xmpp_registration_form_get_label (const XmppRegistrationForm *self,
                                  const char                 *name)
{
  XmppFormField *field;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->data_form == NULL)
    return NULL;
  field = xmpp_form_get_field (self->data_form, name);

  return field ? field->label : NULL;
}

gboolean
xmpp_registration_form_set_value (XmppRegistrationForm *self,
                                  const char           *name,
                                  const char           *value,
                                  GError              **error)
{
  int i;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!xmpp_registration_form_has_field (self, name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The server does not ask for “%s”", name);
      return FALSE;
    }

  if (self->data_form != NULL)
    return xmpp_form_set_value (self->data_form, name, value, error);

  if (value != NULL && strlen (value) > XMPP_FORM_MAX_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The value for “%s” is too long", name);
      return FALSE;
    }
  i = legacy_index (self, name);
  wipe_string (g_ptr_array_index (self->values, i));
  g_ptr_array_index (self->values, i) = g_strdup (value);

  return TRUE;
}

char **
xmpp_registration_form_dup_missing (const XmppRegistrationForm *self)
{
  g_autoptr (GStrvBuilder) builder = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->data_form != NULL)
    return xmpp_form_dup_missing (self->data_form);

  /* §3.1: the requesting entity MUST provide every field it was given;
   * an empty password counts as missing. */
  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->values->len; i++)
    {
      const char *value = g_ptr_array_index (self->values, i);

      if (value == NULL || *value == '\0')
        g_strv_builder_add (builder, g_ptr_array_index (self->names, i));
    }

  return g_strv_builder_end (builder);
}

XmppNode *
xmpp_registration_form_build_submit (const XmppRegistrationForm *self)
{
  XmppNode *query;

  g_return_val_if_fail (self != NULL, NULL);

  query = xmpp_node_new ("query", XMPP_NS_REGISTER);

  /* §4 and §6: the data form if there is one, and then never also the
   * legacy fields. */
  if (self->data_form != NULL)
    {
      xmpp_node_take_child (query, xmpp_form_build_submit (self->data_form));
      return query;
    }

  for (guint i = 0; i < self->values->len; i++)
    {
      XmppNode   *field = xmpp_node_add_child (query, g_ptr_array_index (self->names, i), NULL);
      const char *value = g_ptr_array_index (self->values, i);

      if (value != NULL)
        xmpp_node_set_text (field, value);
    }

  return query;
}

/* Requests */

typedef enum
{
  OP_GET_FIELDS,
  OP_REGISTER,
  OP_CHANGE_PASSWORD,
  OP_CANCEL,
} Operation;

/* xmpp_stanza_error_from_node() writes "condition (text)"; the text is the
 * server's own words, already cut short there. */
static char *
server_text (const GError *error)
{
  const char *condition = xmpp_stanza_error_to_condition (error->code);
  gsize       clen = strlen (condition);
  gsize       mlen = strlen (error->message);

  if (mlen > clen + 3 && strncmp (error->message, condition, clen) == 0 &&
      error->message[clen] == ' ' && error->message[clen + 1] == '(' &&
      error->message[mlen - 1] == ')')
    return g_strndup (error->message + clen + 2, mlen - clen - 3);

  return NULL;
}

static char *
sentence (const char *what,
          const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup_printf ("%s (%s)", what, text) : g_strdup (what);
}

static char *
get_fields_message (XmppStanzaError code,
                    const char     *text,
                    const GError   *error)
{
  switch (code)
    {
    case XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE:
    case XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED:
      return g_strdup ("The server does not offer account registration");
    case XMPP_STANZA_ERROR_NOT_ALLOWED:
    case XMPP_STANZA_ERROR_FORBIDDEN:
      return sentence ("The server does not allow creating accounts here", text);
    case XMPP_STANZA_ERROR_POLICY_VIOLATION:
      return sentence ("The server refused to register over this connection", text);
    default:
      return g_strdup_printf ("Could not get the registration form: %s", error->message);
    }
}

static char *
register_message (XmppStanzaError code,
                  const char     *text,
                  const GError   *error)
{
  switch (code)
    {
    case XMPP_STANZA_ERROR_CONFLICT:
      return g_strdup ("That user name is taken");
    case XMPP_STANZA_ERROR_NOT_ACCEPTABLE:
      return sentence ("The server did not accept the details", text);
    case XMPP_STANZA_ERROR_NOT_ALLOWED:
    case XMPP_STANZA_ERROR_FORBIDDEN:
      return sentence ("The server does not allow creating accounts here", text);
    case XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT:
      return g_strdup ("Too many registrations; try later");
    case XMPP_STANZA_ERROR_POLICY_VIOLATION:
      return sentence ("The server's policy refused the registration", text);
    case XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE:
    case XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED:
      return sentence ("The server does not offer account registration", text);
    case XMPP_STANZA_ERROR_JID_MALFORMED:
      return sentence ("That user name is not allowed", text);
    case XMPP_STANZA_ERROR_BAD_REQUEST:
      return sentence ("The server did not understand the registration", text);
    default:
      return g_strdup_printf ("Registration failed: %s", error->message);
    }
}

static char *
change_password_message (XmppStanzaError code,
                         const char     *text,
                         const GError   *error)
{
  switch (code)
    {
    case XMPP_STANZA_ERROR_NOT_AUTHORIZED:
      return g_strdup ("The server does not consider this connection safe enough to change "
                       "the password");
    case XMPP_STANZA_ERROR_NOT_ALLOWED:
    case XMPP_STANZA_ERROR_FORBIDDEN:
      return g_strdup ("The server does not allow changing the password here");
    case XMPP_STANZA_ERROR_BAD_REQUEST:
      return sentence ("The server needs more details to change the password", text);
    case XMPP_STANZA_ERROR_NOT_ACCEPTABLE:
      return sentence ("The server did not accept the new password", text);
    default:
      return g_strdup_printf ("Changing the password failed: %s", error->message);
    }
}

static char *
cancel_message (XmppStanzaError code,
                const char     *text,
                const GError   *error)
{
  switch (code)
    {
    case XMPP_STANZA_ERROR_NOT_ALLOWED:
      return g_strdup ("The server does not allow removing accounts here");
    case XMPP_STANZA_ERROR_FORBIDDEN:
      return sentence ("This account may not be removed", text);
    case XMPP_STANZA_ERROR_REGISTRATION_REQUIRED:
      return g_strdup ("This account is not registered");
    default:
      return g_strdup_printf ("Removing the account failed: %s", error->message);
    }
}

/* Stanza errors keep their domain and condition; only the words change.
 * Timeouts and lost connections pass through as they are. */
static GError *
readable_error (Operation op,
                GError   *error)
{
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  XmppStanzaError  code;

  if (error->domain != XMPP_STANZA_ERROR)
    return error;

  code = (XmppStanzaError) error->code;
  text = server_text (error);
  switch (op)
    {
    case OP_GET_FIELDS:
      message = get_fields_message (code, text, error);
      break;
    case OP_REGISTER:
      message = register_message (code, text, error);
      break;
    case OP_CHANGE_PASSWORD:
      message = change_password_message (code, text, error);
      break;
    case OP_CANCEL:
    default:
      message = cancel_message (code, text, error);
      break;
    }
  g_error_free (error);

  return g_error_new_literal (XMPP_STANZA_ERROR, code, message);
}

static void
reply_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (XmppNode) reply = NULL;
  Operation             op = GPOINTER_TO_INT (g_task_get_task_data (task));
  XmppRegistrationForm *form;
  XmppNode             *query;
  GError               *error = NULL;

  reply = xmpp_client_send_iq_finish (XMPP_CLIENT (source), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, readable_error (op, error));
      return;
    }

  if (op != OP_GET_FIELDS)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* §3.1: the result carries the <query/>. */
  query = xmpp_node_get_child (reply, "query", XMPP_NS_REGISTER);
  if (query == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "The server's answer has no registration form");
      return;
    }
  form = xmpp_registration_form_parse (query, &error);
  if (form == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, form, (GDestroyNotify) xmpp_registration_form_free);
}

static void
send_query (XmppClient         *client,
            const XmppJid      *to,
            const char         *type,
            XmppNode           *query,
            Operation           op,
            gpointer            source_tag,
            GCancellable       *cancellable,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  g_autoptr (XmppNode) iq = NULL;
  GTask *task;

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, GINT_TO_POINTER (op), NULL);

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        XMPP_BUILD_ATTR, "type", type,
                        XMPP_BUILD_ATTR, "to", to ? xmpp_jid_to_string (to) : NULL,
                        XMPP_BUILD_END);
  xmpp_node_take_child (iq, query);
  xmpp_client_send_iq_async (client, iq, 0, cancellable, reply_cb, task);
}

/* §10: the requests below carry a password; without TLS they stay here. */
static gboolean
stream_is_encrypted (XmppClient *client)
{
  return xmpp_stream_is_tls (xmpp_client_get_stream (client));
}

void
xmpp_register_get_fields_async (XmppClient         *client,
                                const XmppJid      *to,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_return_if_fail (XMPP_IS_CLIENT (client));

  send_query (client, to, "get", xmpp_node_new ("query", XMPP_NS_REGISTER), OP_GET_FIELDS,
              xmpp_register_get_fields_async, cancellable, callback, user_data);
}

XmppRegistrationForm *
xmpp_register_get_fields_finish (XmppClient   *client,
                                 GAsyncResult *result,
                                 GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, xmpp_register_get_fields_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
xmpp_register_submit_async (XmppClient                 *client,
                            const XmppJid              *to,
                            const XmppRegistrationForm *form,
                            GCancellable               *cancellable,
                            GAsyncReadyCallback         callback,
                            gpointer                    user_data)
{
  g_auto (GStrv) missing = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (form != NULL);

  if (!stream_is_encrypted (client))
    {
      g_task_report_new_error (client, callback, user_data, xmpp_register_submit_async,
                               XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS,
                               "Creating an account needs an encrypted connection");
      return;
    }
  if (!xmpp_registration_form_can_submit (form))
    {
      g_task_report_new_error (client, callback, user_data, xmpp_register_submit_async,
                               G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "The server offers no form to fill in");
      return;
    }
  missing = xmpp_registration_form_dup_missing (form);
  if (missing[0] != NULL)
    {
      const char *label = xmpp_registration_form_get_label (form, missing[0]);

      g_task_report_new_error (client, callback, user_data, xmpp_register_submit_async,
                               G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Fill in “%s”", label ? label : missing[0]);
      return;
    }

  send_query (client, to, "set", xmpp_registration_form_build_submit (form), OP_REGISTER,
              xmpp_register_submit_async, cancellable, callback, user_data);
}

gboolean
xmpp_register_submit_finish (XmppClient   *client,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, xmpp_register_submit_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
xmpp_register_change_password_async (XmppClient         *client,
                                     const char         *new_password,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  const char *username;
  XmppNode   *query;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  /* §3.3: an empty password never replaces the old one. */
  g_return_if_fail (new_password != NULL && *new_password != '\0');

  username = xmpp_jid_get_local (xmpp_client_get_jid (client));
  if (!stream_is_encrypted (client))
    {
      g_task_report_new_error (client, callback, user_data, xmpp_register_change_password_async,
                               XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS,
                               "Changing the password needs an encrypted connection");
      return;
    }
  if (username == NULL)
    {
      g_task_report_new_error (client, callback, user_data, xmpp_register_change_password_async,
                               G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Not logged in to an account");
      return;
    }

  /* No `to`: the request is for the account's own server (§3.3). */
  query = xmpp_node_build ("query", XMPP_NS_REGISTER,
                           XMPP_BUILD_CHILD, "username", NULL,
                           XMPP_BUILD_TEXT, username,
                           XMPP_BUILD_UP,
                           XMPP_BUILD_CHILD, "password", NULL,
                           XMPP_BUILD_TEXT, new_password,
                           XMPP_BUILD_END);
  send_query (client, NULL, "set", query, OP_CHANGE_PASSWORD,
              xmpp_register_change_password_async, cancellable, callback, user_data);
}

gboolean
xmpp_register_change_password_finish (XmppClient   *client,
                                      GAsyncResult *result,
                                      GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, xmpp_register_change_password_async),
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
xmpp_register_cancel_async (XmppClient         *client,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  XmppNode *query;

  g_return_if_fail (XMPP_IS_CLIENT (client));

  /* §3.2: to the home server, with neither `from` nor `to`. */
  query = xmpp_node_build ("query", XMPP_NS_REGISTER,
                           XMPP_BUILD_CHILD, "remove", NULL,
                           XMPP_BUILD_END);
  send_query (client, NULL, "set", query, OP_CANCEL, xmpp_register_cancel_async, cancellable,
              callback, user_data);
}

gboolean
xmpp_register_cancel_finish (XmppClient   *client,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, xmpp_register_cancel_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
