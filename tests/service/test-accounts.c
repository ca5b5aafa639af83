/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for PetrelAccounts over a temporary profile, without a network:
 * the model as read from a pre-filled store, paging, sending (outbox row
 * and a pending message in the open list), unread counting, and what the
 * session's signals do to the model (emitted here by hand, as the
 * protocol code would).  No Secret Service is reachable in this process
 * (the session bus address points nowhere), so the keyring paths are the
 * "not available" ones.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "counting-listener.h"
#include "petrel-accounts-private.h"
#include "petrel-secrets.h"
#include "store-test.h"
#include "xmpp-error.h"
#include "xmpp-jid.h"

#define ROMEO "romeo@montague.lit"
#define JULIET "juliet@capulet.lit"
#define MERCUTIO "mercutio@montague.lit"
#define BENVOLIO "benvolio@montague.lit"
#define NURSE "nurse@capulet.lit"
#define TYBALT "tybalt@capulet.lit"
#define T0 (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC)
#define SECOND G_USEC_PER_SEC

typedef struct
{
  char *dir;
  guint16 closed_port;
  PetrelAccounts *accounts;
  AccountEntry *entry;
  gint64 account_id;
} Fixture;

static guint16
find_closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  /* Closed again when the socket goes: nobody listens there. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
wait_until (gboolean (*done) (gpointer),
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static gint64
insert (PetrelDb          *db,
        gint64             conversation_id,
        PetrelDbDirection  direction,
        const char        *sender,
        const char        *origin_id,
        gint64             time,
        const char        *body)
{
  PetrelDbMessage message = store_test_message (conversation_id, direction, sender, origin_id, NULL, time, body);

  message.stanza_id_by = NULL;
  return store_test_insert (db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
}

static void
add_record (const char *dir,
            const char *jid,
            const char *password,
            gboolean    in_keyring,
            guint16     port)
{
  g_autoptr(PetrelAccountStore) store = NULL;
  g_autoptr(GError) error = NULL;
  PetrelAccountRecord record = {
    .jid = (char *) jid,
    .password = (char *) password,
    .host = (char *) "127.0.0.1",
    .port = port,
    .password_in_keyring = in_keyring,
  };

  store = petrel_account_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (petrel_account_store_add (store, &record, &error));
  g_assert_no_error (error);
}

/*
 * The profile: ROMEO with
 *   juliet   70 messages, the last two incoming and unread, newest of all
 *   mercutio 1 incoming, unread, older
 *   benvolio a conversation without messages (left out of the list)
 *   a room   a group chat (left out until MUC support)
 * and a roster of juliet (both, named) and the nurse (from).
 */
static void
fill_store (Fixture *fixture)
{
  g_autoptr(PetrelDb) db = NULL;
  g_autoptr(GPtrArray) roster = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_roster_item_free);
  g_autoptr(GError) error = NULL;
  PetrelDbRosterItem *item;
  gint64 account_id, juliet, mercutio, benvolio, room;

  db = petrel_db_open_profile (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_true (petrel_db_account_ensure (db, ROMEO, &account_id, &error));
  g_assert_true (petrel_db_conversation_ensure (db, account_id, JULIET, PETREL_DB_CONVERSATION_CHAT, &juliet, &error));
  g_assert_true (petrel_db_conversation_ensure (db, account_id, MERCUTIO, PETREL_DB_CONVERSATION_CHAT, &mercutio, &error));
  g_assert_true (petrel_db_conversation_ensure (db, account_id, BENVOLIO, PETREL_DB_CONVERSATION_CHAT, &benvolio, &error));
  g_assert_true (petrel_db_conversation_ensure (db, account_id, "ball@rooms.capulet.lit",
                                                PETREL_DB_CONVERSATION_GROUPCHAT, &room, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 68; i++)
    {
      g_autofree char *id = g_strdup_printf ("j%u", i);
      g_autofree char *body = g_strdup_printf ("line %u", i);
      gboolean out = i % 2 == 1;

      insert (db, juliet, out ? PETREL_DB_DIRECTION_OUTGOING : PETREL_DB_DIRECTION_INCOMING,
              out ? ROMEO : JULIET "/balcony", id, T0 + i * SECOND, body);
    }
  g_assert_true (petrel_db_conversation_mark_read (db, juliet, &error));
  insert (db, juliet, PETREL_DB_DIRECTION_INCOMING, JULIET "/balcony", "j68", T0 + 68 * SECOND, "line 68");
  insert (db, juliet, PETREL_DB_DIRECTION_INCOMING, JULIET "/balcony", "j69", T0 + 69 * SECOND, "wherefore");
  insert (db, mercutio, PETREL_DB_DIRECTION_INCOMING, MERCUTIO "/street", "m0", T0 - 100 * SECOND, "Queen Mab");
  insert (db, room, PETREL_DB_DIRECTION_INCOMING, "ball@rooms.capulet.lit/capulet", "r0", T0 + 1000 * SECOND, "dance");

  item = g_new0 (PetrelDbRosterItem, 1);
  item->jid = g_strdup (JULIET);
  item->name = g_strdup ("Juliet");
  item->subscription = PETREL_DB_SUBSCRIPTION_BOTH;
  g_ptr_array_add (roster, item);
  item = g_new0 (PetrelDbRosterItem, 1);
  item->jid = g_strdup (NURSE);
  item->subscription = PETREL_DB_SUBSCRIPTION_FROM;
  g_ptr_array_add (roster, item);
  g_assert_true (petrel_db_roster_replace (db, account_id, "v1", roster, &error));
  g_assert_no_error (error);
}

static void
open_accounts (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->accounts = petrel_accounts_new (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->accounts);
  fixture->entry = petrel_accounts_lookup_entry (fixture->accounts, ROMEO);
  if (fixture->entry != NULL)
    fixture->account_id = fixture->entry->account_id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = store_test_make_dir ();
  fixture->closed_port = find_closed_port ();
  add_record (fixture->dir, ROMEO, "pw", FALSE, fixture->closed_port);
  fill_store (fixture);
  open_accounts (fixture);
  g_assert_nonnull (fixture->entry);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->accounts != NULL)
    g_assert_finalize_object (fixture->accounts);
  store_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static char *
order_of (GListModel *model)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PetrelConversation) conversation = g_list_model_get_item (model, i);

      g_string_append_printf (out, "%s%s:%u", i > 0 ? " " : "", petrel_conversation_get_peer (conversation),
                              petrel_conversation_get_unread (conversation));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define assert_conversations(fixture, expected) \
  G_STMT_START { \
    g_autofree char *_order = order_of (G_LIST_MODEL (petrel_accounts_get_conversations ((fixture)->accounts))); \
    g_assert_cmpstr (_order, ==, (expected)); \
  } G_STMT_END

static PetrelMessage *
last_item (PetrelMessageList *list)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  PetrelMessage *message;

  g_assert_cmpuint (n, >, 0);
  message = g_list_model_get_item (G_LIST_MODEL (list), n - 1);
  g_object_unref (message);

  return message;
}

static guint
db_unread (Fixture    *fixture,
           const char *peer)
{
  g_autoptr(PetrelDbConversation) conversation = NULL;
  gint64 id = 0;

  g_assert_true (petrel_db_conversation_ensure (fixture->accounts->db, fixture->account_id, peer,
                                                PETREL_DB_CONVERSATION_CHAT, &id, NULL));
  conversation = petrel_db_conversation_get (fixture->accounts->db, id, NULL);
  g_assert_nonnull (conversation);

  return conversation != NULL ? conversation->unread : G_MAXUINT;
}

/* What the session does for an incoming message: store it, then say so. */
static void
deliver (Fixture    *fixture,
         const char *from,
         const char *origin_id,
         gint64      time,
         const char *body)
{
  g_autoptr(XmppJid) jid = xmpp_jid_parse (from, NULL);
  g_autoptr(PetrelMessage) message = NULL;
  g_autoptr(GDateTime) stamp = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  gint64 conversation_id = 0;

  g_assert_true (petrel_db_conversation_ensure (fixture->accounts->db, fixture->account_id,
                                                xmpp_jid_get_bare_string (jid), PETREL_DB_CONVERSATION_CHAT,
                                                &conversation_id, NULL));
  insert (fixture->accounts->db, conversation_id, PETREL_DB_DIRECTION_INCOMING, from, origin_id, time, body);

  message = g_object_new (PETREL_TYPE_MESSAGE,
                          "account", ROMEO,
                          "from", from,
                          "to", ROMEO,
                          "id", origin_id,
                          "origin-id", origin_id,
                          "outgoing", FALSE,
                          "state", "delivered",
                          "body", body,
                          "time", stamp,
                          NULL);
  g_signal_emit_by_name (fixture->entry->session, "message", message);
}

/* The model as read from the store */

static void
test_conversations_from_store (Fixture       *fixture,
                               gconstpointer  data)
{
  PetrelConversationList *conversations = petrel_accounts_get_conversations (fixture->accounts);
  PetrelConversation *juliet;

  /* Newest first; benvolio (no messages) and the room are not shown. */
  assert_conversations (fixture, JULIET ":2 " MERCUTIO ":1");
  g_assert_cmpuint (petrel_conversation_list_get_total_unread (conversations), ==, 3);

  juliet = petrel_conversation_list_lookup (conversations, ROMEO, JULIET);
  g_assert_nonnull (juliet);
  g_assert_cmpstr (petrel_conversation_get_last_message_preview (juliet), ==, "wherefore");
  g_assert_cmpint (petrel_conversation_get_last_activity (juliet), ==, T0 + 69 * SECOND);
  /* The roster's name. */
  g_assert_cmpstr (petrel_conversation_get_display_name (juliet), ==, "Juliet");
}

static void
test_accounts_and_contacts_from_store (Fixture       *fixture,
                                       gconstpointer  data)
{
  GListModel *accounts = petrel_accounts_get_accounts (fixture->accounts);
  g_autoptr(PetrelAccount) account = g_list_model_get_item (accounts, 0);
  PetrelContactList *contacts;
  PetrelContact *juliet;

  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 1);
  g_assert_cmpstr (petrel_account_get_jid (account), ==, ROMEO);
  g_assert_true (petrel_accounts_lookup (fixture->accounts, ROMEO) == account);
  /* Lookups normalise. */
  g_assert_true (petrel_accounts_lookup (fixture->accounts, "Romeo@Montague.lit/phone") == account);
  g_assert_null (petrel_accounts_lookup (fixture->accounts, TYBALT));
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_OFFLINE);

  contacts = petrel_accounts_get_contacts (fixture->accounts, ROMEO);
  g_assert_nonnull (contacts);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (contacts)), ==, 2);
  juliet = petrel_contact_list_lookup (contacts, JULIET);
  g_assert_nonnull (juliet);
  g_assert_cmpstr (petrel_contact_get_subscription (juliet), ==, "both");
  g_assert_null (petrel_accounts_get_contacts (fixture->accounts, TYBALT));
}

/* Conversations */

static void
test_open_conversation_pages_and_reads (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(GError) error = NULL;
  PetrelConversation *current;

  list = petrel_accounts_open_conversation (fixture->accounts, ROMEO, JULIET "/balcony");
  g_assert_nonnull (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 50);
  g_assert_true (petrel_message_list_get_has_older (list));
  g_assert_cmpstr (petrel_message_get_body (last_item (list)), ==, "wherefore");

  g_assert_true (petrel_message_list_load_older (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 70);
  g_assert_false (petrel_message_list_get_has_older (list));

  /* Opening reads it, in the model and in the store. */
  assert_conversations (fixture, JULIET ":0 " MERCUTIO ":1");
  g_assert_cmpuint (db_unread (fixture, JULIET), ==, 0);
  current = petrel_accounts_get_current_conversation (fixture->accounts);
  g_assert_nonnull (current);
  g_assert_cmpstr (petrel_conversation_get_peer (current), ==, JULIET);

  /* A dropped list is no current conversation any more. */
  g_clear_object (&list);
  g_assert_null (petrel_accounts_get_current_conversation (fixture->accounts));

  g_assert_null (petrel_accounts_open_conversation (fixture->accounts, TYBALT, JULIET));
  g_assert_null (petrel_accounts_open_conversation (fixture->accounts, ROMEO, "not a jid@"));
}

static void
test_open_new_conversation (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;

  /* The empty one shows while it is open, at the end. */
  list = petrel_accounts_open_conversation (fixture->accounts, ROMEO, BENVOLIO);
  g_assert_nonnull (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  assert_conversations (fixture, JULIET ":2 " MERCUTIO ":1 " BENVOLIO ":0");
}

static void
test_mark_read (Fixture       *fixture,
                gconstpointer  data)
{
  petrel_accounts_mark_read (fixture->accounts, ROMEO, MERCUTIO);
  assert_conversations (fixture, JULIET ":2 " MERCUTIO ":0");
  g_assert_cmpuint (db_unread (fixture, MERCUTIO), ==, 0);
  g_assert_cmpuint (db_unread (fixture, JULIET), ==, 2);

  /* Unknown ones change nothing. */
  petrel_accounts_mark_read (fixture->accounts, ROMEO, TYBALT);
  petrel_accounts_mark_read (fixture->accounts, TYBALT, JULIET);
  assert_conversations (fixture, JULIET ":2 " MERCUTIO ":0");
}

/* Sending */

static void
test_send_message_is_pending_and_queued (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  PetrelConversation *juliet;
  PetrelMessage *sent;
  guint n;

  list = petrel_accounts_open_conversation (fixture->accounts, ROMEO, JULIET);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));

  g_assert_true (petrel_accounts_send_message (fixture->accounts, ROMEO, JULIET, "It is the east", &error));
  g_assert_no_error (error);

  /* At once in the list, as pending, with its place in the history. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n + 1);
  sent = last_item (list);
  g_assert_true (petrel_message_get_outgoing (sent));
  g_assert_cmpstr (petrel_message_get_state (sent), ==, "pending");
  g_assert_cmpstr (petrel_message_get_body (sent), ==, "It is the east");
  g_assert_cmpstr (petrel_message_get_to (sent), ==, JULIET);
  g_assert_cmpint (petrel_message_get_row_id (sent), >, 0);
  g_assert_nonnull (petrel_message_get_origin_id (sent));

  /* The outbox has it (offline: it waits there). */
  outbox = petrel_db_outbox_list (fixture->accounts->db, fixture->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpstr (((PetrelDbOutboxEntry *) g_ptr_array_index (outbox, 0))->message->origin_id, ==,
                   petrel_message_get_origin_id (sent));
  g_assert_cmpstr (((PetrelDbOutboxEntry *) g_ptr_array_index (outbox, 0))->peer, ==, JULIET);

  juliet = petrel_conversation_list_lookup (petrel_accounts_get_conversations (fixture->accounts), ROMEO, JULIET);
  g_assert_cmpstr (petrel_conversation_get_last_message_preview (juliet), ==, "It is the east");
  g_assert_cmpuint (petrel_conversation_get_unread (juliet), ==, 0);

  /* The server acknowledged it. */
  g_signal_emit_by_name (fixture->entry->session, "message-state", petrel_message_get_origin_id (sent), "sent");
  g_assert_cmpstr (petrel_message_get_state (sent), ==, "sent");
}

static void
test_send_message_new_conversation (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (petrel_accounts_send_message (fixture->accounts, ROMEO, TYBALT, "Good den", &error));
  g_assert_no_error (error);
  assert_conversations (fixture, TYBALT ":0 " JULIET ":2 " MERCUTIO ":1");

  g_assert_false (petrel_accounts_send_message (fixture->accounts, ROMEO, "@@", "x", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (petrel_accounts_send_message (fixture->accounts, TYBALT, ROMEO, "x", &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
}

/* Receiving */

static void
received_cb (PetrelAccounts     *accounts,
             PetrelConversation *conversation,
             PetrelMessage      *message,
             gpointer            user_data)
{
  GPtrArray *received = user_data;

  g_ptr_array_add (received, g_object_ref (message));
}

static void
test_incoming_counts_unread (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func (g_object_unref);
  PetrelMessage *message;

  g_signal_connect (fixture->accounts, "message-received", G_CALLBACK (received_cb), received);

  deliver (fixture, MERCUTIO "/street", "m1", T0 + 100 * SECOND, "A plague");
  assert_conversations (fixture, MERCUTIO ":2 " JULIET ":2");
  g_assert_cmpuint (db_unread (fixture, MERCUTIO), ==, 2);
  g_assert_cmpuint (received->len, ==, 1);
  message = g_ptr_array_index (received, 0);
  g_assert_cmpstr (petrel_message_get_body (message), ==, "A plague");
  g_assert_cmpint (petrel_message_get_row_id (message), >, 0);
  g_assert_cmpint (petrel_message_get_sort_time (message), ==, T0 + 100 * SECOND);

  /* A stranger starts a conversation. */
  deliver (fixture, TYBALT "/sword", "t0", T0 + 200 * SECOND, "Boy");
  assert_conversations (fixture, TYBALT ":1 " MERCUTIO ":2 " JULIET ":2");

  /* Late history (an archive page) counts, but does not move it. */
  deliver (fixture, MERCUTIO "/street", "m-old", T0 - 500 * SECOND, "earlier");
  assert_conversations (fixture, TYBALT ":1 " MERCUTIO ":3 " JULIET ":2");
  g_assert_cmpstr (petrel_conversation_get_last_message_preview (
                     petrel_conversation_list_lookup (petrel_accounts_get_conversations (fixture->accounts),
                                                      ROMEO, MERCUTIO)), ==, "A plague");
  g_assert_cmpuint (received->len, ==, 3);
}

static void
test_incoming_in_open_conversation (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(PetrelMessageList) other = NULL;
  guint n;

  list = petrel_accounts_open_conversation (fixture->accounts, ROMEO, JULIET);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));

  /* Looked at: appended, read at once. */
  deliver (fixture, JULIET "/balcony", "live1", T0 + 300 * SECOND, "Romeo, Romeo");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n + 1);
  g_assert_cmpstr (petrel_message_get_body (last_item (list)), ==, "Romeo, Romeo");
  assert_conversations (fixture, JULIET ":0 " MERCUTIO ":1");
  g_assert_cmpuint (db_unread (fixture, JULIET), ==, 0);

  /* Nobody looks at the window: it counts, until the window is back. */
  petrel_accounts_set_inactive (fixture->accounts, TRUE);
  deliver (fixture, JULIET "/balcony", "live2", T0 + 301 * SECOND, "wherefore art thou");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n + 2);
  assert_conversations (fixture, JULIET ":1 " MERCUTIO ":1");
  petrel_accounts_set_inactive (fixture->accounts, FALSE);
  assert_conversations (fixture, JULIET ":0 " MERCUTIO ":1");
  g_assert_cmpuint (db_unread (fixture, JULIET), ==, 0);

  /* Another conversation opened is the current one now. */
  other = petrel_accounts_open_conversation (fixture->accounts, ROMEO, MERCUTIO);
  deliver (fixture, JULIET "/balcony", "live3", T0 + 302 * SECOND, "deny thy father");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n + 3);
  assert_conversations (fixture, JULIET ":1 " MERCUTIO ":0");
}

/* XEP-0308: a correction arriving while the conversation is open changes
 * the shown message in place; it adds no row and counts as nothing new. */
static void
test_incoming_correction_updates_in_place (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(PetrelMessage) correction = NULL;
  g_autoptr(GDateTime) stamp = g_date_time_new_from_unix_utc ((T0 + 311 * SECOND) / G_USEC_PER_SEC);
  PetrelDbMessage row;
  gint64 conversation_id = 0;
  guint n;

  list = petrel_accounts_open_conversation (fixture->accounts, ROMEO, JULIET);
  deliver (fixture, JULIET "/balcony", "orig1", T0 + 310 * SECOND, "Good nihgt");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpstr (petrel_message_get_body (last_item (list)), ==, "Good nihgt");

  g_assert_true (petrel_db_conversation_ensure (fixture->accounts->db, fixture->account_id, JULIET,
                                                PETREL_DB_CONVERSATION_CHAT, &conversation_id, NULL));
  row = store_test_message (conversation_id, PETREL_DB_DIRECTION_INCOMING, JULIET "/balcony", "fix1", NULL,
                            T0 + 311 * SECOND, "Good night");
  row.stanza_id_by = NULL;
  row.replaces = (char *) "orig1";
  store_test_insert (fixture->accounts->db, &row, PETREL_DB_INSERT_DEFAULT, NULL);
  correction = g_object_new (PETREL_TYPE_MESSAGE,
                             "account", ROMEO,
                             "from", JULIET "/balcony",
                             "to", ROMEO,
                             "id", "fix1",
                             "origin-id", "fix1",
                             "outgoing", FALSE,
                             "state", "delivered",
                             "body", "Good night",
                             "time", stamp,
                             NULL);
  g_signal_emit_by_name (fixture->entry->session, "message", correction);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  g_assert_cmpstr (petrel_message_get_body (last_item (list)), ==, "Good night");
  g_assert_cmpuint (db_unread (fixture, JULIET), ==, 0);
  /* It was the newest message: the sidebar's preview follows. */
  g_assert_cmpstr (petrel_conversation_get_last_message_preview (
                     petrel_conversation_list_lookup (petrel_accounts_get_conversations (fixture->accounts),
                                                      ROMEO, JULIET)), ==, "Good night");
}

static void
test_outgoing_carbon (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(PetrelMessage) message = NULL;
  gint64 conversation_id = 0;
  guint n;

  list = petrel_accounts_open_conversation (fixture->accounts, ROMEO, MERCUTIO);
  petrel_accounts_mark_read (fixture->accounts, ROMEO, JULIET);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));

  /* Sent from another device: in the list, no unread. */
  g_assert_true (petrel_db_conversation_ensure (fixture->accounts->db, fixture->account_id, MERCUTIO,
                                                PETREL_DB_CONVERSATION_CHAT, &conversation_id, NULL));
  insert (fixture->accounts->db, conversation_id, PETREL_DB_DIRECTION_OUTGOING, ROMEO "/phone", "c1",
          T0 + 400 * SECOND, "from my phone");
  message = g_object_new (PETREL_TYPE_MESSAGE, "account", ROMEO, "from", ROMEO "/phone", "to", MERCUTIO,
                          "origin-id", "c1", "outgoing", TRUE, "state", "sent", "body", "from my phone", NULL);
  g_signal_emit_by_name (fixture->entry->session, "message", message);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n + 1);
  g_assert_true (petrel_message_get_outgoing (last_item (list)));
  assert_conversations (fixture, MERCUTIO ":0 " JULIET ":0");
}

/* Presence, roster, subscriptions, chat states */

static void
subscription_request_cb (PetrelAccounts *accounts,
                         const char     *account,
                         const char     *jid,
                         gpointer        user_data)
{
  GString *log = user_data;

  g_string_append_printf (log, "%s>%s;", account, jid);
}

static void
test_presence_updates_contacts (Fixture       *fixture,
                                gconstpointer  data)
{
  PetrelContactList *contacts = petrel_accounts_get_contacts (fixture->accounts, ROMEO);
  PetrelContact *juliet = petrel_contact_list_lookup (contacts, JULIET);
  PetrelSession *session = fixture->entry->session;

  g_signal_emit_by_name (session, "presence", JULIET "/balcony", NULL, "away", "on the balcony");
  g_assert_cmpint (petrel_contact_get_show (juliet), ==, PETREL_PRESENCE_AWAY);
  g_assert_cmpstr (petrel_contact_get_status (juliet), ==, "on the balcony");
  g_assert_true (petrel_contact_get_available (juliet));

  g_signal_emit_by_name (session, "presence", JULIET "/balcony", "unavailable", NULL, NULL);
  g_assert_cmpint (petrel_contact_get_show (juliet), ==, PETREL_PRESENCE_OFFLINE);

  /* Our own other device is not a contact. */
  g_signal_emit_by_name (session, "presence", ROMEO "/phone", NULL, NULL, NULL);
  g_assert_null (petrel_contact_list_lookup (contacts, ROMEO));
}

static void
test_subscription_request (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GString) log = g_string_new (NULL);
  PetrelSession *session = fixture->entry->session;

  g_signal_connect (fixture->accounts, "subscription-request", G_CALLBACK (subscription_request_cb), log);

  g_signal_emit_by_name (session, "presence", TYBALT "/sword", "subscribe", NULL, NULL);
  g_assert_cmpstr (log->str, ==, ROMEO ">" TYBALT ";");

  /* Approved before (subscription from): no question (the answer would
   * go out if the session were online). */
  g_signal_emit_by_name (session, "presence", NURSE, "subscribe", NULL, NULL);
  g_assert_cmpstr (log->str, ==, ROMEO ">" TYBALT ";");

  /* The answer needs a connection; offline it does nothing. */
  petrel_accounts_answer_subscription (fixture->accounts, ROMEO, TYBALT, TRUE);
}

static void
test_roster_push (Fixture       *fixture,
                  gconstpointer  data)
{
  PetrelContactList *contacts = petrel_accounts_get_contacts (fixture->accounts, ROMEO);
  PetrelConversationList *conversations = petrel_accounts_get_conversations (fixture->accounts);
  g_autoptr(PetrelContact) mercutio = petrel_contact_new (MERCUTIO, "Mercutio", "both", NULL);
  PetrelSession *session = fixture->entry->session;

  g_signal_emit_by_name (session, "roster-push", mercutio, FALSE);
  g_assert_nonnull (petrel_contact_list_lookup (contacts, MERCUTIO));
  g_assert_cmpstr (petrel_conversation_get_display_name (
                     petrel_conversation_list_lookup (conversations, ROMEO, MERCUTIO)), ==, "Mercutio");

  g_signal_emit_by_name (session, "roster-push", mercutio, TRUE);
  g_assert_null (petrel_contact_list_lookup (contacts, MERCUTIO));
}

static void
chat_state_cb (PetrelAccounts *accounts,
               const char     *account,
               const char     *from,
               const char     *state,
               gpointer        user_data)
{
  g_string_append_printf (user_data, "%s:%s:%s;", account, from, state);
}

static void
test_chat_states (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GString) log = g_string_new (NULL);

  g_signal_connect (fixture->accounts, "chat-state", G_CALLBACK (chat_state_cb), log);
  petrel_accounts_chat_state_cb (fixture->entry->session, JULIET, "composing", fixture->entry);
  g_assert_cmpstr (log->str, ==, ROMEO ":" JULIET ":composing;");

  /* Offline: nothing goes out, and nothing is remembered as sent. */
  petrel_accounts_send_chat_state (fixture->accounts, ROMEO, JULIET, "composing");
  g_assert_null (g_hash_table_lookup (fixture->entry->chat_states, JULIET));
}

static void
test_set_presence (Fixture       *fixture,
                   gconstpointer  data)
{
  PetrelSession *session = fixture->entry->session;

  g_assert_cmpint (petrel_accounts_get_presence_show (fixture->accounts), ==, PETREL_PRESENCE_ONLINE);
  petrel_accounts_set_presence (fixture->accounts, PETREL_PRESENCE_AWAY, "at the ball");
  g_assert_cmpint (petrel_accounts_get_presence_show (fixture->accounts), ==, PETREL_PRESENCE_AWAY);
  g_assert_cmpstr (petrel_accounts_get_presence_status (fixture->accounts), ==, "at the ball");
  g_assert_cmpstr (petrel_session_get_presence_show (session), ==, "away");
  g_assert_cmpstr (petrel_session_get_presence_status (session), ==, "at the ball");

  petrel_accounts_set_presence (fixture->accounts, PETREL_PRESENCE_DND, "");
  g_assert_cmpstr (petrel_session_get_presence_show (session), ==, "dnd");
  g_assert_null (petrel_session_get_presence_status (session));

  petrel_accounts_set_presence (fixture->accounts, PETREL_PRESENCE_ONLINE, NULL);
  g_assert_null (petrel_session_get_presence_show (session));
}

/* Connection state */

static gboolean
account_waiting (gpointer data)
{
  return petrel_account_get_state (data) == PETREL_ACCOUNT_WAITING;
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

static void
test_state_mirrors_session (Fixture       *fixture,
                            gconstpointer  data)
{
  PetrelAccount *account = petrel_accounts_lookup (fixture->accounts, ROMEO);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Nobody listens on the port: refused, retried later. */
  petrel_accounts_start (fixture->accounts);
  wait_until (account_waiting, account);
  g_assert_nonnull (petrel_account_get_error_message (account));

  petrel_accounts_stop_async (fixture->accounts, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_accounts_stop_finish (fixture->accounts, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_OFFLINE);
}

static void
test_presence_offline_disconnects (Fixture       *fixture,
                                   gconstpointer  data)
{
  PetrelAccount *account = petrel_accounts_lookup (fixture->accounts, ROMEO);
  g_autoptr(GAsyncResult) result = NULL;

  petrel_accounts_set_presence (fixture->accounts, PETREL_PRESENCE_OFFLINE, NULL);
  petrel_accounts_start (fixture->accounts);
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_OFFLINE);

  petrel_accounts_set_presence (fixture->accounts, PETREL_PRESENCE_ONLINE, NULL);
  wait_until (account_waiting, account);

  petrel_accounts_stop_async (fixture->accounts, NULL, result_cb, &result);
  wait_until (result_set, &result);
}

/* Signing in */

static GError *
sign_in (Fixture                     *fixture,
         const PetrelAccountSettings *settings,
         gboolean                     create)
{
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  PetrelAccount *account;

  petrel_accounts_sign_in_async (fixture->accounts, settings, create, NULL, result_cb, &result);
  wait_until (result_set, &result);
  account = petrel_accounts_sign_in_finish (fixture->accounts, result, &error);
  g_assert_true ((account == NULL) == (error != NULL));

  return error;
}

static void
assert_not_added (Fixture    *fixture,
                  const char *jid)
{
  g_autoptr(PetrelAccountStore) store = NULL;
  g_autoptr(PetrelAccountRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_null (petrel_accounts_lookup (fixture->accounts, jid));
  g_assert_cmpuint (g_list_model_get_n_items (petrel_accounts_get_accounts (fixture->accounts)), ==, 1);
  store = petrel_account_store_open (fixture->dir, &error);
  g_assert_no_error (error);
  record = petrel_account_store_get (store, jid, &error);
  g_assert_null (record);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  /* The attempt left no account row behind. */
  petrel_db_account_lookup (fixture->accounts->db, jid, &id, NULL);
  g_assert_cmpint (id, ==, 0);
}

static void
test_sign_in_refused_before_network (Fixture       *fixture,
                                     gconstpointer  data)
{
  PetrelAccountSettings settings = {
    .jid = TYBALT,
    .password = "sword",
    .host = "127.0.0.1",
    .port = fixture->closed_port,
  };
  g_autoptr(GError) error = NULL;

  /* No keyring here, and the file not allowed: the UI must ask first. */
  error = sign_in (fixture, &settings, FALSE);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);
  g_clear_error (&error);
  assert_not_added (fixture, TYBALT);

  settings.jid = "Romeo@Montague.lit";
  error = sign_in (fixture, &settings, FALSE);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  settings.jid = "not a jid@";
  error = sign_in (fixture, &settings, FALSE);
  g_assert_error (error, XMPP_JID_ERROR, error->code);
  g_clear_error (&error);

  settings.jid = TYBALT;
  settings.password = "";
  error = sign_in (fixture, &settings, FALSE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* TLS always: a plain endpoint or an unknown transport never connects. */
  settings.password = "sword";
  settings.allow_file_password = TRUE;
  settings.transport = "websocket";
  settings.websocket_url = "ws://127.0.0.1:1/xmpp-websocket";
  error = sign_in (fixture, &settings, FALSE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  settings.websocket_url = NULL;
  settings.transport = "bosh";
  settings.bosh_url = "http://127.0.0.1:1/http-bind";
  error = sign_in (fixture, &settings, FALSE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  settings.bosh_url = NULL;
  settings.transport = "carrier-pigeon";
  error = sign_in (fixture, &settings, FALSE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  assert_not_added (fixture, TYBALT);
}

static void
test_sign_in_failure_keeps_nothing (Fixture       *fixture,
                                    gconstpointer  data)
{
  PetrelAccountSettings settings = {
    .jid = TYBALT,
    .password = "sword",
    .host = "127.0.0.1",
    .port = fixture->closed_port,
    .allow_file_password = TRUE,
  };
  g_autoptr(GError) error = NULL;

  error = sign_in (fixture, &settings, FALSE);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_REFUSED);
  g_clear_error (&error);
  assert_not_added (fixture, TYBALT);

  /* Registering goes to the same server first. */
  error = sign_in (fixture, &settings, TRUE);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_REFUSED);
  assert_not_added (fixture, TYBALT);
}

static gboolean
cancel_idle_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_sign_in_cancelled (Fixture       *fixture,
                        gconstpointer  data)
{
  PetrelAccountSettings settings = {
    .jid = TYBALT,
    .password = "sword",
    .host = "127.0.0.1",
    .port = fixture->closed_port,
    .allow_file_password = TRUE,
  };

  for (guint when = 0; when < 2; when++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      /* Before it starts, and while it runs. */
      if (when == 0)
        g_cancellable_cancel (cancellable);
      else
        g_idle_add_full (G_PRIORITY_HIGH, cancel_idle_cb, g_object_ref (cancellable), g_object_unref);

      petrel_accounts_sign_in_async (fixture->accounts, &settings, FALSE, cancellable, result_cb, &result);
      wait_until (result_set, &result);
      g_assert_null (petrel_accounts_sign_in_finish (fixture->accounts, result, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      assert_not_added (fixture, TYBALT);
    }

  /* Let the stop of the cut-short session finish. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Removing */

static void
test_remove (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(PetrelAccountStore) store = NULL;
  g_auto(GStrv) jids = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (petrel_accounts_remove (fixture->accounts, TYBALT, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (petrel_accounts_remove (fixture->accounts, ROMEO, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (petrel_accounts_get_accounts (fixture->accounts)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (petrel_accounts_get_conversations (fixture->accounts))), ==, 0);
  g_assert_null (petrel_accounts_lookup (fixture->accounts, ROMEO));

  store = petrel_account_store_open (fixture->dir, &error);
  g_assert_no_error (error);
  jids = petrel_account_store_list (store);
  g_assert_cmpuint (g_strv_length (jids), ==, 0);

  /* Let the stop of the removed session finish. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Account settings */


/* Runs the main loop for @msec, so whatever would connect has tried. */
static void
run_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static char *
accounts_ini (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "accounts.ini", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static void
stop_and_wait (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;

  petrel_accounts_stop_async (fixture->accounts, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_accounts_stop_finish (fixture->accounts, result, NULL));
  /* The old sessions' polite ends, too. */
  run_for (50);
}

static void
test_disable_and_enable (Fixture       *fixture,
                         gconstpointer  data)
{
  CountingListener listener = { 0 };
  g_autoptr(PetrelAccountRecord) settings = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  PetrelAccount *account;

  counting_listener_init (&listener);
  settings = petrel_accounts_dup_settings (fixture->accounts, ROMEO);
  g_assert_nonnull (settings);
  g_assert_null (settings->password);
  settings->port = listener.port;
  petrel_accounts_update_async (fixture->accounts, settings, FALSE, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_accounts_update_finish (fixture->accounts, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_true (petrel_accounts_set_account_enabled (fixture->accounts, ROMEO, FALSE, &error));
  g_assert_no_error (error);
  contents = accounts_ini (fixture);
  g_assert_nonnull (strstr (contents, "disabled=true\n"));
  /* The password stays where it was. */
  g_assert_nonnull (strstr (contents, "password=pw\n"));

  /* Remembered across a restart: listed, disabled, never connecting. */
  g_assert_finalize_object (g_steal_pointer (&fixture->accounts));
  open_accounts (fixture);
  account = petrel_accounts_lookup (fixture->accounts, ROMEO);
  g_assert_nonnull (account);
  g_assert_cmpuint (g_list_model_get_n_items (petrel_accounts_get_accounts (fixture->accounts)), ==, 1);
  g_assert_false (petrel_account_get_enabled (account));
  petrel_accounts_start (fixture->accounts);
  petrel_accounts_set_presence (fixture->accounts, PETREL_PRESENCE_AWAY, NULL);
  run_for (300);
  g_assert_cmpuint (listener.attempts, ==, 0);
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_OFFLINE);

  /* Enabled: it connects at once, and the file forgets the flag. */
  g_assert_true (petrel_accounts_set_account_enabled (fixture->accounts, ROMEO, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (petrel_account_get_enabled (account));
  wait_until (counting_listener_has_attempt, &listener);
  g_clear_pointer (&contents, g_free);
  contents = accounts_ini (fixture);
  g_assert_null (strstr (contents, "disabled"));

  /* Disabled while connecting: the attempt ends and no other follows. */
  g_assert_true (petrel_accounts_set_account_enabled (fixture->accounts, ROMEO, FALSE, &error));
  g_assert_no_error (error);
  run_for (300);
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_OFFLINE);
  g_assert_cmpuint (listener.attempts, ==, 1);

  g_assert_false (petrel_accounts_set_account_enabled (fixture->accounts, TYBALT, TRUE, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);

  stop_and_wait (fixture);
  counting_listener_clear (&listener);
}

static void
test_update_reconnects (Fixture       *fixture,
                        gconstpointer  data)
{
  CountingListener listener = { 0 };
  g_autoptr(PetrelAccountRecord) settings = NULL;
  g_autoptr(PetrelAccountRecord) stored = NULL;
  g_autoptr(PetrelAccountStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  PetrelAccount *account = petrel_accounts_lookup (fixture->accounts, ROMEO);
  PetrelSession *old;

  counting_listener_init (&listener);
  petrel_accounts_start (fixture->accounts);
  wait_until (account_waiting, account);
  old = fixture->entry->session;

  settings = petrel_accounts_dup_settings (fixture->accounts, ROMEO);
  settings->port = listener.port;
  settings->transport = g_strdup ("tcp");
  settings->websocket_url = g_strdup ("wss://montague.lit/ws");
  settings->bosh_url = g_strdup ("https://montague.lit/bosh");
  settings->resource = g_strdup ("balcony");
  petrel_accounts_update_async (fixture->accounts, settings, FALSE, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_accounts_update_finish (fixture->accounts, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* A new session, connecting to the new port at once. */
  g_assert_true (fixture->entry->session != old);
  wait_until (counting_listener_has_attempt, &listener);
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_CONNECTING);

  contents = accounts_ini (fixture);
  g_assert_nonnull (strstr (contents, "transport=tcp\n"));
  g_assert_nonnull (strstr (contents, "websocket-url=wss://montague.lit/ws\n"));
  g_assert_nonnull (strstr (contents, "bosh-url=https://montague.lit/bosh\n"));
  g_assert_nonnull (strstr (contents, "resource=balcony\n"));
  g_assert_nonnull (strstr (contents, "password=pw\n"));
  store = petrel_account_store_open (fixture->dir, &error);
  stored = petrel_account_store_get (store, ROMEO, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->port, ==, listener.port);
  g_assert_cmpstr (stored->host, ==, "127.0.0.1");

  /* Nothing changed: no new session, no new connection. */
  old = fixture->entry->session;
  petrel_accounts_update_async (fixture->accounts, settings, FALSE, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_accounts_update_finish (fixture->accounts, result, &error));
  g_clear_object (&result);
  g_assert_true (fixture->entry->session == old);
  run_for (100);
  g_assert_cmpuint (listener.attempts, ==, 1);

  /* "Automatic" is no transport in the file. */
  g_free (settings->transport);
  settings->transport = g_strdup ("auto");
  petrel_accounts_update_async (fixture->accounts, settings, FALSE, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_accounts_update_finish (fixture->accounts, result, &error));
  g_clear_object (&result);
  g_clear_pointer (&contents, g_free);
  contents = accounts_ini (fixture);
  g_assert_null (strstr (contents, "transport="));

  stop_and_wait (fixture);
  counting_listener_clear (&listener);
}

static void
test_update_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(PetrelAccountRecord) settings = petrel_accounts_dup_settings (fixture->accounts, ROMEO);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = accounts_ini (fixture);
  g_autofree char *after = NULL;
  PetrelSession *old = fixture->entry->session;

  /* No keyring here, and the file not allowed: nothing changes. */
  g_free (settings->password);
  settings->password = g_strdup ("new-pw");
  g_free (settings->host);
  settings->host = g_strdup ("elsewhere.lit");
  petrel_accounts_update_async (fixture->accounts, settings, FALSE, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_false (petrel_accounts_update_finish (fixture->accounts, result, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);
  g_clear_error (&error);
  g_clear_object (&result);
  after = accounts_ini (fixture);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (fixture->entry->session == old);

  /* Allowed: in the file, and a new session uses it. */
  petrel_accounts_update_async (fixture->accounts, settings, TRUE, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_accounts_update_finish (fixture->accounts, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_clear_pointer (&after, g_free);
  after = accounts_ini (fixture);
  g_assert_nonnull (strstr (after, "password=new-pw\n"));
  g_assert_nonnull (strstr (after, "host=elsewhere.lit\n"));
  g_assert_null (strstr (after, "password=pw\n"));
  g_assert_true (fixture->entry->session != old);

  /* Not TLS, or no such transport. */
  g_clear_pointer (&settings->password, g_free);
  settings->websocket_url = g_strdup ("ws://montague.lit/ws");
  petrel_accounts_update_async (fixture->accounts, settings, TRUE, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_false (petrel_accounts_update_finish (fixture->accounts, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&result);
  g_clear_pointer (&settings->websocket_url, g_free);
  settings->transport = g_strdup ("carrier-pigeon");
  petrel_accounts_update_async (fixture->accounts, settings, TRUE, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_false (petrel_accounts_update_finish (fixture->accounts, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&result);

  g_free (settings->jid);
  settings->jid = g_strdup (TYBALT);
  g_clear_pointer (&settings->transport, g_free);
  petrel_accounts_update_async (fixture->accounts, settings, TRUE, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_false (petrel_accounts_update_finish (fixture->accounts, result, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);

  run_for (50);
}

/* A password in the keyring, and no keyring */

static gboolean
account_failed (gpointer data)
{
  return petrel_account_get_state (data) == PETREL_ACCOUNT_FAILED;
}

static void
test_keyring_password_unavailable (void)
{
  Fixture fixture = { 0 };
  PetrelAccount *account;
  g_autoptr(PetrelAccountStore) store = NULL;
  g_autoptr(PetrelAccountRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  fixture.dir = store_test_make_dir ();
  add_record (fixture.dir, ROMEO, "never written", TRUE, find_closed_port ());

  /* The file says where the password is, and holds none. */
  store = petrel_account_store_open (fixture.dir, &error);
  g_assert_no_error (error);
  record = petrel_account_store_get (store, ROMEO, &error);
  g_assert_no_error (error);
  g_assert_true (record->password_in_keyring);
  g_assert_null (record->password);
  {
    g_autofree char *path = g_build_filename (fixture.dir, "accounts.ini", NULL);

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "password-in-keyring=true"));
    g_assert_null (strstr (contents, "never written"));
  }

  open_accounts (&fixture);
  account = petrel_accounts_lookup (fixture.accounts, ROMEO);
  petrel_accounts_start (fixture.accounts);
  wait_until (account_failed, account);
  g_assert_nonnull (strstr (petrel_account_get_error_message (account), "keyring"));

  g_assert_finalize_object (fixture.accounts);
  store_test_remove_dir (fixture.dir);
  g_free (fixture.dir);
}

static void
test_empty_profile (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *profile = g_build_filename (dir, "new", NULL);
  g_autoptr(GError) error = NULL;
  PetrelAccounts *accounts;

  accounts = petrel_accounts_new (profile, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (petrel_accounts_get_accounts (accounts)), ==, 0);
  petrel_accounts_start (accounts);
  petrel_accounts_set_presence (accounts, PETREL_PRESENCE_AWAY, NULL);
  petrel_accounts_set_inactive (accounts, TRUE);
  g_assert_finalize_object (accounts);
  store_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime = NULL;

  /* Never the user's keyring: no session bus at all. */
  runtime = g_dir_make_tmp ("petrel-runtime-XXXXXX", NULL);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/petrel-test-bus", TRUE);
  g_setenv ("GIO_USE_NETWORK_MONITOR", "base", TRUE);

  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/accounts/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("conversations-from-store", test_conversations_from_store);
  ADD ("accounts-and-contacts-from-store", test_accounts_and_contacts_from_store);
  ADD ("open-conversation-pages-and-reads", test_open_conversation_pages_and_reads);
  ADD ("open-new-conversation", test_open_new_conversation);
  ADD ("mark-read", test_mark_read);
  ADD ("send-message-is-pending-and-queued", test_send_message_is_pending_and_queued);
  ADD ("send-message-new-conversation", test_send_message_new_conversation);
  ADD ("incoming-counts-unread", test_incoming_counts_unread);
  ADD ("incoming-in-open-conversation", test_incoming_in_open_conversation);
  ADD ("incoming-correction-updates-in-place", test_incoming_correction_updates_in_place);
  ADD ("outgoing-carbon", test_outgoing_carbon);
  ADD ("presence-updates-contacts", test_presence_updates_contacts);
  ADD ("subscription-request", test_subscription_request);
  ADD ("roster-push", test_roster_push);
  ADD ("chat-states", test_chat_states);
  ADD ("set-presence", test_set_presence);
  ADD ("state-mirrors-session", test_state_mirrors_session);
  ADD ("presence-offline-disconnects", test_presence_offline_disconnects);
  ADD ("sign-in-refused-before-network", test_sign_in_refused_before_network);
  ADD ("sign-in-failure-keeps-nothing", test_sign_in_failure_keeps_nothing);
  ADD ("sign-in-cancelled", test_sign_in_cancelled);
  ADD ("remove", test_remove);
  ADD ("disable-and-enable", test_disable_and_enable);
  ADD ("update-reconnects", test_update_reconnects);
  ADD ("update-refused", test_update_refused);
#undef ADD
  g_test_add_func ("/accounts/keyring-password-unavailable", test_keyring_password_unavailable);
  g_test_add_func ("/accounts/empty-profile", test_empty_profile);

  return g_test_run ();
}
