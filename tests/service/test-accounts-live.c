/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelAccounts against a real Prosody (tests/integration/
 * prosody_fixture.py, started through a few lines of Python that print
 * the port and CA and hold the server until stdin closes).  Two desktop
 * profiles, alice and bob, in one process: subscriptions both ways,
 * presence with show and status, a chat state, a message from the
 * composer to the other side's conversation list, sign-in with the
 * password in the profile file (no keyring here), a wrong password, and
 * in-band registration.  Skips (77) without prosody.
 */
#include <gio/gio.h>
#include <string.h>

#include "petrel-accounts-private.h"
#include "store-test.h"
#include "xmpp-error.h"
#include "xmpp-sasl.h"

#define SKIP_CODE 77

static const char fixture_script[] =
  "import os, sys\n"
  "sys.path.insert(0, os.environ['PETREL_FIXTURE_DIR'])\n"
  "import prosody_fixture as f\n"
  "if not f.prosody_available():\n"
  "    print('SKIP', flush=True)\n"
  "    sys.exit(0)\n"
  "users = {'alice': 'alice-pw', 'bob': 'bob-pw', 'carol': 'carol-pw', 'erin': 'erin-pw'}\n"
  "with f.ProsodyServer(users=users, registration=True, web=True, **f.DELIVERY_OPTIONS) as s:\n"
  "    print('PORT %d' % s.c2s_port)\n"
  "    print('WS %s' % s.websocket_url())\n"
  "    print('CA %s' % s.ca_file)\n"
  "    print('READY', flush=True)\n"
  "    sys.stdin.read()\n";

typedef struct
{
  GSubprocess *process;
  guint16 port;
  char *ca_file;
  char *websocket_url;
  char *dir;
} Server;

static Server server;

static gboolean
start_server (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  const char *python = g_getenv ("PETREL_PYTHON");

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  server.process = g_subprocess_launcher_spawn (launcher, &error, python ? python : "/usr/bin/python3",
                                                "-u", "-c", fixture_script, NULL);
  g_assert_no_error (error);

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server.process));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (output, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_equal (line, "SKIP"))
        return FALSE;
      if (g_str_has_prefix (line, "PORT "))
        server.port = (guint16) g_ascii_strtoull (line + 5, NULL, 10);
      else if (g_str_has_prefix (line, "WS "))
        server.websocket_url = g_strdup (line + 3);
      else if (g_str_has_prefix (line, "CA "))
        server.ca_file = g_strdup (line + 3);
      else if (g_str_equal (line, "READY"))
        break;
    }

  g_assert_cmpuint (server.port, >, 0);
  g_assert_nonnull (server.ca_file);
  return TRUE;
}

static void
stop_server (void)
{
  /* The fixture stops Prosody and removes its folder when stdin closes. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (server.process), NULL, NULL);
  g_subprocess_wait (server.process, NULL, NULL);
  g_clear_object (&server.process);
  g_clear_pointer (&server.ca_file, g_free);
  g_clear_pointer (&server.websocket_url, g_free);
}

/* Helpers */

static void
wait_until (gboolean (*done) (gpointer),
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static gboolean
result_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
account_online (gpointer data)
{
  return petrel_account_get_state (data) == PETREL_ACCOUNT_ONLINE;
}

static char *
jid_of (const char *user)
{
  return g_strdup_printf ("%s@localhost", user);
}

static PetrelAccounts *
open_profile (const char *user,
              const char *password)
{
  g_autofree char *profile = g_build_filename (server.dir, user, NULL);
  g_autofree char *jid = jid_of (user);
  g_autoptr(PetrelAccountStore) store = NULL;
  g_autoptr(GError) error = NULL;
  PetrelAccounts *accounts;
  PetrelAccountRecord record = {
    .jid = jid,
    .password = (char *) password,
    .host = (char *) "127.0.0.1",
    .port = server.port,
    .ca_file = server.ca_file,
  };

  if (password != NULL)
    {
      store = petrel_account_store_open (profile, &error);
      g_assert_no_error (error);
      g_assert_true (petrel_account_store_add (store, &record, &error));
      g_assert_no_error (error);
    }

  accounts = petrel_accounts_new (profile, &error);
  g_assert_no_error (error);
  return accounts;
}

static void
stop_accounts (PetrelAccounts *accounts)
{
  g_autoptr(GAsyncResult) result = NULL;

  petrel_accounts_stop_async (accounts, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_accounts_stop_finish (accounts, result, NULL));
  g_clear_object (&result);
  g_assert_finalize_object (accounts);
}

/* The two-user scenario */

typedef struct
{
  PetrelAccounts *accounts;
  const char *jid;
  GPtrArray *requests;      /* bare JIDs that asked to subscribe */
  GPtrArray *chat_states;   /* "from:state" */
  GPtrArray *received;      /* PetrelMessage */
} Peer;

static void
subscription_request_cb (PetrelAccounts *accounts,
                         const char     *account,
                         const char     *jid,
                         gpointer        user_data)
{
  Peer *peer = user_data;

  g_assert_cmpstr (account, ==, peer->jid);
  g_ptr_array_add (peer->requests, g_strdup (jid));
}

static void
chat_state_cb (PetrelAccounts *accounts,
               const char     *account,
               const char     *from,
               const char     *state,
               gpointer        user_data)
{
  Peer *peer = user_data;

  g_ptr_array_add (peer->chat_states, g_strdup_printf ("%s:%s", from, state));
}

static void
message_received_cb (PetrelAccounts     *accounts,
                     PetrelConversation *conversation,
                     PetrelMessage      *message,
                     gpointer            user_data)
{
  Peer *peer = user_data;

  g_ptr_array_add (peer->received, g_object_ref (message));
}

static void
peer_init (Peer       *peer,
           const char *user,
           const char *password)
{
  g_autofree char *jid = jid_of (user);

  peer->jid = g_intern_string (jid);
  peer->accounts = open_profile (user, password);
  peer->requests = g_ptr_array_new_with_free_func (g_free);
  peer->chat_states = g_ptr_array_new_with_free_func (g_free);
  peer->received = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (peer->accounts, "subscription-request", G_CALLBACK (subscription_request_cb), peer);
  g_signal_connect (peer->accounts, "chat-state", G_CALLBACK (chat_state_cb), peer);
  g_signal_connect (peer->accounts, "message-received", G_CALLBACK (message_received_cb), peer);
}

static void
peer_clear (Peer *peer)
{
  g_signal_handlers_disconnect_by_data (peer->accounts, peer);
  stop_accounts (g_steal_pointer (&peer->accounts));
  g_ptr_array_unref (peer->requests);
  g_ptr_array_unref (peer->chat_states);
  g_ptr_array_unref (peer->received);
}

typedef struct
{
  Peer *peer;
  const char *contact;
  const char *subscription;
  PetrelPresenceShow show;
  const char *status;
} Expect;

static PetrelContact *
contact_of (Peer       *peer,
            const char *jid)
{
  PetrelContactList *contacts = petrel_accounts_get_contacts (peer->accounts, peer->jid);

  return contacts != NULL ? petrel_contact_list_lookup (contacts, jid) : NULL;
}

static gboolean
has_request_from (gpointer data)
{
  Expect *e = data;

  for (guint i = 0; i < e->peer->requests->len; i++)
    if (g_str_equal (g_ptr_array_index (e->peer->requests, i), e->contact))
      return TRUE;
  return FALSE;
}

static gboolean
contact_subscribed (gpointer data)
{
  Expect *e = data;
  PetrelContact *contact = contact_of (e->peer, e->contact);

  return contact != NULL && g_strcmp0 (petrel_contact_get_subscription (contact), e->subscription) == 0;
}

static gboolean
contact_shows (gpointer data)
{
  Expect *e = data;
  PetrelContact *contact = contact_of (e->peer, e->contact);

  return contact != NULL && petrel_contact_get_show (contact) == e->show &&
         g_strcmp0 (petrel_contact_get_status (contact), e->status) == 0;
}

static gboolean
has_chat_state (gpointer data)
{
  Expect *e = data;
  g_autofree char *wanted = g_strdup_printf ("%s:%s", e->contact, e->status);

  for (guint i = 0; i < e->peer->chat_states->len; i++)
    if (g_str_equal (g_ptr_array_index (e->peer->chat_states, i), wanted))
      return TRUE;
  return FALSE;
}

static gboolean
has_received (gpointer data)
{
  return ((Peer *) data)->received->len > 0;
}

static gboolean
message_delivered (gpointer data)
{
  const char *state = petrel_message_get_state (data);

  return g_str_equal (state, "delivered") || g_str_equal (state, "displayed");
}

static void
add_contact (Peer       *peer,
             const char *jid,
             const char *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  petrel_accounts_add_contact_async (peer->accounts, peer->jid, jid, name, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_accounts_add_contact_finish (peer->accounts, result, &error));
  g_assert_no_error (error);
}

/* What a session sent, for the exact markers. */
static void
log_cb (gboolean    incoming,
        const char *text,
        gpointer    user_data)
{
  if (!incoming)
    g_ptr_array_add (user_data, g_strdup (text));
}

static guint
count_sent (GPtrArray  *log,
            const char *needle)
{
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    for (const char *p = g_ptr_array_index (log, i); (p = strstr (p, needle)) != NULL; p++)
      n++;

  return n;
}

typedef struct
{
  GPtrArray *log;
  const char *needle;
  guint count;
} Sent;

static gboolean
sent_count_reached (gpointer data)
{
  Sent *sent = data;

  return count_sent (sent->log, sent->needle) >= sent->count;
}

static gboolean
message_displayed (gpointer data)
{
  return g_str_equal (petrel_message_get_state (data), "displayed");
}

static gboolean
has_received_two (gpointer data)
{
  return ((Peer *) data)->received->len >= 2;
}

/* Everything sent before has reached the server and come back: a ping
 * round trip (RFC 6120 §10.1). */
static void
round_trip (Peer *peer)
{
  g_autoptr(GAsyncResult) result = NULL;
  AccountEntry *entry = petrel_accounts_lookup_entry (peer->accounts, peer->jid);

  petrel_session_confirm_async (entry->session, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_session_confirm_finish (entry->session, result, NULL));
}

static void
test_two_users (void)
{
  Peer alice = { 0 }, bob = { 0 };
  Expect e = { 0 };
  g_autoptr(PetrelMessageList) alice_list = NULL;
  g_autoptr(PetrelMessageList) bob_list = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PetrelMessage) sent = NULL;
  g_autoptr(PetrelMessage) second = NULL;
  g_autoptr(GPtrArray) bob_log = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *displayed = NULL;
  g_autofree char *displayed_second = NULL;
  PetrelConversation *conversation;
  PetrelMessage *received;
  Sent wanted = { 0 };
  guint n;

  peer_init (&alice, "alice", "alice-pw");
  peer_init (&bob, "bob", "bob-pw");
  petrel_session_set_log_func (petrel_accounts_lookup_entry (bob.accounts, bob.jid)->session, log_cb, bob_log);
  petrel_accounts_start (alice.accounts);
  petrel_accounts_start (bob.accounts);
  wait_until (account_online, petrel_accounts_lookup (alice.accounts, alice.jid));
  wait_until (account_online, petrel_accounts_lookup (bob.accounts, bob.jid));

  /* Alice adds Bob; Bob accepts and asks back; Alice accepts. */
  add_contact (&alice, bob.jid, "Bob");
  e = (Expect) { &bob, alice.jid };
  wait_until (has_request_from, &e);
  petrel_accounts_answer_subscription (bob.accounts, bob.jid, alice.jid, TRUE);
  e = (Expect) { &alice, bob.jid };
  wait_until (has_request_from, &e);
  petrel_accounts_answer_subscription (alice.accounts, alice.jid, bob.jid, TRUE);

  e = (Expect) { &alice, bob.jid, "both" };
  wait_until (contact_subscribed, &e);
  g_assert_cmpstr (petrel_contact_get_name (contact_of (&alice, bob.jid)), ==, "Bob");
  e = (Expect) { &bob, alice.jid, "both" };
  wait_until (contact_subscribed, &e);

  /* Presence: available, then away with a status. */
  e = (Expect) { &alice, bob.jid, NULL, PETREL_PRESENCE_ONLINE, NULL };
  wait_until (contact_shows, &e);
  petrel_accounts_set_presence (bob.accounts, PETREL_PRESENCE_AWAY, "at lunch");
  e = (Expect) { &alice, bob.jid, NULL, PETREL_PRESENCE_AWAY, "at lunch" };
  wait_until (contact_shows, &e);

  /* A chat state reaches the peer. */
  petrel_accounts_send_chat_state (alice.accounts, alice.jid, bob.jid, "composing");
  e = (Expect) { &bob, alice.jid, NULL, 0, "composing" };
  wait_until (has_chat_state, &e);

  /* A message: pending at once in Alice's list, delivered (Bob's client
   * stored it and sent the receipt), unread in Bob's list. */
  alice_list = petrel_accounts_open_conversation (alice.accounts, alice.jid, bob.jid);
  g_assert_nonnull (alice_list);
  n = g_list_model_get_n_items (G_LIST_MODEL (alice_list));
  g_assert_true (petrel_accounts_send_message (alice.accounts, alice.jid, bob.jid, "hello bob", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (alice_list)), ==, n + 1);
  sent = g_list_model_get_item (G_LIST_MODEL (alice_list), n);
  g_assert_cmpstr (petrel_message_get_state (sent), ==, "pending");
  wait_until (message_delivered, sent);
  outbox = petrel_db_outbox_list (alice.accounts->db,
                                  petrel_accounts_lookup_entry (alice.accounts, alice.jid)->account_id, NULL);
  g_assert_cmpuint (outbox->len, ==, 0);

  wait_until (has_received, &bob);
  received = g_ptr_array_index (bob.received, 0);
  g_assert_cmpstr (petrel_message_get_body (received), ==, "hello bob");
  g_assert_false (petrel_message_get_outgoing (received));
  conversation = petrel_conversation_list_lookup (petrel_accounts_get_conversations (bob.accounts),
                                                  bob.jid, alice.jid);
  g_assert_nonnull (conversation);
  g_assert_cmpuint (petrel_conversation_get_unread (conversation), ==, 1);
  g_assert_cmpstr (petrel_conversation_get_last_message_preview (conversation), ==, "hello bob");

  bob_list = petrel_accounts_open_conversation (bob.accounts, bob.jid, alice.jid);
  g_assert_cmpuint (petrel_conversation_get_unread (conversation), ==, 0);
  n = g_list_model_get_n_items (G_LIST_MODEL (bob_list));
  g_assert_cmpuint (n, >=, 1);
  {
    g_autoptr(PetrelMessage) last = g_list_model_get_item (G_LIST_MODEL (bob_list), n - 1);

    g_assert_cmpstr (petrel_message_get_body (last), ==, "hello bob");
  }

  /* Shown in the focused window: one <displayed/> for the message, which
   * reaches Alice's list as its state. */
  displayed = g_strdup_printf ("<displayed xmlns='urn:xmpp:chat-markers:0' id='%s'/>",
                               petrel_message_get_origin_id (sent));
  wanted = (Sent) { bob_log, displayed, 1 };
  wait_until (sent_count_reached, &wanted);
  for (guint i = 0; i < bob_log->len; i++)
    {
      const char *text = g_ptr_array_index (bob_log, i);

      if (strstr (text, displayed) != NULL)
        {
          g_autofree char *tail = g_strdup_printf ("type='chat'>%s<store xmlns='urn:xmpp:hints'/></message>", displayed);

          g_test_message ("marker: %s", text);
          g_assert_true (g_str_has_prefix (text, "<message "));
          g_assert_nonnull (strstr (text, " to='alice@localhost'"));
          g_assert_true (g_str_has_suffix (text, tail));
        }
    }
  wait_until (message_displayed, sent);

  /* Read again, focus lost and back: nothing more to mark. */
  petrel_accounts_mark_read (bob.accounts, bob.jid, alice.jid);
  petrel_accounts_set_focused (bob.accounts, FALSE);
  petrel_accounts_set_focused (bob.accounts, TRUE);
  g_clear_object (&bob_list);
  bob_list = petrel_accounts_open_conversation (bob.accounts, bob.jid, alice.jid);
  round_trip (&bob);
  g_assert_cmpuint (count_sent (bob_log, "<displayed "), ==, 1);

  /* While Bob's window has no focus, a new message stays unread and
   * unmarked; the focus back marks it, and only it. */
  petrel_accounts_set_focused (bob.accounts, FALSE);
  g_assert_true (petrel_accounts_send_message (alice.accounts, alice.jid, bob.jid, "still there?", &error));
  g_assert_no_error (error);
  second = g_list_model_get_item (G_LIST_MODEL (alice_list), g_list_model_get_n_items (G_LIST_MODEL (alice_list)) - 1);
  g_assert_cmpstr (petrel_message_get_body (second), ==, "still there?");
  wait_until (has_received_two, &bob);
  round_trip (&bob);
  g_assert_cmpuint (petrel_conversation_get_unread (conversation), ==, 1);
  g_assert_cmpuint (count_sent (bob_log, "<displayed "), ==, 1);

  petrel_accounts_set_focused (bob.accounts, TRUE);
  g_assert_cmpuint (petrel_conversation_get_unread (conversation), ==, 0);
  displayed_second = g_strdup_printf ("<displayed xmlns='urn:xmpp:chat-markers:0' id='%s'/>",
                                      petrel_message_get_origin_id (second));
  wanted = (Sent) { bob_log, displayed_second, 1 };
  wait_until (sent_count_reached, &wanted);
  wait_until (message_displayed, second);
  round_trip (&bob);
  g_assert_cmpuint (count_sent (bob_log, "<displayed "), ==, 2);
  g_assert_cmpuint (count_sent (bob_log, displayed), ==, 1);

  g_clear_object (&alice_list);
  g_clear_object (&bob_list);
  peer_clear (&alice);
  peer_clear (&bob);
}

/* Signing in */

static PetrelAccount *
sign_in (PetrelAccounts *accounts,
         const char     *user,
         const char     *password,
         gboolean        create,
         GError        **error)
{
  g_autofree char *jid = jid_of (user);
  g_autoptr(GAsyncResult) result = NULL;
  PetrelAccountSettings settings = {
    .jid = jid,
    .password = password,
    .host = "127.0.0.1",
    .port = server.port,
    .ca_file = server.ca_file,
    .allow_file_password = TRUE,
  };

  petrel_accounts_sign_in_async (accounts, &settings, create, NULL, result_cb, &result);
  wait_until (result_set, &result);
  return petrel_accounts_sign_in_finish (accounts, result, error);
}

static void
test_sign_in (void)
{
  PetrelAccounts *accounts = open_profile ("signin", NULL);
  g_autofree char *path = g_build_filename (server.dir, "signin", "accounts.ini", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  PetrelAccount *account;

  /* A wrong password: the server's answer, and nothing kept. */
  account = sign_in (accounts, "carol", "not-her-password", FALSE, &error);
  g_assert_null (account);
  g_assert_error (error, XMPP_SASL_ERROR, error->code);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (petrel_accounts_get_accounts (accounts)), ==, 0);

  account = sign_in (accounts, "carol", "carol-pw", FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_ONLINE);
  g_assert_cmpuint (g_list_model_get_n_items (petrel_accounts_get_accounts (accounts)), ==, 1);
  /* No keyring here, and the caller allowed the file. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "[carol@localhost]"));
  g_assert_nonnull (strstr (contents, "password=carol-pw"));
  g_assert_null (strstr (contents, "password-in-keyring"));

  /* A new account, registered in band. */
  account = sign_in (accounts, "dave", "dave-pw", TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_ONLINE);

  /* Taken: the server says so, readably. */
  account = sign_in (accounts, "bob", "whatever", TRUE, &error);
  g_assert_null (account);
  g_assert_nonnull (error);
  g_test_message ("registering a taken name: %s", error->message);
  g_clear_error (&error);

  stop_accounts (accounts);
}

/* The assistant's transport choice: the first connection already goes
 * over the WebSocket (the TCP port given is closed, so TCP cannot have
 * been used), and the account keeps the choice. */
static void
test_sign_in_websocket (void)
{
  PetrelAccounts *accounts = open_profile ("signin-ws", NULL);
  g_autofree char *path = g_build_filename (server.dir, "signin-ws", "accounts.ini", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected_url = NULL;
  g_autofree char *jid = jid_of ("erin");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PetrelAccountSettings settings = {
    .jid = jid,
    .password = "erin-pw",
    .host = "127.0.0.1",
    .port = 1,
    .ca_file = server.ca_file,
    .allow_file_password = TRUE,
    .transport = "websocket",
    .websocket_url = server.websocket_url,
  };
  PetrelAccount *account;

  g_assert_nonnull (server.websocket_url);
  petrel_accounts_sign_in_async (accounts, &settings, FALSE, NULL, result_cb, &result);
  wait_until (result_set, &result);
  account = petrel_accounts_sign_in_finish (accounts, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_ONLINE);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "transport=websocket"));
  expected_url = g_strdup_printf ("websocket-url=%s", server.websocket_url);
  g_assert_nonnull (strstr (contents, expected_url));

  /* The finished attempt holds the accounts object as its source. */
  g_clear_object (&result);
  stop_accounts (accounts);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime = NULL;
  int status;

  /* No keyring: passwords stay in the profile files of the temp dir. */
  runtime = g_dir_make_tmp ("petrel-runtime-XXXXXX", NULL);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/petrel-test-bus", TRUE);
  g_setenv ("GIO_USE_NETWORK_MONITOR", "base", TRUE);

  g_test_init (&argc, &argv, NULL);

  if (!start_server ())
    {
      g_print ("1..0 # SKIP prosody is not installed\n");
      return SKIP_CODE;
    }
  server.dir = store_test_make_dir ();

  g_test_add_func ("/accounts-live/two-users", test_two_users);
  g_test_add_func ("/accounts-live/sign-in", test_sign_in);
  g_test_add_func ("/accounts-live/sign-in-websocket", test_sign_in_websocket);
  status = g_test_run ();

  stop_server ();
  store_test_remove_dir (server.dir);
  g_free (server.dir);
  store_test_remove_dir (runtime);

  return status;
}
