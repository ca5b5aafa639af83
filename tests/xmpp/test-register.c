/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0077 in-band registration against the scripted in-memory peer: the
 * connector's register-only branch (TLS first, no SASL, no bind), the
 * legacy fields and the XEP-0004 form with its hidden FORM_TYPE echoed,
 * errors worded for people, and the refusals: nothing registration-related
 * over plain text, no hostile form accepted.
 */
#define G_LOG_DOMAIN "test-register"

#include <string.h>

#include "scripted-peer.h"
#include "xmpp-client.h"
#include "xmpp-connector.h"
#include "xmpp-error.h"
#include "xep-0077-register.h"

#define DOMAIN   SCRIPTED_PEER_DOMAIN
#define USER     "juliet"
#define PASSWORD "R0m30-not-in-any-log"

#define NS_TLS_Q  "'urn:ietf:params:xml:ns:xmpp-tls'"
#define NS_SASL_Q "'urn:ietf:params:xml:ns:xmpp-sasl'"
#define NS_BIND_Q "'urn:ietf:params:xml:ns:xmpp-bind'"
#define NS_STZ_Q  "'urn:ietf:params:xml:ns:xmpp-stanzas'"
#define NS_REG_Q  "'jabber:iq:register'"
#define XDATA_Q   "'jabber:x:data'"

#define OPEN_PLAIN "<stream:stream to='" DOMAIN "' version='1.0' xml:lang='en'/>"
/* No `from`: there is no account yet, and the domain is not ours to claim. */
#define OPEN_SECURE "<stream:stream to='" DOMAIN "' version='1.0' xml:lang='en'/>"

#define FEATURE_STARTTLS "<starttls xmlns=" NS_TLS_Q "><required/></starttls>"
#define FEATURE_REGISTER "<register xmlns='http://jabber.org/features/iq-register'/>"
#define MECHANISMS                                                     \
  "<mechanisms xmlns=" NS_SASL_Q "><mechanism>SCRAM-SHA-1</mechanism>" \
  "<mechanism>PLAIN</mechanism></mechanisms>"

#define EXPECT_GET "<iq type='get' id='*'><query xmlns=" NS_REG_Q "/></iq>"

#define STANZA_ERROR(type, condition, text) \
  "<iq type='error' id='$id'><error type='" type "'><" condition " xmlns=" NS_STZ_Q "/>" text "</error></iq>"
#define ERROR_TEXT(t) "<text xmlns=" NS_STZ_Q ">" t "</text>"

/* XEP-0077 §3.1, example 2. */
#define LEGACY_FIELDS                                                        \
  "<iq type='result' id='$id'><query xmlns=" NS_REG_Q ">"                    \
  "<instructions>Choose a username and password for use with this service. " \
  "Please also provide your email address.</instructions>"                   \
  "<username/><password/><email/></query></iq>"

/* What Prosody 0.12 sends: the legacy fields and a data form (XEP-0077
 * §6: the form takes precedence), here with one field more. */
#define DATA_FORM                                                                  \
  "<iq type='result' id='$id'><query xmlns=" NS_REG_Q ">"                          \
  "<instructions>Choose a username and password.</instructions>"                   \
  "<username/><password/>"                                                         \
  "<x xmlns=" XDATA_Q " type='form'><title>Creating a new account</title>"         \
  "<instructions>Choose a username and password.</instructions>"                   \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>" \
  "<field type='text-single' label='Username' var='username'><required/></field>"  \
  "<field type='text-private' label='Password' var='password'><required/></field>" \
  "<field type='list-single' label='Plan' var='x-plan'><value>free</value>"        \
  "<option label='Free'><value>free</value></option>"                              \
  "<option label='Paid'><value>paid</value></option></field>"                      \
  "<field type='fixed'><value>Thank you</value></field>"                           \
  "</x></query></iq>"

typedef ScriptedFixture Fixture;

typedef struct
{
  gboolean              done;
  XmppRegistrationForm *form;
  gboolean              ok;
  GError               *error;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->form, xmpp_registration_form_free);
  g_clear_error (&r->error);
  r->done = FALSE;
  r->ok = FALSE;
}

static void
start_register_connector (Fixture    *f,
                          const char *jid_text)
{
  g_autoptr (XmppJid) jid = xmpp_jid_parse (jid_text, NULL);
  XmppConnectorConfig config = {
    .jid = jid,
    .ca_file = scripted_peer_get_ca_file (),
    .timeout_seconds = SCRIPTED_PEER_TIMEOUT_SECONDS,
    .register_only = TRUE,
  };

  g_assert_nonnull (jid);
  scripted_fixture_start_connector (f, &config);
}

static void
script_starttls (ScriptedPeer *peer,
                 const char   *secure_header)
{
  scripted_peer_script_starttls (peer, OPEN_PLAIN, FEATURE_STARTTLS, secure_header);
}

/* Connects in register mode and makes the client on @client_jid. */
static void
connect_as (Fixture    *f,
            const char *client_jid)
{
  g_autoptr (XmppJid) jid = xmpp_jid_parse (client_jid, NULL);

  script_starttls (f->peer, OPEN_SECURE);
  scripted_peer_send_open (f->peer, MECHANISMS FEATURE_REGISTER);

  start_register_connector (f, DOMAIN);
  scripted_peer_run_until (f->peer, &f->done);
  g_assert_no_error (f->error);
  g_assert_nonnull (f->stream);
  scripted_peer_run (f->peer);

  f->client = xmpp_client_new (f->stream, jid);
}

/* The way to create an account: the client's JID is the domain. */
static void
connect_for_registration (Fixture *f)
{
  connect_as (f, DOMAIN);
}

static void
fields_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *r = user_data;

  r->form = xmpp_register_get_fields_finish (XMPP_CLIENT (source), result, &r->error);
  r->done = TRUE;
}

static void
bool_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  if (g_async_result_is_tagged (result, xmpp_register_submit_async))
    r->ok = xmpp_register_submit_finish (XMPP_CLIENT (source), result, &r->error);
  else if (g_async_result_is_tagged (result, xmpp_register_change_password_async))
    r->ok = xmpp_register_change_password_finish (XMPP_CLIENT (source), result, &r->error);
  else
    r->ok = xmpp_register_cancel_finish (XMPP_CLIENT (source), result, &r->error);
  r->done = TRUE;
}

/* Asks for the fields and has the peer answer with @answer. */
static void
get_fields (Fixture    *f,
            const char *answer,
            Result     *r)
{
  xmpp_register_get_fields_async (f->client, NULL, NULL, fields_cb, r);
  scripted_peer_expect (f->peer, EXPECT_GET);
  scripted_peer_send (f->peer, answer);
  scripted_peer_run_until (f->peer, &r->done);
}

static void
assert_no_authentication (Fixture *f)
{
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "auth", XMPP_NS_SASL), ==, 0);
  g_assert_false (scripted_peer_received_contains (f->peer, XMPP_NS_BIND));
}

/* ------------------------------------------------------------------ */

/* The connector stops on the encrypted stream: no SASL, no bind. */
static void
test_register_mode_stops_after_tls (Fixture      *f,
                                    gconstpointer data)
{
  connect_for_registration (f);

  g_assert_true (xmpp_stream_is_tls (f->stream));
  g_assert_null (xmpp_connector_get_bound_jid (f->connector));
  g_assert_null (xmpp_connector_get_mechanism (f->connector));
  g_assert_nonnull (xmpp_node_get_child (xmpp_connector_get_features (f->connector), "register",
                                         XMPP_NS_REGISTER_FEATURE));
  /* Exactly: plain header, <starttls/>, secure header. */
  g_assert_cmpuint (scripted_peer_get_received (f->peer)->len, ==, 3);
  assert_no_authentication (f);
}

/* A user JID is the account-to-be: `from` names it once encrypted. */
static void
test_register_mode_with_user_jid (Fixture      *f,
                                  gconstpointer data)
{
  script_starttls (f->peer, "<stream:stream to='" DOMAIN "' from='" USER "@" DOMAIN "'"
                            " version='1.0' xml:lang='en'/>");
  /* Not announced: XEP-0077 lets the client ask anyway. */
  scripted_peer_send_open (f->peer, MECHANISMS);

  start_register_connector (f, USER "@" DOMAIN);
  scripted_peer_run_until (f->peer, &f->done);
  g_assert_no_error (f->error);
  scripted_peer_run (f->peer);
  assert_no_authentication (f);
}

/* SECURITY.md, CVE-2016-10027 for registration: a server that does not
 * offer STARTTLS (but does offer registration, as bait) gets nothing. */
static void
test_registration_refused_without_tls (Fixture      *f,
                                       gconstpointer data)
{
  scripted_peer_expect_open (f->peer, OPEN_PLAIN);
  scripted_peer_send_open (f->peer, FEATURE_REGISTER MECHANISMS);
  scripted_peer_expect_close (f->peer);
  scripted_peer_expect_eof (f->peer);

  start_register_connector (f, USER "@" DOMAIN);
  scripted_peer_run_until (f->peer, &f->done);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS);
  g_assert_null (f->stream);
  scripted_peer_run (f->peer);

  g_assert_cmpuint (scripted_peer_get_received (f->peer)->len, ==, 1);
  g_assert_false (scripted_peer_received_contains (f->peer, XMPP_NS_REGISTER));
  g_assert_false (scripted_peer_received_contains (f->peer, USER));
}

/* Even on a stream made by hand, requests that carry a password are not
 * sent without TLS. */
static void
test_submit_refused_on_plain_stream (Fixture      *f,
                                     gconstpointer data)
{
  g_autoptr (XmppJid) domain = xmpp_jid_parse (DOMAIN, NULL);
  g_autoptr (XmppNode) query = xmpp_node_build ("query", XMPP_NS_REGISTER,
                                                XMPP_BUILD_CHILD, "username", NULL, XMPP_BUILD_UP,
                                                XMPP_BUILD_CHILD, "password", NULL,
                                                XMPP_BUILD_END);
  g_autoptr (XmppRegistrationForm) form = xmpp_registration_form_parse (query, NULL);
  Result r = { 0 };

  f->stream = xmpp_stream_new (scripted_peer_get_client_stream (f->peer), NULL);
  f->client = xmpp_client_new (f->stream, domain);
  g_assert_true (xmpp_registration_form_set_value (form, "username", USER, NULL));
  g_assert_true (xmpp_registration_form_set_value (form, "password", PASSWORD, NULL));

  xmpp_register_submit_async (f->client, NULL, form, NULL, bool_cb, &r);
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_false (r.ok);
  g_assert_error (r.error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS);
  result_clear (&r);

  xmpp_register_change_password_async (f->client, PASSWORD, NULL, bool_cb, &r);
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_error (r.error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS);
  result_clear (&r);

  g_assert_cmpuint (scripted_peer_get_received (f->peer)->len, ==, 0);
  g_assert_false (scripted_peer_received_contains (f->peer, PASSWORD));
}

/* XEP-0077 §3.1, examples 1–5. */
static void
test_legacy_fields (Fixture      *f,
                    gconstpointer data)
{
  const char *const *names;
  g_auto (GStrv) missing = NULL;
  Result r = { 0 };

  connect_for_registration (f);
  get_fields (f, LEGACY_FIELDS, &r);
  g_assert_no_error (r.error);

  g_assert_false (xmpp_registration_form_is_registered (r.form));
  g_assert_null (xmpp_registration_form_get_data_form (r.form));
  g_assert_true (xmpp_registration_form_can_submit (r.form));
  g_assert_true (g_str_has_prefix (xmpp_registration_form_get_instructions (r.form),
                                   "Choose a username"));
  names = xmpp_registration_form_get_legacy_fields (r.form);
  g_assert_cmpuint (g_strv_length ((char **) names), ==, 3);
  g_assert_cmpstr (names[2], ==, "email");
  missing = xmpp_registration_form_dup_missing (r.form);
  g_assert_cmpuint (g_strv_length (missing), ==, 3);

  g_assert_true (xmpp_registration_form_set_value (r.form, "username", USER, NULL));
  g_assert_true (xmpp_registration_form_set_value (r.form, "password", PASSWORD, NULL));
  g_assert_true (xmpp_registration_form_set_value (r.form, "email", "juliet@capulet.example", NULL));
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (xmpp_registration_form_set_value (r.form, "nick", "J", &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }

  {
    Result s = { 0 };

    xmpp_register_submit_async (f->client, NULL, r.form, NULL, bool_cb, &s);
    scripted_peer_expect (f->peer, "<iq type='set' id='*'><query xmlns=" NS_REG_Q ">"
                                   "<username>" USER "</username>"
                                   "<password>" PASSWORD "</password>"
                                   "<email>juliet@capulet.example</email>"
                                   "</query></iq>");
    scripted_peer_send (f->peer, "<iq type='result' id='$id'/>");
    scripted_peer_run_until (f->peer, &s.done);
    g_assert_no_error (s.error);
    g_assert_true (s.ok);
  }

  assert_no_authentication (f);
  /* The protocol log shows the exchange, never the password. */
  g_assert_true (scripted_fixture_log_contains (f, ">> <iq type='set'"));
  g_assert_false (scripted_fixture_log_contains (f, PASSWORD));
  result_clear (&r);
}

/* XEP-0077 §4 and §6, XEP-0004 §3.3: only the form goes back, with
 * FORM_TYPE and the default of the untouched field, and no legacy field. */
static void
test_data_form_echoes_form_type (Fixture      *f,
                                 gconstpointer data)
{
  XmppForm *form;
  Result    r = { 0 };
  Result    s = { 0 };

  connect_for_registration (f);
  get_fields (f, DATA_FORM, &r);
  g_assert_no_error (r.error);

  form = xmpp_registration_form_get_data_form (r.form);
  g_assert_nonnull (form);
  g_assert_cmpstr (form->title, ==, "Creating a new account");
  g_assert_cmpstr (xmpp_form_get_form_type (form), ==, "jabber:iq:register");
  g_assert_cmpstr (xmpp_registration_form_get_label (r.form, "password"), ==, "Password");
  /* The legacy fields are there for old clients; the form decides. */
  g_assert_false (xmpp_registration_form_has_field (r.form, "email"));
  g_assert_true (xmpp_registration_form_has_field (r.form, "x-plan"));

  g_assert_true (xmpp_registration_form_set_value (r.form, "username", USER, NULL));
  /* Missing the password: refused here, nothing sent. */
  xmpp_register_submit_async (f->client, NULL, r.form, NULL, bool_cb, &s);
  scripted_peer_run_until (f->peer, &s.done);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (s.error->message, ==, "Fill in “Password”");
  result_clear (&s);

  g_assert_true (xmpp_registration_form_set_value (r.form, "password", PASSWORD, NULL));
  xmpp_register_submit_async (f->client, NULL, r.form, NULL, bool_cb, &s);
  scripted_peer_expect (f->peer,
                        "<iq type='set' id='*'><query xmlns=" NS_REG_Q ">"
                        "<x xmlns=" XDATA_Q " type='submit'>"
                        "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>"
                        "<field type='text-single' var='username'><value>" USER "</value></field>"
                        "<field type='text-private' var='password'><value>" PASSWORD "</value></field>"
                        "<field type='list-single' var='x-plan'><value>free</value></field>"
                        "</x></query></iq>");
  scripted_peer_send (f->peer, "<iq type='result' id='$id'/>");
  scripted_peer_run_until (f->peer, &s.done);
  g_assert_no_error (s.error);
  g_assert_true (s.ok);
  assert_no_authentication (f);
  /* The protocol log must not show the password in the form either. */
  g_assert_false (scripted_fixture_log_contains (f, PASSWORD));

  result_clear (&s);
  result_clear (&r);
}

typedef struct
{
  const char     *reply;
  XmppStanzaError code;
  const char     *message;
} ErrorCase;

/* One registration after another on the same stream, each refused. */
static void
test_errors_are_readable (Fixture      *f,
                          gconstpointer data)
{
  static const ErrorCase cases[] = {
    { STANZA_ERROR ("cancel", "conflict", ERROR_TEXT ("The requested username already exists.")),
      XMPP_STANZA_ERROR_CONFLICT, "That user name is taken" },
    { STANZA_ERROR ("modify", "not-acceptable", ERROR_TEXT ("Username: Required value missing")),
      XMPP_STANZA_ERROR_NOT_ACCEPTABLE,
      "The server did not accept the details (Username: Required value missing)" },
    { STANZA_ERROR ("modify", "not-acceptable", ""),
      XMPP_STANZA_ERROR_NOT_ACCEPTABLE, "The server did not accept the details" },
    { STANZA_ERROR ("cancel", "not-allowed", ""),
      XMPP_STANZA_ERROR_NOT_ALLOWED, "The server does not allow creating accounts here" },
    { STANZA_ERROR ("auth", "forbidden", ""),
      XMPP_STANZA_ERROR_FORBIDDEN, "The server does not allow creating accounts here" },
    { STANZA_ERROR ("wait", "resource-constraint", ""),
      XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT, "Too many registrations; try later" },
    { STANZA_ERROR ("cancel", "undefined-condition", ERROR_TEXT ("Disk full")),
      XMPP_STANZA_ERROR_UNDEFINED_CONDITION, "Registration failed: undefined-condition (Disk full)" },
  };
  Result r = { 0 };

  connect_for_registration (f);
  get_fields (f, LEGACY_FIELDS, &r);
  g_assert_no_error (r.error);
  g_assert_true (xmpp_registration_form_set_value (r.form, "username", USER, NULL));
  g_assert_true (xmpp_registration_form_set_value (r.form, "password", PASSWORD, NULL));
  g_assert_true (xmpp_registration_form_set_value (r.form, "email", "j@capulet.example", NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Result s = { 0 };

      xmpp_register_submit_async (f->client, NULL, r.form, NULL, bool_cb, &s);
      scripted_peer_expect (f->peer, "<iq type='set' id='*'><query xmlns=" NS_REG_Q ">"
                                     "<username>" USER "</username><password>" PASSWORD "</password>"
                                     "<email>j@capulet.example</email></query></iq>");
      scripted_peer_send (f->peer, cases[i].reply);
      scripted_peer_run_until (f->peer, &s.done);
      g_assert_false (s.ok);
      g_assert_error (s.error, XMPP_STANZA_ERROR, (gint) cases[i].code);
      g_assert_cmpstr (s.error->message, ==, cases[i].message);
      result_clear (&s);
    }

  g_assert_true (xmpp_client_is_connected (f->client));
  result_clear (&r);
}

static void
test_no_registration_offered (Fixture      *f,
                              gconstpointer data)
{
  Result r = { 0 };

  connect_for_registration (f);
  get_fields (f, STANZA_ERROR ("cancel", "service-unavailable", ""), &r);
  g_assert_null (r.form);
  g_assert_error (r.error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_assert_cmpstr (r.error->message, ==, "The server does not offer account registration");
  result_clear (&r);
}

/* XEP-0077 §5: instructions and a web link, nothing to submit. */
static void
test_web_registration_only (Fixture      *f,
                            gconstpointer data)
{
  Result r = { 0 };
  Result s = { 0 };

  connect_for_registration (f);
  get_fields (f,
              "<iq type='result' id='$id'><query xmlns=" NS_REG_Q ">"
              "<instructions>To register, visit https://" DOMAIN "/register</instructions>"
              "<x xmlns='jabber:x:oob'><url>https://" DOMAIN "/register</url></x>"
              "</query></iq>",
              &r);
  g_assert_no_error (r.error);
  g_assert_false (xmpp_registration_form_can_submit (r.form));
  g_assert_cmpstr (xmpp_registration_form_get_oob_url (r.form), ==, "https://" DOMAIN "/register");

  xmpp_register_submit_async (f->client, NULL, r.form, NULL, bool_cb, &s);
  scripted_peer_run_until (f->peer, &s.done);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  result_clear (&s);
  result_clear (&r);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "iq", NULL), ==, 1);
}

static char *
answer_with_form (const char *form_body)
{
  return g_strdup_printf ("<iq type='result' id='$id'><query xmlns=" NS_REG_Q ">"
                          "<username/><password/>"
                          "<x xmlns=" XDATA_Q " type='form'>%s</x></query></iq>",
                          form_body);
}

/* A form too large to be honest is refused cleanly: an error, no form,
 * and the stream keeps working. */
static void
test_hostile_forms_rejected (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr (GString) many = g_string_new (NULL);
  g_autofree char *huge = g_strnfill (XMPP_FORM_MAX_STRING + 1, 'x');
  g_autofree char *huge_field = NULL;
  g_autofree char *answer = NULL;
  Result           r = { 0 };

  connect_for_registration (f);

  for (guint i = 0; i <= XMPP_FORM_MAX_FIELDS; i++)
    g_string_append_printf (many, "<field var='f%u'/>", i);
  answer = answer_with_form (many->str);
  get_fields (f, answer, &r);
  g_assert_null (r.form);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (r.error->message, "more than 256 fields"));
  result_clear (&r);

  huge_field = g_strdup_printf ("<field var='username'><value>%s</value></field>", huge);
  g_free (answer);
  answer = answer_with_form (huge_field);
  get_fields (f, answer, &r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (r.error->message, "longer than 65536 bytes"));
  result_clear (&r);

  /* A result without the <query/> at all. */
  get_fields (f, "<iq type='result' id='$id'/>", &r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  result_clear (&r);

  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  g_assert_true (xmpp_client_is_connected (f->client));
}

/* §3.1: an entity that is already registered sees what is on file. */
static void
test_already_registered (Fixture      *f,
                         gconstpointer data)
{
  Result r = { 0 };

  connect_for_registration (f);
  get_fields (f,
              "<iq type='result' id='$id'><query xmlns=" NS_REG_Q "><registered/>"
              "<username>" USER "</username><password/></query></iq>",
              &r);
  g_assert_no_error (r.error);
  g_assert_true (xmpp_registration_form_is_registered (r.form));
  g_assert_cmpstr (xmpp_registration_form_get_value (r.form, "username"), ==, USER);
  g_assert_null (xmpp_registration_form_get_value (r.form, "password"));
  result_clear (&r);
}

/* §3.3 and §3.2 on a session: the exact requests and their errors. */
static void
test_change_password_and_cancel (Fixture      *f,
                                 gconstpointer data)
{
  Result r = { 0 };

  /* An encrypted stream (the connector's register branch gives one; the
   * client does not care how it was authenticated) for an account. */
  connect_as (f, USER "@" DOMAIN "/petrel");

  xmpp_register_change_password_async (f->client, "n3w-pass", NULL, bool_cb, &r);
  scripted_peer_expect (f->peer, "<iq type='set' id='*'><query xmlns=" NS_REG_Q ">"
                                 "<username>" USER "</username><password>n3w-pass</password>"
                                 "</query></iq>");
  scripted_peer_send (f->peer, STANZA_ERROR ("modify", "not-authorized", ""));
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_error (r.error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_NOT_AUTHORIZED);
  g_assert_true (g_str_has_prefix (r.error->message, "The server does not consider this connection"));
  result_clear (&r);

  xmpp_register_change_password_async (f->client, "n3w-pass", NULL, bool_cb, &r);
  scripted_peer_expect (f->peer, "<iq type='set' id='*'><query xmlns=" NS_REG_Q ">"
                                 "<username>" USER "</username><password>n3w-pass</password>"
                                 "</query></iq>");
  scripted_peer_send (f->peer, "<iq type='result' id='$id'/>");
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  result_clear (&r);
  g_assert_false (scripted_fixture_log_contains (f, "n3w-pass"));

  xmpp_register_cancel_async (f->client, NULL, bool_cb, &r);
  scripted_peer_expect (f->peer, "<iq type='set' id='*'><query xmlns=" NS_REG_Q "><remove/></query></iq>");
  scripted_peer_send (f->peer, STANZA_ERROR ("cancel", "not-allowed", ""));
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_error (r.error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_NOT_ALLOWED);
  g_assert_cmpstr (r.error->message, ==, "The server does not allow removing accounts here");
  result_clear (&r);

  xmpp_register_cancel_async (f->client, NULL, bool_cb, &r);
  scripted_peer_expect (f->peer, "<iq type='set' id='*'><query xmlns=" NS_REG_Q "><remove/></query></iq>");
  scripted_peer_send (f->peer, "<iq type='result' id='$id'/>");
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  result_clear (&r);
}

/* SECURITY.md: a reply for the registration from another entity is not
 * taken as the server's answer. */
static void
test_answer_from_stranger_is_ignored (Fixture      *f,
                                      gconstpointer data)
{
  g_autofree char *id = NULL;
  g_autofree char *answer = NULL;
  Result           r = { 0 };

  connect_for_registration (f);
  xmpp_register_get_fields_async (f->client, NULL, NULL, fields_cb, &r);
  scripted_peer_expect (f->peer, EXPECT_GET);
  scripted_peer_run (f->peer);
  id = g_strdup (scripted_peer_get_last_id (f->peer));

  scripted_peer_send (f->peer, "<iq type='result' id='$id' from='mallory@evil.example'>"
                               "<query xmlns=" NS_REG_Q "><instructions>Go to evil</instructions>"
                               "<x xmlns='jabber:x:oob'><url>https://evil.example/</url></x>"
                               "</query></iq>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  g_assert_false (r.done);

  answer = g_strdup_printf ("<iq type='result' id='%s' from='" DOMAIN "'><query xmlns=" NS_REG_Q ">"
                            "<username/><password/></query></iq>",
                            id);
  scripted_peer_send (f->peer, answer);
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_no_error (r.error);
  g_assert_null (xmpp_registration_form_get_oob_url (r.form));
  result_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name) \
  g_test_add ("/register/" #name, Fixture, NULL, scripted_fixture_set_up, test_##name, scripted_fixture_tear_down)

  ADD (register_mode_stops_after_tls);
  ADD (register_mode_with_user_jid);
  ADD (registration_refused_without_tls);
  ADD (submit_refused_on_plain_stream);
  ADD (legacy_fields);
  ADD (data_form_echoes_form_type);
  ADD (errors_are_readable);
  ADD (no_registration_offered);
  ADD (web_registration_only);
  ADD (hostile_forms_rejected);
  ADD (already_registered);
  ADD (change_password_and_cancel);
  ADD (answer_from_stranger_is_ignored);

#undef ADD

  return g_test_run ();
}
