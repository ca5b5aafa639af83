/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for PetrelAccount and PetrelConversation: plain objects whose
 * setters notify exactly once per change and never without one.
 */
#include "petrel-account.h"
#include "petrel-conversation.h"

#include "model-test.h"

static void
test_account_defaults (void)
{
  g_autoptr(PetrelAccount) account = petrel_account_new ("alice@example.org");

  g_assert_cmpstr (petrel_account_get_jid (account), ==, "alice@example.org");
  g_assert_cmpstr (petrel_account_get_display_name (account), ==, "alice@example.org");
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_OFFLINE);
  g_assert_null (petrel_account_get_error_message (account));
  g_assert_true (petrel_account_get_enabled (account));

  g_assert_finalize_object (g_steal_pointer (&account));
}

static void
test_account_notifies_once (void)
{
  PetrelAccount *account = petrel_account_new ("alice@example.org");
  NotifyLog *log = notify_log_new (account);

  petrel_account_set_display_name (account, "Alice");
  assert_notified (log, "display-name");
  petrel_account_set_display_name (account, "Alice");
  assert_notified (log, "");
  petrel_account_set_display_name (account, "");
  assert_notified (log, "display-name");
  g_assert_cmpstr (petrel_account_get_display_name (account), ==, "alice@example.org");
  petrel_account_set_display_name (account, NULL);
  assert_notified (log, "");

  petrel_account_set_state (account, PETREL_ACCOUNT_CONNECTING);
  petrel_account_set_state (account, PETREL_ACCOUNT_CONNECTING);
  assert_notified (log, "state");
  petrel_account_set_state (account, PETREL_ACCOUNT_FAILED);
  petrel_account_set_error_message (account, "Not authorized");
  petrel_account_set_error_message (account, "Not authorized");
  assert_notified (log, "error-message,state");
  g_assert_cmpstr (petrel_account_get_error_message (account), ==, "Not authorized");
  petrel_account_set_error_message (account, NULL);
  assert_notified (log, "error-message");

  petrel_account_set_enabled (account, FALSE);
  petrel_account_set_enabled (account, FALSE);
  assert_notified (log, "enabled");

  /* Through GObject properties too. */
  g_object_set (account, "state", PETREL_ACCOUNT_ONLINE, "enabled", FALSE, NULL);
  assert_notified (log, "state");

  notify_log_free (log);
  g_assert_finalize_object (account);
}

/* The service casts PetrelSessionState to this; the values must match. */
static void
test_account_state_values (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (PETREL_TYPE_ACCOUNT_STATE);

  g_assert_cmpint (PETREL_ACCOUNT_OFFLINE, ==, 0);
  g_assert_cmpint (PETREL_ACCOUNT_CONNECTING, ==, 1);
  g_assert_cmpint (PETREL_ACCOUNT_ONLINE, ==, 2);
  g_assert_cmpint (PETREL_ACCOUNT_WAITING, ==, 3);
  g_assert_cmpint (PETREL_ACCOUNT_FAILED, ==, 4);
  g_assert_cmpstr (g_enum_get_value (klass, PETREL_ACCOUNT_WAITING)->value_nick, ==, "waiting");
}

static void
test_conversation_notifies_once (void)
{
  PetrelConversation *conversation =
    petrel_conversation_new ("alice@example.org", "room@muc.example.org", PETREL_CONVERSATION_GROUPCHAT);
  NotifyLog *log = notify_log_new (conversation);

  g_assert_cmpint (petrel_conversation_get_conversation_type (conversation), ==, PETREL_CONVERSATION_GROUPCHAT);
  g_assert_cmpstr (petrel_conversation_get_display_name (conversation), ==, "room@muc.example.org");

  petrel_conversation_set_display_name (conversation, "room@muc.example.org");
  assert_notified (log, "");
  petrel_conversation_set_display_name (conversation, "The Room");
  petrel_conversation_set_display_name (conversation, "The Room");
  assert_notified (log, "display-name");

  petrel_conversation_set_last_activity (conversation, 1000);
  petrel_conversation_set_last_activity (conversation, 1000);
  petrel_conversation_set_unread (conversation, 3);
  petrel_conversation_set_unread (conversation, 3);
  petrel_conversation_set_last_message_preview (conversation, "hi");
  petrel_conversation_set_last_message_preview (conversation, "hi");
  assert_notified (log, "last-activity,last-message-preview,unread");

  petrel_conversation_set_last_message_preview (conversation, NULL);
  assert_notified (log, "last-message-preview");

  notify_log_free (log);
  g_assert_finalize_object (conversation);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/account/defaults", test_account_defaults);
  g_test_add_func ("/account/notifies-once", test_account_notifies_once);
  g_test_add_func ("/account/state-values", test_account_state_values);
  g_test_add_func ("/conversation/notifies-once", test_conversation_notifies_once);

  return g_test_run ();
}
