/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "http-wire"

#include "http-wire.h"

static void
count_header (const char *name,
              const char *value,
              gpointer    user_data)
{
  guint64 *n = user_data;

  *n += strlen (name) + 2 + strlen (value) + 2;
}

guint64
http_wire_headers_size (SoupMessageHeaders *headers)
{
  guint64 n = 0;

  g_return_val_if_fail (headers != NULL, 0);

  soup_message_headers_foreach (headers, count_header, &n);
  return n;
}

guint64
http_wire_response_head_size (SoupMessage *msg)
{
  const char *reason;

  g_return_val_if_fail (SOUP_IS_MESSAGE (msg), 0);

  /* The status code has three digits. */
  reason = soup_message_get_reason_phrase (msg);
  return strlen ("HTTP/1.1 000 \r\n\r\n") + (reason != NULL ? strlen (reason) : 0) +
         http_wire_headers_size (soup_message_get_response_headers (msg));
}
