/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0352: Client State Indication, version 1.0.0.
 */
#define G_LOG_DOMAIN "xep-0352-csi"

#include "xep-0352-csi.h"

/* Set on the client once it has told the server it is inactive; a new
 * stream is a new client, which starts active (§5). */
#define INACTIVE_KEY "xep-0352-csi-inactive"

gboolean
xmpp_csi_is_supported (XmppClient *client)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), FALSE);

  return xmpp_client_get_stream_feature (client, "csi", XMPP_NS_CSI) != NULL;
}

gboolean
xmpp_csi_get_active (XmppClient *client)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), TRUE);

  return g_object_get_data (G_OBJECT (client), INACTIVE_KEY) == NULL;
}

void
xmpp_csi_set_active (XmppClient *client,
                     gboolean    active)
{
  g_autoptr (XmppNode) nonza = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (client));

  active = !!active;
  if (active == xmpp_csi_get_active (client))
    return;
  if (!xmpp_csi_is_supported (client) || !xmpp_client_is_connected (client))
    return;

  /* Straight to the stream: a nonza must not go through anything that
   * counts or queues stanzas (XEP-0198). */
  nonza = xmpp_node_new (active ? "active" : "inactive", XMPP_NS_CSI);
  xmpp_client_send_nonza (client, nonza);

  g_object_set_data (G_OBJECT (client), INACTIVE_KEY, active ? NULL : GINT_TO_POINTER (1));
  g_debug ("told the server the client is %s", active ? "active" : "inactive");
}
