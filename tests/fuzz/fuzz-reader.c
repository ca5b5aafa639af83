/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-reader: libFuzzer target for XmppReader, XmppWriter and
 * xmpp_node_parse().
 *
 * The first input byte says where to split the rest into two feeds, so
 * chunk boundaries are fuzzed too.  Every node that comes out (stream
 * header or stanza) must survive a round trip: serialising it and parsing
 * the result gives an equal tree.  The whole input is also given to
 * xmpp_node_parse() (document mode), with the same round trip.
 *
 *   ninja -C build-fuzz tests/fuzz/fuzz-reader
 *   build-fuzz/tests/fuzz/fuzz-reader -max_total_time=120 tests/fuzz/corpus/reader
 */
#include "xmpp-reader.h"
#include "xmpp-writer.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_round_trip (const XmppNode *node)
{
  g_autofree char *xml = xmpp_node_to_string (node);
  g_autoptr(XmppNode) again = NULL;
  g_autoptr(GError) error = NULL;

  again = xmpp_node_parse (xml, -1, &error);
  if (again == NULL)
    {
      g_printerr ("Re-parsing failed: %s\n%s\n", error->message, xml);
      abort ();
    }
  if (!xmpp_node_equal (node, again))
    {
      g_autofree char *xml_again = xmpp_node_to_string (again);

      g_printerr ("Round trip changed the tree:\n%s\n%s\n", xml, xml_again);
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(XmppReader) reader = NULL;
  g_autoptr(XmppNode) document = NULL;
  const char *xml;
  gsize len, split;
  XmppReaderEvent event;
  XmppNode *node;

  if (size == 0)
    return 0;

  xml = (const char *) data + 1;
  len = size - 1;
  split = MIN (data[0], len);

  reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  if (xmpp_reader_feed (reader, xml, split, NULL))
    xmpp_reader_feed (reader, xml + split, len - split, NULL);

  while ((event = xmpp_reader_pop (reader, &node)) != XMPP_READER_EVENT_NONE)
    {
      if (node != NULL)
        {
          check_round_trip (node);
          xmpp_node_unref (node);
        }
    }

  document = xmpp_node_parse (xml, len, NULL);
  if (document != NULL)
    check_round_trip (document);

  return 0;
}
