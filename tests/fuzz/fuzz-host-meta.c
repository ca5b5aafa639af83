/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the XEP-0156 host-meta parsers (XRD and JSON).
 *
 * Any input is either refused with an HTTP_DISCOVERY_ERROR, or accepted;
 * an endpoint found is always a wss:// (WebSocket) or https:// (BOSH)
 * URL.  A broken invariant calls abort(), which libFuzzer reports.
 */
#include "http-discovery.h"

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

static void
check_endpoints (const XmppTransportEndpoints *e)
{
  if (e->websocket_url != NULL)
    check (g_str_has_prefix (e->websocket_url, "wss://"));
  if (e->bosh_url != NULL)
    check (g_str_has_prefix (e->bosh_url, "https://"));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  for (int json = 0; json < 2; json++)
    {
      g_autoptr(XmppTransportEndpoints) e = g_new0 (XmppTransportEndpoints, 1);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      ok = json ? http_discovery_parse_json ((const char *) data, size, e, &error)
                : http_discovery_parse_xrd ((const char *) data, size, e, &error);
      if (!ok)
        {
          check (error != NULL && error->domain == HTTP_DISCOVERY_ERROR);
          check (e->websocket_url == NULL && e->bosh_url == NULL);
        }
      else
        check (error == NULL);
      check_endpoints (e);
    }
  return 0;
}
