/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for PetrelContact: roster data, and presence kept per resource
 * with the best resource deciding what the contact shows.
 */
#include "petrel-contact.h"

#include "model-test.h"

static void
test_contact_roster_data (void)
{
  const char * const groups[] = { "Friends", "Work", NULL };
  const char * const other_groups[] = { "Work", NULL };
  PetrelContact *contact = petrel_contact_new ("bob@example.org", NULL, NULL, groups);
  NotifyLog *log = notify_log_new (contact);

  g_assert_cmpstr (petrel_contact_get_jid (contact), ==, "bob@example.org");
  g_assert_null (petrel_contact_get_name (contact));
  g_assert_cmpstr (petrel_contact_get_display_name (contact), ==, "bob@example.org");
  g_assert_cmpstr (petrel_contact_get_subscription (contact), ==, "none");
  g_assert_true (g_strv_equal (petrel_contact_get_groups (contact), groups));

  petrel_contact_set_name (contact, "Bob");
  petrel_contact_set_name (contact, "Bob");
  assert_notified (log, "display-name,name");
  g_assert_cmpstr (petrel_contact_get_display_name (contact), ==, "Bob");

  /* A name that reads like the JID changes the name, not what is shown. */
  petrel_contact_set_name (contact, NULL);
  assert_notified (log, "display-name,name");
  petrel_contact_set_name (contact, "bob@example.org");
  assert_notified (log, "name");
  petrel_contact_set_name (contact, "");
  assert_notified (log, "name");

  petrel_contact_set_subscription (contact, "both");
  petrel_contact_set_subscription (contact, "both");
  assert_notified (log, "subscription");
  petrel_contact_set_subscription (contact, NULL);
  g_assert_cmpstr (petrel_contact_get_subscription (contact), ==, "none");
  assert_notified (log, "subscription");

  petrel_contact_set_groups (contact, groups);
  assert_notified (log, "");
  petrel_contact_set_groups (contact, other_groups);
  petrel_contact_set_groups (contact, other_groups);
  assert_notified (log, "groups");
  petrel_contact_set_groups (contact, NULL);
  g_assert_cmpstr (petrel_contact_get_groups (contact)[0], ==, NULL);
  assert_notified (log, "groups");

  notify_log_free (log);
  g_assert_finalize_object (contact);
}

static void
test_contact_presence_best_resource (void)
{
  PetrelContact *contact = petrel_contact_new ("bob@example.org", "Bob", "both", NULL);
  NotifyLog *log = notify_log_new (contact);

  g_assert_cmpint (petrel_contact_get_show (contact), ==, PETREL_PRESENCE_OFFLINE);
  g_assert_false (petrel_contact_get_available (contact));

  petrel_contact_set_presence (contact, "phone", PETREL_PRESENCE_AWAY, "on the train");
  assert_notified (log, "available,show,status");
  g_assert_cmpint (petrel_contact_get_show (contact), ==, PETREL_PRESENCE_AWAY);
  g_assert_cmpstr (petrel_contact_get_status (contact), ==, "on the train");
  g_assert_true (petrel_contact_get_available (contact));

  /* The same presence again changes nothing. */
  petrel_contact_set_presence (contact, "phone", PETREL_PRESENCE_AWAY, "on the train");
  assert_notified (log, "");

  /* A better resource decides. */
  petrel_contact_set_presence (contact, "laptop", PETREL_PRESENCE_ONLINE, NULL);
  assert_notified (log, "show,status");
  g_assert_cmpint (petrel_contact_get_show (contact), ==, PETREL_PRESENCE_ONLINE);
  g_assert_null (petrel_contact_get_status (contact));
  g_assert_cmpuint (petrel_contact_get_n_resources (contact), ==, 2);

  /* A worse one does not. */
  petrel_contact_set_presence (contact, "tablet", PETREL_PRESENCE_DND, "busy");
  assert_notified (log, "");
  g_assert_cmpint (petrel_contact_get_show (contact), ==, PETREL_PRESENCE_ONLINE);

  /* The best going offline leaves the next best: away beats dnd. */
  petrel_contact_set_presence (contact, "laptop", PETREL_PRESENCE_OFFLINE, NULL);
  assert_notified (log, "show,status");
  g_assert_cmpint (petrel_contact_get_show (contact), ==, PETREL_PRESENCE_AWAY);
  g_assert_cmpstr (petrel_contact_get_status (contact), ==, "on the train");

  /* Among equals, the latest wins. */
  petrel_contact_set_presence (contact, "tablet", PETREL_PRESENCE_AWAY, "lunch");
  assert_notified (log, "status");
  g_assert_cmpstr (petrel_contact_get_status (contact), ==, "lunch");

  petrel_contact_set_presence (contact, "phone", PETREL_PRESENCE_OFFLINE, NULL);
  petrel_contact_set_presence (contact, "tablet", PETREL_PRESENCE_OFFLINE, NULL);
  assert_notified (log, "available,show,status");
  g_assert_false (petrel_contact_get_available (contact));
  g_assert_cmpuint (petrel_contact_get_n_resources (contact), ==, 0);

  notify_log_free (log);
  g_assert_finalize_object (contact);
}

static void
test_contact_presence_bare_unavailable (void)
{
  PetrelContact *contact = petrel_contact_new ("bob@example.org", NULL, NULL, NULL);
  NotifyLog *log = notify_log_new (contact);

  petrel_contact_set_presence (contact, "a", PETREL_PRESENCE_CHAT, NULL);
  petrel_contact_set_presence (contact, "b", PETREL_PRESENCE_XA, NULL);
  assert_notified (log, "available,show");
  g_assert_cmpint (petrel_contact_get_show (contact), ==, PETREL_PRESENCE_CHAT);

  /* An unavailable presence from the bare JID ends every resource. */
  petrel_contact_set_presence (contact, NULL, PETREL_PRESENCE_OFFLINE, NULL);
  assert_notified (log, "available,show");
  g_assert_cmpuint (petrel_contact_get_n_resources (contact), ==, 0);

  petrel_contact_set_presence (contact, "a", PETREL_PRESENCE_ONLINE, NULL);
  petrel_contact_clear_presence (contact);
  petrel_contact_clear_presence (contact);
  assert_notified (log, "available,available,show,show");

  notify_log_free (log);
  g_assert_finalize_object (contact);
}

static void
test_presence_show_from_xmpp (void)
{
  g_assert_cmpint (petrel_presence_show_from_xmpp (NULL, NULL), ==, PETREL_PRESENCE_ONLINE);
  g_assert_cmpint (petrel_presence_show_from_xmpp ("unavailable", "away"), ==, PETREL_PRESENCE_OFFLINE);
  g_assert_cmpint (petrel_presence_show_from_xmpp (NULL, "chat"), ==, PETREL_PRESENCE_CHAT);
  g_assert_cmpint (petrel_presence_show_from_xmpp (NULL, "away"), ==, PETREL_PRESENCE_AWAY);
  g_assert_cmpint (petrel_presence_show_from_xmpp (NULL, "xa"), ==, PETREL_PRESENCE_XA);
  g_assert_cmpint (petrel_presence_show_from_xmpp (NULL, "dnd"), ==, PETREL_PRESENCE_DND);
  g_assert_cmpint (petrel_presence_show_from_xmpp (NULL, "bogus"), ==, PETREL_PRESENCE_ONLINE);
  g_assert_cmpstr (petrel_presence_show_to_string (PETREL_PRESENCE_XA), ==, "xa");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/contact/roster-data", test_contact_roster_data);
  g_test_add_func ("/contact/presence/best-resource", test_contact_presence_best_resource);
  g_test_add_func ("/contact/presence/bare-unavailable", test_contact_presence_bare_unavailable);
  g_test_add_func ("/contact/presence/from-xmpp", test_presence_show_from_xmpp);

  return g_test_run ();
}
