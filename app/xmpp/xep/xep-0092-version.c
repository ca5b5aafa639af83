/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0092: Software Version, version 1.1.
 */
#define G_LOG_DOMAIN "xep-0092-version"

#include "xep-0092-version.h"

#include "xmpp-error.h"

#define ATTACH_KEY "xep-0092-version-handler"

typedef struct {
  char *name;
  char *version;
  char *os;
} VersionInfo;

static void
version_info_free (gpointer data)
{
  VersionInfo *info = data;

  g_free (info->name);
  g_free (info->version);
  g_free (info->os);
  g_free (info);
}

static gboolean
version_request_cb (XmppClient *client,
                    XmppNode   *stanza,
                    XmppJid    *from,
                    gpointer    user_data)
{
  const VersionInfo *info = user_data;
  g_autoptr (XmppNode) reply = xmpp_stanza_make_result (stanza);
  XmppNode *query;

  /* §2: <name/> and <version/> are required, <os/> optional. */
  query = xmpp_node_add_child (reply, "query", XMPP_NS_VERSION);
  xmpp_node_set_text (xmpp_node_add_child (query, "name", NULL), info->name);
  xmpp_node_set_text (xmpp_node_add_child (query, "version", NULL), info->version);
  if (info->os != NULL)
    xmpp_node_set_text (xmpp_node_add_child (query, "os", NULL), info->os);

  xmpp_client_send (client, reply);
  return TRUE;
}

void
xmpp_version_attach (XmppClient *client,
                     const char *name,
                     const char *version,
                     const char *os)
{
  VersionInfo *info;
  guint id;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (name != NULL);
  g_return_if_fail (version != NULL);

  xmpp_version_detach (client);

  info = g_new0 (VersionInfo, 1);
  info->name = g_strdup (name);
  info->version = g_strdup (version);
  info->os = g_strdup (os);

  id = xmpp_client_add_handler (client, XMPP_STANZA_IQ_GET,
                                "query", XMPP_NS_VERSION,
                                XMPP_SENDER_ANY, 0,
                                version_request_cb, info, version_info_free);
  g_object_set_data (G_OBJECT (client), ATTACH_KEY, GUINT_TO_POINTER (id));
  xmpp_client_add_feature (client, XMPP_NS_VERSION);
}

void
xmpp_version_detach (XmppClient *client)
{
  guint id;

  g_return_if_fail (XMPP_IS_CLIENT (client));

  id = GPOINTER_TO_UINT (g_object_steal_data (G_OBJECT (client), ATTACH_KEY));
  if (id != 0)
    xmpp_client_remove_handler (client, id);
}
