/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: one WebSocket text message as the server might send it
 * (RFC 7395: exactly one element), through the transport's parser with
 * small limits.  Whatever it accepts must serialise and parse back to the
 * same event; whatever it refuses must come with an error and no element.
 */
#include <stdint.h>
#include <stdlib.h>

#include "http-websocket-transport.h"
#include "xmpp-writer.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const XmppReaderLimits limits = {
    .max_stanza_size = 64 * 1024,
    .max_depth = 16,
    .max_attrs = 16,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(XmppNode) again = NULL;
  g_autoptr(GString) text = NULL;
  XmppReaderEvent event, again_event;

  event = http_websocket_parse_message ((const char *) data, size, &limits, &node, &error);
  if (event == XMPP_READER_EVENT_NONE)
    {
      if (error == NULL || node != NULL)
        abort ();
      return 0;
    }
  if (error != NULL || node == NULL)
    abort ();
  if ((event == XMPP_READER_EVENT_STREAM_OPEN) != xmpp_node_is (node, "open", HTTP_NS_FRAMING))
    abort ();

  /* What Petrel would write for it stands alone as one message again. */
  text = g_string_new (NULL);
  xmpp_writer_append (text, node, NULL);
  again_event = http_websocket_parse_message (text->str, text->len, NULL, &again, &again_error);
  if (again_event != event)
    abort ();

  return 0;
}
