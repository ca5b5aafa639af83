/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for XmppJid (RFC 7622 addresses, PRECIS and IDNA preparation).
 */
#include "xmpp-jid.h"

#include <string.h>

static XmppJid *
parse_ok (const char *str)
{
  g_autoptr(GError) error = NULL;
  XmppJid *jid = xmpp_jid_parse (str, &error);

  g_assert_no_error (error);
  g_assert_nonnull (jid);

  return jid;
}

/* Checks the code, and that the message is printable UTF-8 naming @part. */
static void
assert_parse_error (const char   *str,
                    XmppJidError  code,
                    const char   *part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = xmpp_jid_parse (str, &error);

  g_assert_null (jid);
  g_assert_error (error, XMPP_JID_ERROR, (gint) code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  for (const char *p = error->message; *p != '\0'; p++)
    g_assert_false (g_ascii_iscntrl (*p));
  if (part != NULL)
    g_assert_nonnull (strstr (error->message, part));
}

static void
assert_same_jid (const char *a,
                 const char *b)
{
  g_autoptr(XmppJid) ja = parse_ok (a);
  g_autoptr(XmppJid) jb = parse_ok (b);

  g_assert_cmpstr (xmpp_jid_to_string (ja), ==, xmpp_jid_to_string (jb));
  g_assert_true (xmpp_jid_equal (ja, jb));
  g_assert_cmpuint (xmpp_jid_hash (ja), ==, xmpp_jid_hash (jb));
}

static void
assert_different_jids (const char *a,
                       const char *b)
{
  g_autoptr(XmppJid) ja = parse_ok (a);
  g_autoptr(XmppJid) jb = parse_ok (b);

  g_assert_false (xmpp_jid_equal (ja, jb));
}

static char *
repeat (const char *unit,
        guint       times)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);

  return g_string_free (s, FALSE);
}

/* Valid JIDs */

static void
test_parse_full (void)
{
  g_autoptr(XmppJid) jid = parse_ok ("juliet@example.com/balcony");

  g_assert_cmpstr (xmpp_jid_get_local (jid), ==, "juliet");
  g_assert_cmpstr (xmpp_jid_get_domain (jid), ==, "example.com");
  g_assert_cmpstr (xmpp_jid_get_resource (jid), ==, "balcony");
  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, "juliet@example.com/balcony");
  g_assert_cmpstr (xmpp_jid_get_bare_string (jid), ==, "juliet@example.com");
  g_assert_false (xmpp_jid_is_bare (jid));
}

static void
test_parse_bare (void)
{
  g_autoptr(XmppJid) jid = parse_ok ("juliet@example.com");

  g_assert_cmpstr (xmpp_jid_get_local (jid), ==, "juliet");
  g_assert_null (xmpp_jid_get_resource (jid));
  g_assert_true (xmpp_jid_is_bare (jid));
  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, xmpp_jid_get_bare_string (jid));
}

static void
test_parse_domain_only (void)
{
  g_autoptr(XmppJid) server = parse_ok ("example.com");
  g_autoptr(XmppJid) component = parse_ok ("example.com/admin");

  g_assert_null (xmpp_jid_get_local (server));
  g_assert_cmpstr (xmpp_jid_get_domain (server), ==, "example.com");
  g_assert_true (xmpp_jid_is_bare (server));

  g_assert_null (xmpp_jid_get_local (component));
  g_assert_cmpstr (xmpp_jid_get_resource (component), ==, "admin");
  g_assert_cmpstr (xmpp_jid_get_bare_string (component), ==, "example.com");
}

static void
test_localpart_is_case_mapped (void)
{
  g_autoptr(XmppJid) jid = parse_ok ("Alice@Example.COM");

  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, "alice@example.com");
  assert_same_jid ("Alice@Example.COM", "alice@example.com");
  assert_same_jid ("ÄLICE@example.com", "älice@example.com");
}

static void
test_resource_keeps_case (void)
{
  g_autoptr(XmppJid) jid = parse_ok ("alice@example.com/Balcony");

  g_assert_cmpstr (xmpp_jid_get_resource (jid), ==, "Balcony");
  assert_different_jids ("alice@example.com/Balcony", "alice@example.com/balcony");
}

/* RFC 8264 §9.3 lower-cases; case folding would make “fuß” and “fuss”
 * one account. */
static void
test_localpart_sharp_s_is_not_folded (void)
{
  g_autoptr(XmppJid) jid = parse_ok ("Fuß@example.com");

  g_assert_cmpstr (xmpp_jid_get_local (jid), ==, "fuß");
  assert_different_jids ("fuß@example.com", "fuss@example.com");
}

static void
test_localpart_final_sigma (void)
{
  g_autoptr(XmppJid) odysseus = parse_ok ("ΟΔΥΣΣΕΥΣ@example.com");
  g_autoptr(XmppJid) sigma = parse_ok ("Σ@example.com");

  g_assert_cmpstr (xmpp_jid_get_local (odysseus), ==, "οδυσσευς");
  /* Without a cased letter before it, a sigma is not final. */
  g_assert_cmpstr (xmpp_jid_get_local (sigma), ==, "σ");
}

/* The same JID must compare equal whatever the desktop's locale is, so
 * the dotted and dotless i follow the default (not Turkish) mapping. */
static void
test_localpart_lowercasing_ignores_locale (void)
{
  g_autoptr(XmppJid) ivan = parse_ok ("IVAN@example.com");
  g_autoptr(XmppJid) dotted = parse_ok ("İ@example.com");

  g_assert_cmpstr (xmpp_jid_get_local (ivan), ==, "ivan");
  g_assert_cmpstr (xmpp_jid_get_local (dotted), ==, "i\xcc\x87");
}

static void
test_localpart_width_mapping (void)
{
  assert_same_jid ("ａｌｉｃｅ@example.com", "alice@example.com");
  assert_same_jid ("ＡＬＩＣＥ@example.com", "alice@example.com");
  /* Halfwidth katakana become their ordinary forms. */
  assert_same_jid ("ｶ@example.com", "カ@example.com");
}

static void
test_localpart_nfc (void)
{
  assert_same_jid ("e\xcc\x81@example.com", "é@example.com");
  assert_same_jid ("alice@example.com/e\xcc\x81", "alice@example.com/é");
}

static void
test_localpart_context_rules (void)
{
  /* RFC 5892 A.3: the middle dot only between two 'l' (Catalan). */
  g_autoptr(XmppJid) catalan = parse_ok ("col·lega@example.com");

  g_assert_cmpstr (xmpp_jid_get_local (catalan), ==, "col·lega");
  assert_parse_error ("a·b@example.com", XMPP_JID_ERROR_INVALID_LOCAL,
                      "localpart");
}

static void
test_idn_domain_equals_a_label (void)
{
  g_autoptr(XmppJid) jid = parse_ok ("user@ÄÖÜ.example");

  /* Stored as lower-case U-labels. */
  g_assert_cmpstr (xmpp_jid_get_domain (jid), ==, "äöü.example");
  assert_same_jid ("user@ÄÖÜ.example", "user@xn--4ca0bs.example");
  assert_same_jid ("user@XN--4CA0BS.example", "user@äöü.example");
  /* IDNA2008 non-transitional: ß is kept, not mapped to “ss”. */
  assert_different_jids ("user@faß.de", "user@fass.de");
  assert_same_jid ("user@faß.de", "user@xn--fa-hia.de");
}

static void
test_domain_trailing_dot (void)
{
  assert_same_jid ("user@example.com.", "user@example.com");
  assert_same_jid ("example.com./r", "example.com/r");
  assert_parse_error ("user@example.com..", XMPP_JID_ERROR_INVALID_DOMAIN,
                      "domainpart");
  assert_parse_error ("user@.", XMPP_JID_ERROR_EMPTY, "domainpart");
}

static void
test_domain_fullwidth_dot (void)
{
  assert_same_jid ("user@example．com", "user@example.com");
}

static void
test_domain_ip_literals (void)
{
  g_autoptr(XmppJid) v4 = parse_ok ("user@127.0.0.1/r");
  g_autoptr(XmppJid) v6 = parse_ok ("user@[::1]/r");

  g_assert_cmpstr (xmpp_jid_get_domain (v4), ==, "127.0.0.1");
  g_assert_cmpstr (xmpp_jid_get_domain (v6), ==, "[::1]");
  assert_same_jid ("user@[0:0:0:0:0:0:0:1]", "user@[::1]");
  assert_same_jid ("user@[2001:DB8::A]", "user@[2001:db8::a]");

  assert_parse_error ("user@[127.0.0.1]", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@[fe80::1%eth0]", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@[::1", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@[nothing]", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@::1", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
}

static void
test_resource_may_hold_separators (void)
{
  g_autoptr(XmppJid) jid = parse_ok ("room@muc.example.com/nick@home/x");

  g_assert_cmpstr (xmpp_jid_get_local (jid), ==, "room");
  g_assert_cmpstr (xmpp_jid_get_domain (jid), ==, "muc.example.com");
  g_assert_cmpstr (xmpp_jid_get_resource (jid), ==, "nick@home/x");
}

static void
test_resource_spaces_are_mapped (void)
{
  g_autoptr(XmppJid) jid = parse_ok ("room@muc.example.com/Mr\xc2\xa0Smith");
  g_autoptr(XmppJid) emoji = parse_ok ("room@muc.example.com/🐱 cat");

  g_assert_cmpstr (xmpp_jid_get_resource (jid), ==, "Mr Smith");
  g_assert_cmpstr (xmpp_jid_get_resource (emoji), ==, "🐱 cat");
}

/* Each part may be 1023 bytes once prepared, whatever its raw length. */
static void
test_longest_parts (void)
{
  g_autofree char *local = repeat ("a", 1023);
  g_autofree char *resource = repeat ("r", 1023);
  g_autofree char *wide = repeat ("ａ", 1023);  /* 3069 raw bytes */
  g_autofree char *str = g_strdup_printf ("%s@example.com/%s", local, resource);
  g_autofree char *str_wide = g_strdup_printf ("%s@example.com", wide);
  g_autoptr(XmppJid) jid = parse_ok (str);
  g_autoptr(XmppJid) jid_wide = parse_ok (str_wide);

  g_assert_cmpuint (strlen (xmpp_jid_get_local (jid)), ==, 1023);
  g_assert_cmpuint (strlen (xmpp_jid_get_resource (jid)), ==, 1023);
  g_assert_cmpstr (xmpp_jid_get_local (jid_wide), ==, local);
}

/* Construction and derived JIDs */

static void
test_new_from_parts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) built = xmpp_jid_new ("Alice", "Example.COM", "Phone", &error);
  g_autoptr(XmppJid) parsed = parse_ok ("alice@example.com/Phone");
  g_autoptr(XmppJid) server = xmpp_jid_new (NULL, "example.com", NULL, &error);

  g_assert_no_error (error);
  g_assert_true (xmpp_jid_equal (built, parsed));
  g_assert_cmpstr (xmpp_jid_to_string (server), ==, "example.com");
}

/* A part holding a separator would turn into another JID once printed
 * and parsed again. */
static void
test_new_refuses_separators_in_parts (void)
{
  const char *locals[] = { "a@b", "a/b", "a\"b", "a&b", "a'b", "a:b", "a<b", "a>b", "a b" };
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) domain_slash = xmpp_jid_new ("a", "b/c", NULL, &error);
  g_autoptr(XmppJid) empty_local = NULL;
  g_autoptr(XmppJid) empty_resource = NULL;

  g_assert_null (domain_slash);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_DOMAIN);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (locals); i++)
    {
      g_autoptr(XmppJid) jid = xmpp_jid_new (locals[i], "example.com", NULL, &error);

      g_assert_null (jid);
      g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_LOCAL);
      g_clear_error (&error);
    }

  empty_local = xmpp_jid_new ("", "example.com", NULL, &error);
  g_assert_null (empty_local);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_EMPTY);
  g_clear_error (&error);

  empty_resource = xmpp_jid_new ("a", "example.com", "", &error);
  g_assert_null (empty_resource);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_EMPTY);
}

static void
test_dup_bare (void)
{
  g_autoptr(XmppJid) full = parse_ok ("alice@example.com/phone");
  g_autoptr(XmppJid) bare = xmpp_jid_dup_bare (full);
  g_autoptr(XmppJid) bare_again = xmpp_jid_dup_bare (bare);

  g_assert_true (xmpp_jid_is_bare (bare));
  g_assert_cmpstr (xmpp_jid_to_string (bare), ==, "alice@example.com");
  g_assert_true (xmpp_jid_equal_bare (full, bare));
  g_assert_false (xmpp_jid_equal (full, bare));
  /* A bare JID is immutable and shared. */
  g_assert_true (bare_again == bare);
}

static void
test_with_resource (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) full = parse_ok ("alice@example.com/phone");
  g_autoptr(XmppJid) laptop = xmpp_jid_with_resource (full, "Laptop\xe3\x80\x80one", &error);
  g_autoptr(XmppJid) bare = xmpp_jid_with_resource (full, NULL, &error);
  g_autoptr(XmppJid) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (laptop), ==, "alice@example.com/Laptop one");
  g_assert_true (xmpp_jid_is_bare (bare));
  g_assert_true (xmpp_jid_equal_bare (full, laptop));

  bad = xmpp_jid_with_resource (full, "x\x01y", &error);
  g_assert_null (bad);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_RESOURCE);
}

static void
test_equal_and_hash (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (xmpp_jid_hash, xmpp_jid_equal,
                                                     (GDestroyNotify) xmpp_jid_unref,
                                                     NULL);
  g_autoptr(XmppJid) lookup = parse_ok ("ALICE@EXAMPLE.COM/phone");
  g_autoptr(XmppJid) other = parse_ok ("alice@example.com/Phone");

  g_hash_table_add (seen, parse_ok ("alice@example.com/phone"));
  g_hash_table_add (seen, parse_ok ("Alice@Example.com/phone"));
  g_hash_table_add (seen, parse_ok ("bob@example.com"));

  g_assert_cmpuint (g_hash_table_size (seen), ==, 2);
  g_assert_true (g_hash_table_contains (seen, lookup));
  g_assert_false (g_hash_table_contains (seen, other));

  g_assert_true (xmpp_jid_equal (NULL, NULL));
  g_assert_false (xmpp_jid_equal (lookup, NULL));
  g_assert_false (xmpp_jid_equal_bare (NULL, lookup));
  g_assert_true (xmpp_jid_equal_bare (lookup, other));
}

static void
test_boxed_refcount (void)
{
  g_autoptr(XmppJid) jid = parse_ok ("alice@example.com");
  XmppJid *copy = g_boxed_copy (XMPP_TYPE_JID, jid);

  g_assert_true (copy == jid);
  g_boxed_free (XMPP_TYPE_JID, copy);
  xmpp_jid_unref (xmpp_jid_ref (jid));
  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, "alice@example.com");
  g_assert_true (G_TYPE_IS_BOXED (XMPP_TYPE_JID));
}

/* Whatever was prepared once is stable: printing and parsing again
 * yields the same JID. */
static void
test_prepared_form_is_stable (void)
{
  const char *inputs[] = {
    "Alice@Example.COM/Phone", "ΟΔΥΣΣΕΥΣ@ÄÖÜ.example/x", "İ@xn--4ca0bs.example",
    "ｶ@example.com./ｶ", "user@[2001:DB8::A]/r", "e\xcc\x81@127.0.0.1",
    "a@b/c@d/e", "col·lega@faß.de/Mr\xc2\xa0Smith",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(XmppJid) jid = parse_ok (inputs[i]);
      g_autoptr(XmppJid) again = parse_ok (xmpp_jid_to_string (jid));

      g_assert_cmpstr (xmpp_jid_to_string (jid), ==, xmpp_jid_to_string (again));
      g_assert_true (xmpp_jid_equal (jid, again));
    }
}

/* Errors */

static void
test_error_empty (void)
{
  assert_parse_error ("", XMPP_JID_ERROR_EMPTY, NULL);
  assert_parse_error ("@example.com", XMPP_JID_ERROR_EMPTY, "localpart");
  assert_parse_error ("user@", XMPP_JID_ERROR_EMPTY, "domainpart");
  assert_parse_error ("user@/r", XMPP_JID_ERROR_EMPTY, "domainpart");
  assert_parse_error ("/r", XMPP_JID_ERROR_EMPTY, "domainpart");
  assert_parse_error ("user@example.com/", XMPP_JID_ERROR_EMPTY, "resourcepart");
  assert_parse_error ("@", XMPP_JID_ERROR_EMPTY, NULL);
}

static void
test_error_message_names_part_and_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = xmpp_jid_parse ("a<b@example.com", &error);

  g_assert_null (jid);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_LOCAL);
  g_assert_true (g_str_has_prefix (error->message,
                                   "Invalid localpart in “a<b@example.com”"));
}

static void
test_error_forbidden_localpart_chars (void)
{
  const char *bad[] = {
    "a\"b@example.com", "a&b@example.com", "a'b@example.com",
    "a:b@example.com", "a<b@example.com", "a>b@example.com",
    "a b@example.com", "a\tb@example.com", "a\xe2\x80\x8b" "b@example.com",
    "🐱@example.com", "a\xe3\x80\x80" "b@example.com",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_parse_error (bad[i], XMPP_JID_ERROR_INVALID_LOCAL, "localpart");
}

/* RFC 7622 §3.1: separators are found before any mapping, so a fullwidth
 * '＠' or '／' cannot move the boundary between localpart and domain. */
static void
test_fullwidth_separators_do_not_split (void)
{
  assert_parse_error ("admin＠example.com@evil.example",
                      XMPP_JID_ERROR_INVALID_LOCAL, "localpart");
  assert_parse_error ("user@example.com＠evil.example",
                      XMPP_JID_ERROR_INVALID_DOMAIN, "domainpart");
  assert_parse_error ("user@example.com／evil",
                      XMPP_JID_ERROR_INVALID_DOMAIN, "domainpart");
}

/* RFC 7622 §3.2: the localpart ends at the first '@'. */
static void
test_error_second_at_sign (void)
{
  assert_parse_error ("a@b@c", XMPP_JID_ERROR_INVALID_DOMAIN, "domainpart");
}

static void
test_error_domain (void)
{
  assert_parse_error ("user@exa mple.com", XMPP_JID_ERROR_INVALID_DOMAIN, "domainpart");
  assert_parse_error ("user@exa\xc2\xa0mple.com", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@exa\x01mple.com", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@a..b", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@.example.com", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@exa!mple.com", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@-example.com", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@🐱.example", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@xn--zz.example", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
  assert_parse_error ("user@xn--ls8h.example", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
}

static void
test_error_too_long (void)
{
  g_autofree char *local = repeat ("a", 1024);
  g_autofree char *resource = repeat ("r", 1024);
  g_autofree char *huge = repeat ("a", 64 * 1024);
  g_autofree char *label = repeat ("d", 63);
  g_autofree char *domain = repeat ("ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd.", 16);
  g_autofree char *s1 = g_strdup_printf ("%s@example.com", local);
  g_autofree char *s2 = g_strdup_printf ("user@example.com/%s", resource);
  g_autofree char *s3 = g_strdup_printf ("user@%s", domain);
  g_autofree char *s4 = g_strdup_printf ("%s@example.com", huge);
  g_autofree char *s5 = g_strdup_printf ("user@%s.example", label);

  g_assert_cmpuint (strlen (domain), ==, 1024);
  assert_parse_error (s1, XMPP_JID_ERROR_TOO_LONG, "localpart");
  assert_parse_error (s2, XMPP_JID_ERROR_TOO_LONG, "resourcepart");
  assert_parse_error (s3, XMPP_JID_ERROR_TOO_LONG, "domainpart");
  assert_parse_error (s4, XMPP_JID_ERROR_TOO_LONG, "localpart");
  /* A 63-byte label is fine; the error above is about the whole name. */
  xmpp_jid_unref (parse_ok (s5));
}

/* A hostile JID must not flood a log line or a dialog. */
static void
test_error_message_is_bounded (void)
{
  g_autofree char *huge = repeat ("a\x01", 32 * 1024);
  g_autofree char *str = g_strdup_printf ("%s@example.com", huge);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = xmpp_jid_parse (str, &error);

  g_assert_null (jid);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_TOO_LONG);
  g_assert_cmpuint (strlen (error->message), <, 512);
  g_assert_nonnull (strstr (error->message, "…”"));
  g_assert_null (strchr (error->message, '\x01'));
}

static void
test_error_invalid_utf8 (void)
{
  assert_parse_error ("a\xff@example.com", XMPP_JID_ERROR_INVALID_LOCAL, "localpart");
  assert_parse_error ("user@example\xc0.com", XMPP_JID_ERROR_INVALID_DOMAIN, "domainpart");
  assert_parse_error ("example\xc3", XMPP_JID_ERROR_INVALID_DOMAIN, "domainpart");
  /* An encoded surrogate and an overlong '/' are not UTF-8 either. */
  assert_parse_error ("user@example.com/\xed\xa0\x80", XMPP_JID_ERROR_INVALID_RESOURCE,
                      "resourcepart");
  assert_parse_error ("user@example.com\xc0\xaf" "r", XMPP_JID_ERROR_INVALID_DOMAIN, NULL);
}

static void
test_error_control_chars_in_resource (void)
{
  assert_parse_error ("user@example.com/a\x01" "b", XMPP_JID_ERROR_INVALID_RESOURCE,
                      "resourcepart");
  assert_parse_error ("user@example.com/a\x7f" "b", XMPP_JID_ERROR_INVALID_RESOURCE, NULL);
  assert_parse_error ("user@example.com/a\nb", XMPP_JID_ERROR_INVALID_RESOURCE, NULL);
  assert_parse_error ("user@example.com/a\xc2\x85" "b", XMPP_JID_ERROR_INVALID_RESOURCE, NULL);
  /* Invisible characters could make two resources look alike. */
  assert_parse_error ("user@example.com/a\xe2\x80\x8b" "b", XMPP_JID_ERROR_INVALID_RESOURCE, NULL);
  assert_parse_error ("user@example.com/a\xe2\x80\xae" "b", XMPP_JID_ERROR_INVALID_RESOURCE, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/jid/parse/full", test_parse_full);
  g_test_add_func ("/xmpp/jid/parse/bare", test_parse_bare);
  g_test_add_func ("/xmpp/jid/parse/domain-only", test_parse_domain_only);
  g_test_add_func ("/xmpp/jid/local/case-mapped", test_localpart_is_case_mapped);
  g_test_add_func ("/xmpp/jid/local/sharp-s-not-folded", test_localpart_sharp_s_is_not_folded);
  g_test_add_func ("/xmpp/jid/local/final-sigma", test_localpart_final_sigma);
  g_test_add_func ("/xmpp/jid/local/lowercasing-ignores-locale",
                   test_localpart_lowercasing_ignores_locale);
  g_test_add_func ("/xmpp/jid/local/width-mapping", test_localpart_width_mapping);
  g_test_add_func ("/xmpp/jid/local/nfc", test_localpart_nfc);
  g_test_add_func ("/xmpp/jid/local/context-rules", test_localpart_context_rules);
  g_test_add_func ("/xmpp/jid/resource/keeps-case", test_resource_keeps_case);
  g_test_add_func ("/xmpp/jid/resource/may-hold-separators", test_resource_may_hold_separators);
  g_test_add_func ("/xmpp/jid/resource/spaces-mapped", test_resource_spaces_are_mapped);
  g_test_add_func ("/xmpp/jid/domain/idn-equals-a-label", test_idn_domain_equals_a_label);
  g_test_add_func ("/xmpp/jid/domain/trailing-dot", test_domain_trailing_dot);
  g_test_add_func ("/xmpp/jid/domain/fullwidth-dot", test_domain_fullwidth_dot);
  g_test_add_func ("/xmpp/jid/domain/ip-literals", test_domain_ip_literals);
  g_test_add_func ("/xmpp/jid/longest-parts", test_longest_parts);
  g_test_add_func ("/xmpp/jid/new/from-parts", test_new_from_parts);
  g_test_add_func ("/xmpp/jid/new/refuses-separators-in-parts",
                   test_new_refuses_separators_in_parts);
  g_test_add_func ("/xmpp/jid/dup-bare", test_dup_bare);
  g_test_add_func ("/xmpp/jid/with-resource", test_with_resource);
  g_test_add_func ("/xmpp/jid/equal-and-hash", test_equal_and_hash);
  g_test_add_func ("/xmpp/jid/boxed-refcount", test_boxed_refcount);
  g_test_add_func ("/xmpp/jid/prepared-form-is-stable", test_prepared_form_is_stable);
  g_test_add_func ("/xmpp/jid/error/empty", test_error_empty);
  g_test_add_func ("/xmpp/jid/error/message-names-part-and-input",
                   test_error_message_names_part_and_input);
  g_test_add_func ("/xmpp/jid/error/forbidden-localpart-chars",
                   test_error_forbidden_localpart_chars);
  g_test_add_func ("/xmpp/jid/error/fullwidth-separators-do-not-split",
                   test_fullwidth_separators_do_not_split);
  g_test_add_func ("/xmpp/jid/error/second-at-sign", test_error_second_at_sign);
  g_test_add_func ("/xmpp/jid/error/domain", test_error_domain);
  g_test_add_func ("/xmpp/jid/error/too-long", test_error_too_long);
  g_test_add_func ("/xmpp/jid/error/message-is-bounded", test_error_message_is_bounded);
  g_test_add_func ("/xmpp/jid/error/invalid-utf8", test_error_invalid_utf8);
  g_test_add_func ("/xmpp/jid/error/control-chars-in-resource",
                   test_error_control_chars_in_resource);

  return g_test_run ();
}
