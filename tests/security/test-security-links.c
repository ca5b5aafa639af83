/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SECURITY.md, links (CVE-2011-3185): aesgcm:// links are never linkified
 * or handed to a browser; file:// and other local schemes are never opened
 * automatically.  Drives the chat view's XEP-0393 styling
 * (app/ui/petrel-styling.c), which decides what becomes a link.
 */
#include <string.h>

#include "petrel-styling.h"

static void
test_aesgcm_and_local_links_never_linkified_cve_2011_3185 (void)
{
  const char *refused[] = {
    "aesgcm://upload.example/f/abc.jpg#0123456789abcdef",
    "file:///etc/passwd",
    "file://localhost/home/juliet/.ssh/id_ed25519",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "smb://evil.example/share",
    "ssh://evil.example",
    "HTTPS\x01://evil",
    "",
  };
  const char *allowed[] = {
    "https://petrel.im/",
    "http://example.com/a?b=c",
    "xmpp:romeo@montague.example?message",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *text = g_strdup_printf ("look: %s !", refused[i]);
      g_autofree char *markup = petrel_styling_to_markup (text, PETREL_STYLING_LINKS);

      g_test_message ("refused: %s → %s", refused[i], markup);
      g_assert_false (petrel_styling_is_safe_uri (refused[i]));
      g_assert_null (strstr (markup, "<a "));
      g_assert_null (strstr (markup, "href"));
    }

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autofree char *text = g_strdup_printf ("look: %s !", allowed[i]);
      g_autofree char *markup = petrel_styling_to_markup (text, PETREL_STYLING_LINKS);

      g_assert_true (petrel_styling_is_safe_uri (allowed[i]));
      g_assert_nonnull (strstr (markup, "<a href="));
    }

  g_assert_false (petrel_styling_is_safe_uri (NULL));
}

/* An aesgcm link right after an allowed one, or inside styling, is still
 * not a link. */
static void
test_aesgcm_next_to_a_link_stays_text_cve_2011_3185 (void)
{
  g_autofree char *markup = petrel_styling_to_markup ("https://a.example *aesgcm://b.example/x#k* _file:///tmp/x_",
                                                      PETREL_STYLING_LINKS);
  const char *first = strstr (markup, "href");

  g_assert_nonnull (first);
  g_assert_null (strstr (first + 1, "href"));
  g_assert_null (strstr (markup, "href=\"aesgcm"));
  g_assert_null (strstr (markup, "href=\"file"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/security/links/aesgcm-and-local-never-linkified/CVE-2011-3185",
                   test_aesgcm_and_local_links_never_linkified_cve_2011_3185);
  g_test_add_func ("/security/links/aesgcm-next-to-a-link-stays-text/CVE-2011-3185",
                   test_aesgcm_next_to_a_link_stays_text_cve_2011_3185);
  return g_test_run ();
}
