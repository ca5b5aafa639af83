/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-router: libFuzzer target for the stanza router (XmppClient) with
 * the XEP modules behind it, attached as PetrelSession attaches them:
 * ping, disco, caps, version, roster, MAM, carbons, receipts, markers
 * and stream management.
 *
 * The input is what a server sends after the stream header, on an
 * in-memory stream: a GSimpleIOStream over a memory input (header, then
 * the input, then the end of the data) and a memory output that collects
 * whatever the client answers.  The main loop runs until the client has
 * seen the end of the stream; then everything is freed, so LeakSanitizer
 * sees leaks per input.
 *
 * Two requests are outstanding when the input starts, with fixed ids, so
 * inputs can answer (or spoof answers to) them: a disco#info to
 * romeo@montague.example/orchard (id "fuzz-disco") and one to the own
 * account (id "fuzz-own").  Stream management is being enabled, so an
 * <enabled/> in the input turns on acks and <r/>/<a/> handling.
 *
 *   ninja -C build-fuzz tests/fuzz/fuzz-router
 *   build-fuzz/tests/fuzz/fuzz-router -max_total_time=120 tests/fuzz/corpus/router
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xep-0030-disco.h"
#include "xep-0092-version.h"
#include "xep-0115-caps.h"
#include "xep-0184-receipts.h"
#include "xep-0198-sm.h"
#include "xep-0199-ping.h"
#include "xep-0280-carbons.h"
#include "xep-0313-mam.h"
#include "xep-0333-markers.h"
#include "xmpp-client.h"
#include "xmpp-roster.h"
#include "xmpp-stream.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define OWN_JID "juliet@localhost/petrel"
#define HEADER                                                 \
  "<stream:stream xmlns='jabber:client'"                       \
  " xmlns:stream='http://etherx.jabber.org/streams'"           \
  " from='localhost' id='fuzz' version='1.0'>"

/* Bounds the main loop per input; an input that keeps the client busy
 * longer than this is a hang worth reporting. */
#define MAX_ITERATIONS 100000

typedef struct
{
  gboolean header_read;
  gboolean disconnected;
  guint n_callbacks;
} State;

static void
header_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  State *state = user_data;
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;

  xmpp_stream_read_finish (XMPP_STREAM (source), result, &node, &error);
  state->header_read = TRUE;
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 State        *state)
{
  state->disconnected = TRUE;
}

/* The modules' callbacks only count: what they get must be safe to
 * look at, which is checked by touching every field. */

static void
carbon_cb (XmppClient *client,
           XmppNode   *message,
           gboolean    sent,
           gpointer    user_data)
{
  State *state = user_data;
  g_autofree char *xml = xmpp_node_to_string (message);

  state->n_callbacks += strlen (xml) > 0;
}

static void
receipt_cb (XmppClient *client,
            XmppJid    *from,
            const char *id,
            gpointer    user_data)
{
  State *state = user_data;

  state->n_callbacks += strlen (xmpp_jid_to_string (from)) + strlen (id) > 0;
}

static void
marker_cb (XmppClient     *client,
           XmppJid        *from,
           XmppMarkerType  type,
           const char     *id,
           gpointer        user_data)
{
  State *state = user_data;

  state->n_callbacks += strlen (xmpp_jid_to_string (from)) + strlen (id) > 0;
}

static void
roster_push_cb (XmppClient     *client,
                XmppRosterItem *item,
                const char     *ver,
                gpointer        user_data)
{
  State *state = user_data;

  state->n_callbacks += strlen (xmpp_jid_to_string (xmpp_roster_item_get_jid (item))) > 0;
}

static gboolean
any_message_cb (XmppClient    *client,
                XmppNode      *stanza,
                XmppJid       *from,
                gpointer       user_data)
{
  State *state = user_data;

  state->n_callbacks += xmpp_node_get_child_text (stanza, "body", NULL) != NULL;
  return FALSE;
}

static void
iq_cb (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  State *state = user_data;
  g_autoptr(XmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = xmpp_client_send_iq_finish (XMPP_CLIENT (source), result, &error);
  state->n_callbacks += reply != NULL;
}

static void
send_request (XmppClient *client,
              const char *id,
              const char *to,
              State      *state)
{
  g_autoptr(XmppNode) iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                                            XMPP_BUILD_ATTR, "type", "get",
                                            XMPP_BUILD_ATTR, "id", id,
                                            XMPP_BUILD_ATTR, "to", to,
                                            XMPP_BUILD_CHILD, "query", XMPP_NS_DISCO_INFO,
                                            XMPP_BUILD_END);

  xmpp_client_send_iq_async (client, iq, 0, NULL, iq_cb, state);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GOutputStream) output = NULL;
  g_autoptr(GIOStream) io = NULL;
  g_autoptr(XmppStream) stream = NULL;
  g_autoptr(XmppClient) client = NULL;
  g_autoptr(XmppJid) jid = xmpp_jid_parse (OWN_JID, NULL);
  g_autoptr(XmppCapsCache) caps = xmpp_caps_cache_new ();
  g_autoptr(XmppSm) sm = xmpp_sm_new ();
  g_autoptr(XmppNode) features = NULL;
  State state = { 0 };
  guint iterations = 0;

  input = g_memory_input_stream_new_from_data (HEADER, strlen (HEADER), NULL);
  g_memory_input_stream_add_data (G_MEMORY_INPUT_STREAM (input), g_memdup2 (data, size), size, g_free);
  output = g_memory_output_stream_new_resizable ();
  io = g_simple_io_stream_new (input, output);
  stream = xmpp_stream_new (io, NULL);

  xmpp_stream_read_async (stream, NULL, header_cb, &state);
  while (!state.header_read)
    g_main_context_iteration (NULL, TRUE);

  client = xmpp_client_new (stream, jid);
  g_signal_connect (client, "disconnected", G_CALLBACK (disconnected_cb), &state);
  features = xmpp_node_build ("features", XMPP_NS_STREAM,
                              XMPP_BUILD_CHILD, "sm", XMPP_NS_SM, XMPP_BUILD_UP,
                              XMPP_BUILD_END);
  xmpp_client_set_stream_features (client, features);

  /* As PetrelSession attaches them (attach_modules() and
   * petrel_session_messages_attach_client()). */
  xmpp_ping_attach (client);
  xmpp_disco_attach (client);
  xmpp_caps_attach (client, caps, "https://petrel.im");
  xmpp_version_attach (client, "Petrel", "0", NULL);
  xmpp_roster_attach (client, roster_push_cb, &state, NULL);
  xmpp_mam_attach (client);
  xmpp_carbons_attach (client, carbon_cb, &state, NULL);
  xmpp_receipts_attach (client, receipt_cb, &state, NULL);
  xmpp_markers_attach (client, marker_cb, &state, NULL);
  xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 50,
                           any_message_cb, &state, NULL);
  xmpp_sm_attach (sm, client);
  xmpp_sm_enable (sm);

  send_request (client, "fuzz-disco", "romeo@montague.example/orchard", &state);
  send_request (client, "fuzz-own", "juliet@localhost", &state);

  /* The end of the input is the end of the connection. */
  while (!state.disconnected && iterations++ < MAX_ITERATIONS)
    g_main_context_iteration (NULL, TRUE);
  if (!state.disconnected)
    abort ();

  xmpp_sm_reset (sm);
  g_clear_object (&client);
  g_clear_object (&stream);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return 0;
}
