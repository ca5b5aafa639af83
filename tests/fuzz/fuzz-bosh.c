/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for one BOSH response body (XEP-0124) through the
 * transport's parser, with small limits, and the terminate conditions.
 *
 * Any input is either refused with an XMPP_READER_ERROR or
 * XMPP_TRANSPORT_ERROR, or gives a <body/> in the httpbind namespace that
 * serialises and parses back.  A broken invariant calls abort().
 */
#include "http-bosh-transport.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check (gboolean ok)
{
  if (!ok)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const XmppReaderLimits limits = { .max_stanza_size = 16 * 1024, .max_depth = 16,
                                    .max_attrs = 16 };
  g_autoptr(XmppNode) body = NULL;
  g_autoptr(GError) error = NULL;

  if (!http_bosh_parse_body ((const char *) data, size, &limits, &body, &error))
    {
      check (body == NULL);
      check (error != NULL && (error->domain == XMPP_READER_ERROR ||
                               error->domain == XMPP_TRANSPORT_ERROR));
      return 0;
    }
  check (error == NULL);
  check (xmpp_node_is (body, "body", HTTP_NS_HTTPBIND));

  {
    g_autofree char *text = xmpp_node_to_string (body);
    g_autoptr(XmppNode) again = NULL;
    g_autoptr(GError) error2 = NULL;
    g_autoptr(GError) terminate = NULL;

    check (http_bosh_parse_body (text, strlen (text), NULL, &again, &error2));
    check (xmpp_node_equal (body, again));
    terminate = http_bosh_terminate_error (body);
    if (terminate != NULL)
      check (g_utf8_validate (terminate->message, -1, NULL));
  }
  return 0;
}
