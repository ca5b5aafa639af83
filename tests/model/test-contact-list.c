/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for PetrelContactList: sort order (available first, then by name
 * without regard to case), exact items-changed positions, and a contact
 * moving as one removal and one addition when its presence or name moves
 * it.
 */
#include "petrel-contact-list.h"

#include "model-test.h"

/* The display names in list order, joined by spaces. */
static char *
order_of (PetrelContactList *list)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PetrelContact) contact = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", petrel_contact_get_display_name (contact));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define assert_order(list, expected) \
  G_STMT_START { \
    g_autofree char *_order = order_of (list); \
    g_assert_cmpstr (_order, ==, (expected)); \
  } G_STMT_END

static PetrelContact *
add (PetrelContactList *list,
     const char        *jid,
     const char        *name)
{
  g_autoptr(PetrelContact) contact = petrel_contact_new (jid, name, "both", NULL);

  return petrel_contact_list_add_or_update (list, contact);
}

/* Five contacts: anna, Bert, carl, Dora, and eve without a name. */
static PetrelContactList *
make_list (void)
{
  PetrelContactList *list = petrel_contact_list_new ("me@example.org");

  add (list, "dora@example.org", "Dora");
  add (list, "anna@example.org", "anna");
  add (list, "eve@example.org", NULL);
  add (list, "carl@example.org", "carl");
  add (list, "bert@example.org", "Bert");

  return list;
}

static void
test_add_sorted (void)
{
  PetrelContactList *list = petrel_contact_list_new ("me@example.org");
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == PETREL_TYPE_CONTACT);
  g_assert_cmpstr (petrel_contact_list_get_account (list), ==, "me@example.org");

  add (list, "dora@example.org", "Dora");
  recorder_check (recorder, "(0,0,1)");
  add (list, "anna@example.org", "anna");
  recorder_check (recorder, "(0,0,1)");
  add (list, "eve@example.org", NULL);
  recorder_check (recorder, "(2,0,1)");
  add (list, "carl@example.org", "carl");
  recorder_check (recorder, "(1,0,1)");
  add (list, "bert@example.org", "Bert");
  recorder_check (recorder, "(1,0,1)");
  assert_notified (log, "n-items,n-items,n-items,n-items,n-items");

  /* Case does not matter; without a name the JID counts. */
  assert_order (list, "anna Bert carl Dora eve@example.org");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 5));

  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
}

static void
test_equal_names_order_by_jid (void)
{
  PetrelContactList *list = petrel_contact_list_new ("me@example.org");
  Recorder *recorder = recorder_new (list);
  g_autoptr(PetrelContact) first = NULL;

  add (list, "sam2@example.org", "Sam");
  add (list, "sam1@example.org", "sam");
  recorder_check (recorder, "(0,0,1)(0,0,1)");
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (petrel_contact_get_jid (first), ==, "sam1@example.org");

  recorder_free (recorder);
  g_assert_finalize_object (list);
}

static void
test_presence_moves_item (void)
{
  PetrelContactList *list = make_list ();
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  PetrelContact *dora = petrel_contact_list_lookup (list, "dora@example.org");

  /* Dora comes online: from 3 to the top. */
  g_assert_true (petrel_contact_list_set_presence (list, "dora@example.org/phone", PETREL_PRESENCE_ONLINE, NULL));
  recorder_check (recorder, "(3,1,0)(0,0,1)");
  assert_order (list, "Dora anna Bert carl eve@example.org");
  g_assert_true (petrel_contact_get_available (dora));

  /* carl comes online: after Dora, since available contacts sort by name too. */
  petrel_contact_list_set_presence (list, "carl@example.org/x", PETREL_PRESENCE_AWAY, "brb");
  recorder_check (recorder, "(3,1,0)(0,0,1)");
  assert_order (list, "carl Dora anna Bert eve@example.org");

  /* A change that keeps the position announces nothing. */
  petrel_contact_list_set_presence (list, "dora@example.org/laptop", PETREL_PRESENCE_DND, NULL);
  petrel_contact_list_set_presence (list, "carl@example.org/x", PETREL_PRESENCE_XA, "gone");
  recorder_check (recorder, "");

  /* Dora's last resource leaves: back among the offline ones. */
  petrel_contact_list_set_presence (list, "dora@example.org/phone", PETREL_PRESENCE_OFFLINE, NULL);
  recorder_check (recorder, "");
  petrel_contact_list_set_presence (list, "dora@example.org/laptop", PETREL_PRESENCE_OFFLINE, NULL);
  recorder_check (recorder, "(1,1,0)(3,0,1)");
  assert_order (list, "carl anna Bert Dora eve@example.org");

  /* Strangers are not in the roster. */
  g_assert_false (petrel_contact_list_set_presence (list, "mallory@example.org/x", PETREL_PRESENCE_ONLINE, NULL));
  recorder_check (recorder, "");

  /* Moves never change the count. */
  assert_notified (log, "");

  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
}

static void
test_presence_set_on_contact_moves_item (void)
{
  PetrelContactList *list = make_list ();
  Recorder *recorder = recorder_new (list);
  PetrelContact *eve = petrel_contact_list_lookup (list, "eve@example.org");

  /* The list watches its contacts, so a change made on one is seen. */
  petrel_contact_set_presence (eve, "r", PETREL_PRESENCE_CHAT, NULL);
  recorder_check (recorder, "(4,1,0)(0,0,1)");
  assert_order (list, "eve@example.org anna Bert carl Dora");

  recorder_free (recorder);
  g_assert_finalize_object (list);
}

static void
test_update_keeps_object (void)
{
  PetrelContactList *list = make_list ();
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  PetrelContact *anna = petrel_contact_list_lookup (list, "anna@example.org");
  g_autoptr(PetrelContact) push = petrel_contact_new ("anna@example.org", "Zoe", "to", NULL);
  g_autoptr(PetrelContact) same = petrel_contact_new ("bert@example.org", "Bert", "both", NULL);

  petrel_contact_list_set_presence (list, "anna@example.org/r", PETREL_PRESENCE_AWAY, NULL);
  recorder_check (recorder, "");

  /* A roster push renames anna: the same object moves, keeping its presence. */
  g_assert_true (petrel_contact_list_add_or_update (list, push) == anna);
  recorder_check (recorder, "");
  g_assert_cmpstr (petrel_contact_get_name (anna), ==, "Zoe");
  g_assert_cmpstr (petrel_contact_get_subscription (anna), ==, "to");
  g_assert_true (petrel_contact_get_available (anna));

  petrel_contact_list_set_presence (list, "anna@example.org/r", PETREL_PRESENCE_OFFLINE, NULL);
  recorder_check (recorder, "(0,1,0)(4,0,1)");
  assert_order (list, "Bert carl Dora eve@example.org Zoe");

  /* A push with nothing new changes nothing. */
  petrel_contact_list_add_or_update (list, same);
  recorder_check (recorder, "");
  assert_notified (log, "");

  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
}

static void
test_rename_moves_item (void)
{
  PetrelContactList *list = make_list ();
  Recorder *recorder = recorder_new (list);
  PetrelContact *bert = petrel_contact_list_lookup (list, "bert@example.org");

  petrel_contact_set_name (bert, "Aaron");
  recorder_check (recorder, "(1,1,0)(0,0,1)");
  petrel_contact_set_name (bert, "Adam");
  recorder_check (recorder, "");
  petrel_contact_set_name (bert, NULL);
  recorder_check (recorder, "(0,1,0)(1,0,1)");
  assert_order (list, "anna bert@example.org carl Dora eve@example.org");

  recorder_free (recorder);
  g_assert_finalize_object (list);
}

static void
test_remove (void)
{
  PetrelContactList *list = make_list ();
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  g_autoptr(PetrelContact) carl = g_object_ref (petrel_contact_list_lookup (list, "carl@example.org"));

  g_assert_true (petrel_contact_list_remove (list, "carl@example.org"));
  recorder_check (recorder, "(2,1,0)");
  g_assert_false (petrel_contact_list_remove (list, "carl@example.org"));
  g_assert_null (petrel_contact_list_lookup (list, "carl@example.org"));
  recorder_check (recorder, "");
  assert_notified (log, "n-items");
  assert_order (list, "anna Bert Dora eve@example.org");

  /* A removed contact is no longer watched. */
  petrel_contact_set_presence (carl, "r", PETREL_PRESENCE_ONLINE, NULL);
  recorder_check (recorder, "");

  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
  g_assert_finalize_object (g_steal_pointer (&carl));
}

static void
test_replace (void)
{
  PetrelContactList *list = make_list ();
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  g_autoptr(PetrelContact) dora = g_object_ref (petrel_contact_list_lookup (list, "dora@example.org"));
  g_autoptr(PetrelContact) anna = g_object_ref (petrel_contact_list_lookup (list, "anna@example.org"));
  g_autoptr(GPtrArray) roster = g_ptr_array_new_with_free_func (g_object_unref);

  petrel_contact_set_presence (dora, "r", PETREL_PRESENCE_ONLINE, NULL);
  recorder_check (recorder, "(3,1,0)(0,0,1)");

  g_ptr_array_add (roster, petrel_contact_new ("frank@example.org", "Frank", "both", NULL));
  g_ptr_array_add (roster, petrel_contact_new ("dora@example.org", "Dora B.", "both", NULL));
  g_ptr_array_add (roster, petrel_contact_new ("bert@example.org", "Bert", "from", NULL));
  petrel_contact_list_replace (list, roster);
  recorder_check (recorder, "(0,5,3)");
  assert_notified (log, "n-items");
  assert_order (list, "Dora B. Bert Frank");

  /* Dora stayed the same object, with her presence. */
  g_assert_true (petrel_contact_list_lookup (list, "dora@example.org") == dora);
  g_assert_true (petrel_contact_get_available (dora));
  g_assert_null (petrel_contact_list_lookup (list, "anna@example.org"));

  /* The dropped are not watched; the kept still are. */
  petrel_contact_set_presence (anna, "r", PETREL_PRESENCE_ONLINE, NULL);
  recorder_check (recorder, "");
  petrel_contact_set_presence (dora, "r", PETREL_PRESENCE_OFFLINE, NULL);
  recorder_check (recorder, "(0,1,0)(1,0,1)");

  g_ptr_array_set_size (roster, 0);
  petrel_contact_list_replace (list, roster);
  recorder_check (recorder, "(0,3,0)");
  petrel_contact_list_replace (list, roster);
  recorder_check (recorder, "");

  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
  g_assert_finalize_object (g_steal_pointer (&dora));
  g_assert_finalize_object (g_steal_pointer (&anna));
}

static void
test_clear_presence (void)
{
  PetrelContactList *list = make_list ();
  Recorder *recorder = recorder_new (list);

  /* Nothing online: nothing moves. */
  petrel_contact_list_clear_presence (list);
  recorder_check (recorder, "");

  petrel_contact_list_set_presence (list, "eve@example.org/a", PETREL_PRESENCE_ONLINE, NULL);
  petrel_contact_list_set_presence (list, "carl@example.org/a", PETREL_PRESENCE_ONLINE, NULL);
  recorder_check (recorder, "(4,1,0)(0,0,1)(3,1,0)(0,0,1)");
  assert_order (list, "carl eve@example.org anna Bert Dora");

  petrel_contact_list_clear_presence (list);
  recorder_check (recorder, "(0,5,5)");
  assert_order (list, "anna Bert carl Dora eve@example.org");

  recorder_free (recorder);
  g_assert_finalize_object (list);
}

/* Many random presence changes; the mirror checks every position. */
static void
test_random_presence (void)
{
  PetrelContactList *list = petrel_contact_list_new ("me@example.org");
  Recorder *recorder = recorder_new (list);
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *jid = g_strdup_printf ("c%02u@example.org", i);
      g_autofree char *name = g_strdup_printf ("%c%u", 'a' + g_rand_int_range (rand, 0, 26), i);

      add (list, jid, name);
    }
  recorder_check (recorder, recorder->log->str);

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *jid = g_strdup_printf ("c%02u@example.org/r%d", g_rand_int_range (rand, 0, 60),
                                              g_rand_int_range (rand, 0, 3));

      petrel_contact_list_set_presence (list, jid, g_rand_int_range (rand, 0, 6), NULL);
    }
  recorder_check (recorder, recorder->log->str);

  /* And the result is sorted. */
  for (guint i = 1; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(PetrelContact) a = g_list_model_get_item (G_LIST_MODEL (list), i - 1);
      g_autoptr(PetrelContact) b = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (petrel_contact_get_available (a) >= petrel_contact_get_available (b));
      if (petrel_contact_get_available (a) == petrel_contact_get_available (b))
        g_assert_cmpint (g_utf8_collate (petrel_contact_get_display_name (a), petrel_contact_get_display_name (b)), <=, 0);
    }

  g_rand_free (rand);
  recorder_free (recorder);
  g_assert_finalize_object (list);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/contact-list/add-sorted", test_add_sorted);
  g_test_add_func ("/contact-list/equal-names-order-by-jid", test_equal_names_order_by_jid);
  g_test_add_func ("/contact-list/presence-moves-item", test_presence_moves_item);
  g_test_add_func ("/contact-list/presence-set-on-contact-moves-item", test_presence_set_on_contact_moves_item);
  g_test_add_func ("/contact-list/update-keeps-object", test_update_keeps_object);
  g_test_add_func ("/contact-list/rename-moves-item", test_rename_moves_item);
  g_test_add_func ("/contact-list/remove", test_remove);
  g_test_add_func ("/contact-list/replace", test_replace);
  g_test_add_func ("/contact-list/clear-presence", test_clear_presence);
  g_test_add_func ("/contact-list/random-presence", test_random_presence);

  return g_test_run ();
}
