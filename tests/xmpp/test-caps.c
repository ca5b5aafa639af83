/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0115 entity capabilities: the verification string (§5), the cache,
 * and the presence watcher against a scripted peer over a socket pair,
 * together with the XEP-0030 responder it relies on.
 */
#include <string.h>

#include "xep-0030-disco.h"
#include "xep-0115-caps.h"
#include "xep-0199-ping.h"
#include "xmpp-client.h"
#include "xmpp-error.h"

#include "socket-peer.h"

/* XEP-0115 §5.2 */
#define SIMPLE_QUERY \
  "<query xmlns='http://jabber.org/protocol/disco#info'>" \
  "<identity category='client' name='Exodus 0.9.1' type='pc'/>" \
  "<feature var='http://jabber.org/protocol/caps'/>" \
  "<feature var='http://jabber.org/protocol/disco#info'/>" \
  "<feature var='http://jabber.org/protocol/disco#items'/>" \
  "<feature var='http://jabber.org/protocol/muc'/>" \
  "</query>"
#define SIMPLE_VER "QgayPKawpkPSDYmwT/WM94uAlu0="

/* XEP-0115 §5.3 */
#define COMPLEX_QUERY \
  "<query xmlns='http://jabber.org/protocol/disco#info'" \
  " node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>" \
  "<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>" \
  "<identity xml:lang='el' category='client' name='&#936; 0.11' type='pc'/>" \
  "<feature var='http://jabber.org/protocol/caps'/>" \
  "<feature var='http://jabber.org/protocol/disco#info'/>" \
  "<feature var='http://jabber.org/protocol/disco#items'/>" \
  "<feature var='http://jabber.org/protocol/muc'/>" \
  "<x xmlns='jabber:x:data' type='result'>" \
  "<field var='FORM_TYPE' type='hidden'>" \
  "<value>urn:xmpp:dataforms:softwareinfo</value>" \
  "</field>" \
  "<field var='ip_version'><value>ipv4</value><value>ipv6</value></field>" \
  "<field var='os'><value>Mac</value></field>" \
  "<field var='os_version'><value>10.5.1</value></field>" \
  "<field var='software'><value>Psi</value></field>" \
  "<field var='software_version'><value>0.11</value></field>" \
  "</x>" \
  "</query>"
#define COMPLEX_VER "q07IKJEyjvHSyhy//CH0CxmKi8w="

#define DISCO_OPEN "<query xmlns='http://jabber.org/protocol/disco#info'>"
#define EXODUS_IDENTITY "<identity category='client' name='Exodus 0.9.1' type='pc'/>"
#define SIMPLE_FEATURES \
  "<feature var='http://jabber.org/protocol/caps'/>" \
  "<feature var='http://jabber.org/protocol/disco#info'/>" \
  "<feature var='http://jabber.org/protocol/disco#items'/>" \
  "<feature var='http://jabber.org/protocol/muc'/>"
#define FORM(type_attr, values, fields) \
  "<x xmlns='jabber:x:data' type='result'>" \
  "<field var='FORM_TYPE'" type_attr ">" values "</field>" fields "</x>"

static XmppNode *
parse (const char *xml)
{
  g_autoptr (GError) error = NULL;
  XmppNode *node = xmpp_node_parse (xml, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static char *
ver_of (const char    *xml,
        GChecksumType  type)
{
  g_autoptr (XmppNode) query = parse (xml);

  return xmpp_caps_compute_ver (query, type);
}

/* The verification string */

static void
test_ver_simple_example (void)
{
  g_autofree char *ver = ver_of (SIMPLE_QUERY, G_CHECKSUM_SHA1);

  g_assert_cmpstr (ver, ==, SIMPLE_VER);
}

static void
test_ver_complex_example (void)
{
  g_autofree char *ver = ver_of (COMPLEX_QUERY, G_CHECKSUM_SHA1);

  g_assert_cmpstr (ver, ==, COMPLEX_VER);
}

static void
test_ver_ignores_document_order (void)
{
  /* The complex example with identities, features, fields and values in
   * another order, and a foreign element in between. */
  static const char shuffled[] =
    "<query xmlns='http://jabber.org/protocol/disco#info'>"
    "<x xmlns='jabber:x:data' type='result'>"
    "<field var='software_version'><value>0.11</value></field>"
    "<field var='ip_version'><value>ipv6</value><value>ipv4</value></field>"
    "<field var='os'><value>Mac</value></field>"
    "<field var='FORM_TYPE' type='hidden'>"
    "<value>urn:xmpp:dataforms:softwareinfo</value>"
    "</field>"
    "<field var='software'><value>Psi</value></field>"
    "<field var='os_version'><value>10.5.1</value></field>"
    "</x>"
    "<feature var='http://jabber.org/protocol/muc'/>"
    "<identity xml:lang='el' category='client' name='&#936; 0.11' type='pc'/>"
    "<feature var='http://jabber.org/protocol/disco#items'/>"
    "<unknown xmlns='urn:example:other'/>"
    "<feature var='http://jabber.org/protocol/caps'/>"
    "<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>"
    "<feature var='http://jabber.org/protocol/disco#info'/>"
    "</query>";
  g_autofree char *ver = ver_of (shuffled, G_CHECKSUM_SHA1);

  g_assert_cmpstr (ver, ==, COMPLEX_VER);
}

static void
test_ver_ill_formed_answers_are_refused (void)
{
  static const struct {
    const char *what;
    const char *xml;
  } cases[] = {
    /* §5.4 step 3.3 */
    { "two equal identities",
      DISCO_OPEN EXODUS_IDENTITY EXODUS_IDENTITY SIMPLE_FEATURES "</query>" },
    /* §5.4 step 3.4 */
    { "two equal features",
      DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
      "<feature var='http://jabber.org/protocol/muc'/></query>" },
    /* §5.4 step 3.5 */
    { "two forms with one FORM_TYPE",
      DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
      FORM (" type='hidden'", "<value>urn:example:a</value>", "")
      FORM (" type='hidden'", "<value>urn:example:a</value>", "") "</query>" },
    { "a FORM_TYPE with two different values",
      DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
      FORM (" type='hidden'", "<value>urn:example:a</value><value>urn:example:b</value>", "")
      "</query>" },
    /* Not hashable unambiguously. */
    { "an identity without type",
      DISCO_OPEN "<identity category='client' name='Exodus 0.9.1'/>" SIMPLE_FEATURES "</query>" },
    { "an identity without category",
      DISCO_OPEN "<identity type='pc' name='Exodus 0.9.1'/>" SIMPLE_FEATURES "</query>" },
    { "a feature without var",
      DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES "<feature/></query>" },
    { "a FORM_TYPE without value",
      DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES FORM (" type='hidden'", "", "") "</query>" },
    { "two FORM_TYPE fields",
      DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
      FORM (" type='hidden'", "<value>urn:example:a</value>",
            "<field var='FORM_TYPE' type='hidden'><value>urn:example:a</value></field>")
      "</query>" },
    { "a field without var",
      DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
      FORM (" type='hidden'", "<value>urn:example:a</value>",
            "<field type='fixed'><value>x</value></field>") "</query>" },
    { "a field given twice",
      DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
      FORM (" type='hidden'", "<value>urn:example:a</value>",
            "<field var='os'><value>a</value></field><field var='os'><value>b</value></field>")
      "</query>" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *ver = ver_of (cases[i].xml, G_CHECKSUM_SHA1);

      g_test_message ("%s", cases[i].what);
      g_assert_null (ver);
    }
}

static void
test_ver_ignored_forms (void)
{
  static const char * const ignored[] = {
    /* §5.4 step 3.6: FORM_TYPE not hidden, or no FORM_TYPE at all. */
    DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
    FORM ("", "<value>urn:example:a</value>", "<field var='x'><value>1</value></field>")
    "</query>",
    DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
    FORM (" type='text-single'", "<value>urn:example:a</value>", "")
    "</query>",
    DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
    "<x xmlns='jabber:x:data' type='result'><field var='x'><value>1</value></field></x>"
    "</query>",
  };
  g_autofree char *one_value = NULL;
  g_autofree char *two_equal_values = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ignored); i++)
    {
      g_autofree char *ver = ver_of (ignored[i], G_CHECKSUM_SHA1);

      g_assert_cmpstr (ver, ==, SIMPLE_VER);
    }

  /* §5.4 step 3.5 objects only to *different* values. */
  one_value = ver_of (DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
                      FORM (" type='hidden'", "<value>urn:example:a</value>", "")
                      "</query>", G_CHECKSUM_SHA1);
  two_equal_values = ver_of (DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
                             FORM (" type='hidden'",
                                   "<value>urn:example:a</value><value>urn:example:a</value>", "")
                             "</query>", G_CHECKSUM_SHA1);
  g_assert_nonnull (one_value);
  g_assert_cmpstr (one_value, !=, SIMPLE_VER);
  g_assert_cmpstr (two_equal_values, ==, one_value);
}

static void
test_ver_identities_differing_in_name_only (void)
{
  /* Not ill-formed by §5.4 (which names category/type/lang/name), and the
   * result must not depend on their order. */
  g_autofree char *ab = ver_of (DISCO_OPEN
                                "<identity category='client' type='pc' name='A'/>"
                                "<identity category='client' type='pc' name='B'/>"
                                "</query>", G_CHECKSUM_SHA1);
  g_autofree char *ba = ver_of (DISCO_OPEN
                                "<identity category='client' type='pc' name='B'/>"
                                "<identity category='client' type='pc' name='A'/>"
                                "</query>", G_CHECKSUM_SHA1);

  g_assert_nonnull (ab);
  g_assert_cmpstr (ab, ==, ba);
}

static void
test_ver_escaped_lt_is_not_a_separator (void)
{
  /* §5.1: the characters "&lt;" in a value stay four characters; were they
   * turned into '<', this identity would hash like the one below, which
   * claims an extra feature. */
  g_autofree char *literal = ver_of (DISCO_OPEN
                                     "<identity category='client' type='pc'"
                                     " name='SomeClient&amp;lt;http://jabber.org/protocol/muc'/>"
                                     "</query>", G_CHECKSUM_SHA1);
  g_autofree char *forged = ver_of (DISCO_OPEN
                                    "<identity category='client' type='pc' name='SomeClient'/>"
                                    "<feature var='http://jabber.org/protocol/muc'/>"
                                    "</query>", G_CHECKSUM_SHA1);

  g_assert_nonnull (literal);
  g_assert_nonnull (forged);
  g_assert_cmpstr (literal, !=, forged);
}

static void
test_ver_other_hashes (void)
{
  g_autofree char *sha256 = ver_of (SIMPLE_QUERY, G_CHECKSUM_SHA256);
  g_autofree char *sha512 = ver_of (SIMPLE_QUERY, G_CHECKSUM_SHA512);
  GChecksumType type;

  /* Base64 of 32 and 64 bytes. */
  g_assert_cmpuint (strlen (sha256), ==, 44);
  g_assert_cmpuint (strlen (sha512), ==, 88);

  g_assert_true (xmpp_caps_hash_from_name ("sha-1", &type));
  g_assert_cmpint (type, ==, G_CHECKSUM_SHA1);
  g_assert_true (xmpp_caps_hash_from_name ("sha-256", &type));
  g_assert_cmpint (type, ==, G_CHECKSUM_SHA256);
  g_assert_true (xmpp_caps_hash_from_name ("sha-512", NULL));
  g_assert_false (xmpp_caps_hash_from_name ("md5", NULL));
  g_assert_false (xmpp_caps_hash_from_name ("SHA-1", NULL));
  g_assert_false (xmpp_caps_hash_from_name ("", NULL));
}

/* The cache */

static void
count_cb (gpointer  emitter,
          gpointer  arg,
          guint    *count)
{
  (*count)++;
}

static void
persist_cb (XmppCapsCache      *cache,
            const char         *hash,
            const char         *ver,
            const char * const *features,
            gpointer            user_data)
{
  GPtrArray *persisted = user_data;

  g_ptr_array_add (persisted, g_strdup_printf ("%s %s %u", hash, ver,
                                               g_strv_length ((char **) features)));
}

static void
test_cache_insert_and_lookup (void)
{
  g_autoptr (XmppCapsCache) cache = xmpp_caps_cache_new ();
  g_autoptr (GPtrArray) persisted = g_ptr_array_new_with_free_func (g_free);
  const char * const features[] = { "urn:b", "urn:a", "urn:b", NULL };
  const char * const other[] = { "urn:c", NULL };
  const char * const *found;

  xmpp_caps_cache_set_persist_func (cache, persist_cb, persisted, NULL);

  g_assert_null (xmpp_caps_cache_lookup (cache, "sha-1", "v1"));
  xmpp_caps_cache_insert (cache, "sha-1", "v1", features);

  found = xmpp_caps_cache_lookup (cache, "sha-1", "v1");
  g_assert_nonnull (found);
  g_assert_cmpuint (g_strv_length ((char **) found), ==, 2);
  g_assert_cmpstr (found[0], ==, "urn:a");
  g_assert_cmpstr (found[1], ==, "urn:b");

  /* The key is (hash, ver). */
  g_assert_null (xmpp_caps_cache_lookup (cache, "sha-256", "v1"));

  /* A verified entry never changes. */
  xmpp_caps_cache_insert (cache, "sha-1", "v1", other);
  g_assert_true (xmpp_caps_cache_lookup (cache, "sha-1", "v1") == found);

  /* Entries loaded from the store are not written back to it. */
  g_assert_cmpuint (persisted->len, ==, 0);
}

static void
test_cache_jids (void)
{
  g_autoptr (XmppCapsCache) cache = xmpp_caps_cache_new ();
  g_autoptr (XmppJid) bob = xmpp_jid_parse ("bob@example.org/phone", NULL);
  g_autoptr (XmppJid) bob_bare = xmpp_jid_parse ("bob@example.org", NULL);
  const char * const features[] = { "urn:xmpp:jingle:1", NULL };
  guint changes = 0;

  g_signal_connect (cache, "jid-changed", G_CALLBACK (count_cb), &changes);

  /* Nothing known: no features (§8.3). */
  g_assert_null (xmpp_caps_cache_get_features_for (cache, bob));
  g_assert_false (xmpp_caps_cache_jid_has_feature (cache, bob, "urn:xmpp:jingle:1"));

  /* A ver that is not verified yet. */
  xmpp_caps_cache_set_jid (cache, bob, "sha-1", "v1");
  g_assert_cmpuint (changes, ==, 1);
  g_assert_null (xmpp_caps_cache_get_features_for (cache, bob));

  /* Verifying it tells the JIDs that advertised it. */
  xmpp_caps_cache_insert (cache, "sha-1", "v1", features);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_true (xmpp_caps_cache_jid_has_feature (cache, bob, "urn:xmpp:jingle:1"));
  g_assert_false (xmpp_caps_cache_jid_has_feature (cache, bob, "urn:xmpp:ping"));
  g_assert_false (xmpp_caps_cache_jid_has_feature (cache, bob_bare, "urn:xmpp:jingle:1"));

  /* The same ver again is no change. */
  xmpp_caps_cache_set_jid (cache, bob, "sha-1", "v1");
  g_assert_cmpuint (changes, ==, 2);

  xmpp_caps_cache_forget_jid (cache, bob);
  g_assert_cmpuint (changes, ==, 3);
  g_assert_null (xmpp_caps_cache_get_features_for (cache, bob));
  xmpp_caps_cache_forget_jid (cache, bob);
  g_assert_cmpuint (changes, ==, 3);
}

/* The presence watcher and the responders, against a scripted peer */

#define OWN_JID "juliet@example.org/balcony"

typedef struct {
  SocketPeer *peer;
  XmppClient *client; /* socket_peer_get_client (peer) */
  XmppCapsCache *cache;
  GPtrArray *persisted;
  guint sync_serial;
} Fixture;

/*
 * A barrier: pings the client from the server and returns every stanza
 * the client sent before the pong.  Since the client handles stanzas in
 * order, that is everything it did in reaction to what came before.
 */
static GPtrArray *
peer_sync (Fixture *f)
{
  GPtrArray *before = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_node_unref);
  g_autofree char *id = g_strdup_printf ("sync%u", ++f->sync_serial);

  socket_peer_sendf (f->peer, "<iq type='get' id='%s' from='example.org' to='" OWN_JID "'>"
                              "<ping xmlns='urn:xmpp:ping'/></iq>", id);
  for (;;)
    {
      XmppNode *node = socket_peer_read (f->peer);

      if (xmpp_node_is (node, "iq", XMPP_NS_CLIENT) &&
          g_strcmp0 (xmpp_node_get_attr (node, "id"), id) == 0)
        {
          g_assert_cmpstr (xmpp_node_get_attr (node, "type"), ==, "result");
          xmpp_node_unref (node);
          return before;
        }
      g_ptr_array_add (before, node);
    }
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->peer = socket_peer_new (OWN_JID);
  f->client = socket_peer_get_client (f->peer);

  f->cache = xmpp_caps_cache_new ();
  f->persisted = g_ptr_array_new_with_free_func (g_free);
  xmpp_caps_cache_set_persist_func (f->cache, persist_cb, f->persisted, NULL);

  xmpp_disco_attach (f->client);
  xmpp_ping_attach (f->client);
  xmpp_caps_attach (f->client, f->cache, "https://petrel.im");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  f->client = NULL;
  g_clear_pointer (&f->peer, socket_peer_free);
  g_assert_finalize_object (f->cache);
  g_clear_pointer (&f->persisted, g_ptr_array_unref);
}

/* Expects a disco#info query for @node sent to @to; returns its id. */
static char *
expect_disco_query (XmppNode   *iq,
                    const char *to,
                    const char *node)
{
  XmppNode *query;

  g_assert_true (xmpp_node_is (iq, "iq", XMPP_NS_CLIENT));
  g_assert_cmpstr (xmpp_node_get_attr (iq, "type"), ==, "get");
  g_assert_cmpstr (xmpp_node_get_attr (iq, "to"), ==, to);
  query = xmpp_node_get_child (iq, "query", XMPP_NS_DISCO_INFO);
  g_assert_nonnull (query);
  g_assert_cmpstr (xmpp_node_get_attr (query, "node"), ==, node);

  return g_strdup (xmpp_node_get_attr (iq, "id"));
}

static void
test_watcher_caches_verified_answer (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr (XmppJid) benvolio = xmpp_jid_parse ("benvolio@capulet.lit/230193", NULL);
  g_autoptr (XmppJid) nurse = xmpp_jid_parse ("nurse@capulet.lit/chamber", NULL);
  g_autoptr (XmppNode) iq = NULL;
  g_autoptr (GPtrArray) sent = NULL;
  g_autofree char *id = NULL;

  socket_peer_send (f->peer, "<presence from='benvolio@capulet.lit/230193' to='" OWN_JID "'>"
                             "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                             " node='http://psi-im.org' ver='" COMPLEX_VER "'/></presence>");

  /* §6.2: node#ver, to the full JID. */
  iq = socket_peer_read (f->peer);
  id = expect_disco_query (iq, "benvolio@capulet.lit/230193",
                           "http://psi-im.org#" COMPLEX_VER);
  g_assert_false (xmpp_caps_cache_jid_has_feature (f->cache, benvolio, "http://jabber.org/protocol/muc"));

  /* The same ver from someone else while the query is open: no second query. */
  socket_peer_send (f->peer, "<presence from='nurse@capulet.lit/chamber' to='" OWN_JID "'>"
                             "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                             " node='http://psi-im.org' ver='" COMPLEX_VER "'/></presence>");
  sent = peer_sync (f);
  g_assert_cmpuint (sent->len, ==, 0);
  g_clear_pointer (&sent, g_ptr_array_unref);

  socket_peer_sendf (f->peer, "<iq type='result' id='%s' from='benvolio@capulet.lit/230193'"
                              " to='" OWN_JID "'>" COMPLEX_QUERY "</iq>", id);
  sent = peer_sync (f);
  g_assert_cmpuint (sent->len, ==, 0);

  g_assert_nonnull (xmpp_caps_cache_lookup (f->cache, "sha-1", COMPLEX_VER));
  g_assert_true (xmpp_caps_cache_jid_has_feature (f->cache, benvolio, "http://jabber.org/protocol/muc"));
  g_assert_true (xmpp_caps_cache_jid_has_feature (f->cache, nurse, "http://jabber.org/protocol/muc"));
  g_assert_cmpuint (f->persisted->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->persisted, 0), ==, "sha-1 " COMPLEX_VER " 4");

  /* Unavailable presence forgets the JID, not the ver. */
  socket_peer_send (f->peer, "<presence type='unavailable' from='nurse@capulet.lit/chamber'/>");
  g_clear_pointer (&sent, g_ptr_array_unref);
  sent = peer_sync (f);
  g_assert_null (xmpp_caps_cache_get_features_for (f->cache, nurse));
  g_assert_true (xmpp_caps_cache_jid_has_feature (f->cache, benvolio, "http://jabber.org/protocol/muc"));
}

static void
test_watcher_poisoned_answer_is_not_cached (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr (XmppJid) mallory = xmpp_jid_parse ("mallory@evil.example/x", NULL);
  g_autoptr (XmppJid) romeo = xmpp_jid_parse ("romeo@montague.lit/orchard", NULL);
  g_autoptr (XmppNode) iq = NULL;
  g_autoptr (GPtrArray) sent = NULL;
  g_autofree char *id = NULL;

  /* Mallory advertises Exodus' ver but claims an extra feature. */
  socket_peer_send (f->peer, "<presence from='mallory@evil.example/x'>"
                             "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                             " node='http://code.google.com/p/exodus' ver='" SIMPLE_VER "'/></presence>");
  iq = socket_peer_read (f->peer);
  id = expect_disco_query (iq, "mallory@evil.example/x",
                           "http://code.google.com/p/exodus#" SIMPLE_VER);
  socket_peer_sendf (f->peer, "<iq type='result' id='%s' from='mallory@evil.example/x'>"
                              DISCO_OPEN EXODUS_IDENTITY SIMPLE_FEATURES
                              "<feature var='urn:xmpp:jingle:1'/></query></iq>", id);
  sent = peer_sync (f);
  g_assert_cmpuint (sent->len, ==, 0);
  g_clear_pointer (&sent, g_ptr_array_unref);

  g_assert_null (xmpp_caps_cache_lookup (f->cache, "sha-1", SIMPLE_VER));
  g_assert_null (xmpp_caps_cache_get_features_for (f->cache, mallory));
  g_assert_cmpuint (f->persisted->len, ==, 0);

  /* Mallory is not asked again for that ver... */
  socket_peer_send (f->peer, "<presence from='mallory@evil.example/x'>"
                             "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                             " node='http://code.google.com/p/exodus' ver='" SIMPLE_VER "'/></presence>");
  sent = peer_sync (f);
  g_assert_cmpuint (sent->len, ==, 0);
  g_clear_pointer (&sent, g_ptr_array_unref);

  /* ...but another entity advertising it is (§5.4 step 3.9), and its
   * honest answer is cached, for Mallory too. */
  socket_peer_send (f->peer, "<presence from='romeo@montague.lit/orchard'>"
                             "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                             " node='http://code.google.com/p/exodus' ver='" SIMPLE_VER "'/></presence>");
  g_clear_pointer (&iq, xmpp_node_unref);
  g_clear_pointer (&id, g_free);
  iq = socket_peer_read (f->peer);
  id = expect_disco_query (iq, "romeo@montague.lit/orchard",
                           "http://code.google.com/p/exodus#" SIMPLE_VER);

  /* A reply from a third party with the right id is not the answer. */
  socket_peer_sendf (f->peer, "<iq type='result' id='%s' from='mallory@evil.example/x'>"
                              DISCO_OPEN "</query></iq>", id);
  sent = peer_sync (f);
  g_assert_null (xmpp_caps_cache_lookup (f->cache, "sha-1", SIMPLE_VER));
  g_clear_pointer (&sent, g_ptr_array_unref);

  socket_peer_sendf (f->peer, "<iq type='result' id='%s' from='romeo@montague.lit/orchard'>"
                              SIMPLE_QUERY "</iq>", id);
  sent = peer_sync (f);
  g_assert_true (xmpp_caps_cache_jid_has_feature (f->cache, romeo, "http://jabber.org/protocol/muc"));
  g_assert_true (xmpp_caps_cache_jid_has_feature (f->cache, mallory, "http://jabber.org/protocol/muc"));
  g_assert_false (xmpp_caps_cache_jid_has_feature (f->cache, mallory, "urn:xmpp:jingle:1"));
}

static void
test_watcher_presence_flood_is_bounded (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (GString) flood = g_string_new (NULL);
  guint queries = 0;

  /* 100 presences, each with a new ver. */
  for (guint i = 0; i < 100; i++)
    g_string_append_printf (flood,
                            "<presence from='bot%u@evil.example/x'>"
                            "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                            " node='urn:evil' ver='fake%u'/></presence>", i, i);
  socket_peer_send (f->peer, flood->str);
  sent = peer_sync (f);
  g_assert_cmpuint (sent->len, ==, 8);

  /* Each error reply lets one waiting query go, up to the queue's bound;
   * every other ver waits for its next presence. */
  for (;;)
    {
      g_autoptr (GPtrArray) more = NULL;
      guint answered = sent->len;

      for (guint i = 0; i < sent->len; i++)
        {
          XmppNode *iq = g_ptr_array_index (sent, i);

          socket_peer_sendf (f->peer, "<iq type='error' id='%s' from='%s'>"
                                      "<error type='cancel'><service-unavailable"
                                      " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                             xmpp_node_get_attr (iq, "id"), xmpp_node_get_attr (iq, "to"));
        }
      queries += answered;
      more = peer_sync (f);
      g_assert_cmpuint (more->len, <=, answered);
      g_ptr_array_unref (sent);
      sent = g_steal_pointer (&more);
      if (sent->len == 0)
        break;
    }

  g_assert_cmpuint (queries, ==, 8 + 32);
  g_assert_cmpuint (f->persisted->len, ==, 0);
}

static void
test_watcher_ignores_legacy_and_unknown_hashes (Fixture       *f,
                                                gconstpointer  data)
{
  g_autoptr (GPtrArray) sent = NULL;

  /* §5.4 steps 1 and 2, and a <c/> without ver. */
  socket_peer_send (f->peer, "<presence from='old@example.org/x'>"
                             "<c xmlns='http://jabber.org/protocol/caps' node='urn:old' ver='1.0'/></presence>"
                             "<presence from='md5@example.org/x'>"
                             "<c xmlns='http://jabber.org/protocol/caps' hash='md5' node='urn:md5' ver='abc'/>"
                             "</presence>"
                             "<presence from='nover@example.org/x'>"
                             "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='urn:x'/></presence>"
                             "<presence type='subscribe' from='sub@example.org'>"
                             "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='urn:x' ver='y'/>"
                             "</presence>");
  sent = peer_sync (f);
  g_assert_cmpuint (sent->len, ==, 0);
}

static void
test_own_presence_and_disco (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (XmppNode) presence = xmpp_node_new ("presence", XMPP_NS_CLIENT);
  g_autoptr (XmppNode) reply = NULL;
  g_autoptr (GPtrArray) sent = NULL;
  g_autofree char *own_ver = xmpp_caps_dup_own_ver (f->client);
  g_autofree char *own_node = g_strconcat ("https://petrel.im#", own_ver, NULL);
  g_autofree char *reply_ver = NULL;
  g_autofree char *request = NULL;
  XmppNode *c;
  XmppNode *query;

  /* §6.1: our <c/>, once even when added twice. */
  xmpp_caps_add_to_presence (f->client, presence);
  xmpp_caps_add_to_presence (f->client, presence);
  g_assert_cmpuint (xmpp_node_get_n_children (presence), ==, 1);
  c = xmpp_node_get_child (presence, "c", XMPP_NS_CAPS);
  g_assert_nonnull (c);
  g_assert_cmpstr (xmpp_node_get_attr (c, "hash"), ==, "sha-1");
  g_assert_cmpstr (xmpp_node_get_attr (c, "node"), ==, "https://petrel.im");
  g_assert_cmpstr (xmpp_node_get_attr (c, "ver"), ==, own_ver);

  /* Our own presence, reflected by the server, needs no query. */
  request = g_strdup_printf ("<presence from='" OWN_JID "'>"
                             "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                             " node='https://petrel.im' ver='%s'/></presence>", own_ver);
  socket_peer_send (f->peer, request);
  sent = peer_sync (f);
  g_assert_cmpuint (sent->len, ==, 0);
  g_clear_pointer (&sent, g_ptr_array_unref);

  /* A stranger asks for node#ver: the answer hashes to our ver. */
  socket_peer_sendf (f->peer, "<iq type='get' id='d1' from='romeo@montague.lit/orchard'>"
                              "<query xmlns='http://jabber.org/protocol/disco#info' node='%s'/></iq>",
                     own_node);
  reply = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, "result");
  g_assert_cmpstr (xmpp_node_get_attr (reply, "id"), ==, "d1");
  g_assert_cmpstr (xmpp_node_get_attr (reply, "to"), ==, "romeo@montague.lit/orchard");
  query = xmpp_node_get_child (reply, "query", XMPP_NS_DISCO_INFO);
  g_assert_nonnull (query);
  g_assert_cmpstr (xmpp_node_get_attr (query, "node"), ==, own_node);
  g_assert_true (xmpp_disco_info_has_identity (query, "client", "pc"));
  g_assert_true (xmpp_disco_info_has_feature (query, XMPP_NS_CAPS));
  g_assert_true (xmpp_disco_info_has_feature (query, XMPP_NS_DISCO_INFO));
  g_assert_true (xmpp_disco_info_has_feature (query, XMPP_NS_PING));
  reply_ver = xmpp_caps_compute_ver (query, G_CHECKSUM_SHA1);
  g_assert_cmpstr (reply_ver, ==, own_ver);
  g_clear_pointer (&reply, xmpp_node_unref);

  /* Without node: the same answer, no node attribute. */
  socket_peer_send (f->peer, "<iq type='get' id='d2' from='romeo@montague.lit/orchard'>"
                             "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  reply = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, "result");
  query = xmpp_node_get_child (reply, "query", XMPP_NS_DISCO_INFO);
  g_assert_nonnull (query);
  g_assert_null (xmpp_node_get_attr (query, "node"));
  g_assert_true (xmpp_disco_info_has_feature (query, XMPP_NS_DISCO_ITEMS));
  g_clear_pointer (&reply, xmpp_node_unref);

  /* An old ver or any other node does not exist (XEP-0030 §3.1). */
  socket_peer_send (f->peer, "<iq type='get' id='d3' from='romeo@montague.lit/orchard'>"
                             "<query xmlns='http://jabber.org/protocol/disco#info'"
                             " node='https://petrel.im#" SIMPLE_VER "'/></iq>");
  reply = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, "error");
  g_assert_nonnull (xmpp_node_get_child (xmpp_node_get_child (reply, "error", NULL),
                                         "item-not-found", XMPP_NS_STANZAS));
  g_clear_pointer (&reply, xmpp_node_unref);

  /* disco#items: empty, and no nodes. */
  socket_peer_send (f->peer, "<iq type='get' id='d4' from='romeo@montague.lit/orchard'>"
                             "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  reply = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, "result");
  query = xmpp_node_get_child (reply, "query", XMPP_NS_DISCO_ITEMS);
  g_assert_nonnull (query);
  g_assert_cmpuint (xmpp_node_get_n_children (query), ==, 0);
  g_clear_pointer (&reply, xmpp_node_unref);

  socket_peer_sendf (f->peer, "<iq type='get' id='d5' from='romeo@montague.lit/orchard'>"
                              "<query xmlns='http://jabber.org/protocol/disco#items' node='%s'/></iq>",
                     own_node);
  reply = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, "error");
}

static void
test_own_ver_follows_features (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr (GPtrArray) sent = NULL;
  g_autofree char *before = xmpp_caps_dup_own_ver (f->client);
  g_autofree char *after = NULL;
  g_autofree char *old_node = g_strconcat ("https://petrel.im#", before, NULL);

  g_assert_true (xmpp_caps_is_own_node (f->client, old_node));

  /* §6.1: a new feature is a new ver; the old node stops answering. */
  xmpp_client_add_feature (f->client, "urn:xmpp:jingle:1");
  after = xmpp_caps_dup_own_ver (f->client);
  g_assert_cmpstr (before, !=, after);
  g_assert_false (xmpp_caps_is_own_node (f->client, old_node));
  g_assert_false (xmpp_caps_is_own_node (f->client, "https://petrel.im"));
  g_assert_false (xmpp_caps_is_own_node (f->client, after));

  /* After detaching, no node is ours and presences are not watched. */
  xmpp_caps_detach (f->client);
  g_clear_pointer (&old_node, g_free);
  old_node = g_strconcat ("https://petrel.im#", after, NULL);
  g_assert_false (xmpp_caps_is_own_node (f->client, old_node));
  socket_peer_send (f->peer, "<presence from='romeo@montague.lit/orchard'>"
                             "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                             " node='http://code.google.com/p/exodus' ver='" SIMPLE_VER "'/></presence>");
  sent = peer_sync (f);
  g_assert_cmpuint (sent->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/caps/ver/simple-example", test_ver_simple_example);
  g_test_add_func ("/xmpp/caps/ver/complex-example", test_ver_complex_example);
  g_test_add_func ("/xmpp/caps/ver/document-order", test_ver_ignores_document_order);
  g_test_add_func ("/xmpp/caps/ver/ill-formed-answers-are-refused",
                   test_ver_ill_formed_answers_are_refused);
  g_test_add_func ("/xmpp/caps/ver/ignored-forms", test_ver_ignored_forms);
  g_test_add_func ("/xmpp/caps/ver/identities-differing-in-name",
                   test_ver_identities_differing_in_name_only);
  g_test_add_func ("/xmpp/caps/ver/escaped-lt-is-not-a-separator",
                   test_ver_escaped_lt_is_not_a_separator);
  g_test_add_func ("/xmpp/caps/ver/other-hashes", test_ver_other_hashes);
  g_test_add_func ("/xmpp/caps/cache/insert-and-lookup", test_cache_insert_and_lookup);
  g_test_add_func ("/xmpp/caps/cache/jids", test_cache_jids);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/xmpp/caps/watcher/verified-answer-is-cached", test_watcher_caches_verified_answer);
  ADD ("/xmpp/caps/watcher/poisoned-answer-is-not-cached",
       test_watcher_poisoned_answer_is_not_cached);
  ADD ("/xmpp/caps/watcher/presence-flood-is-bounded", test_watcher_presence_flood_is_bounded);
  ADD ("/xmpp/caps/watcher/legacy-and-unknown-hashes-are-ignored",
       test_watcher_ignores_legacy_and_unknown_hashes);
  ADD ("/xmpp/caps/own/presence-and-disco", test_own_presence_and_disco);
  ADD ("/xmpp/caps/own/ver-follows-features", test_own_ver_follows_features);
#undef ADD

  return g_test_run ();
}
