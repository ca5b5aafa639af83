/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-model-enums"

#include "petrel-model-enums.h"

static const GEnumValue presence_show_values[] = {
  { PETREL_PRESENCE_OFFLINE, "PETREL_PRESENCE_OFFLINE", "offline" },
  { PETREL_PRESENCE_ONLINE, "PETREL_PRESENCE_ONLINE", "online" },
  { PETREL_PRESENCE_CHAT, "PETREL_PRESENCE_CHAT", "chat" },
  { PETREL_PRESENCE_AWAY, "PETREL_PRESENCE_AWAY", "away" },
  { PETREL_PRESENCE_XA, "PETREL_PRESENCE_XA", "xa" },
  { PETREL_PRESENCE_DND, "PETREL_PRESENCE_DND", "dnd" },
  { 0, NULL, NULL }
};

static const GEnumValue account_state_values[] = {
  { PETREL_ACCOUNT_OFFLINE, "PETREL_ACCOUNT_OFFLINE", "offline" },
  { PETREL_ACCOUNT_CONNECTING, "PETREL_ACCOUNT_CONNECTING", "connecting" },
  { PETREL_ACCOUNT_ONLINE, "PETREL_ACCOUNT_ONLINE", "online" },
  { PETREL_ACCOUNT_WAITING, "PETREL_ACCOUNT_WAITING", "waiting" },
  { PETREL_ACCOUNT_FAILED, "PETREL_ACCOUNT_FAILED", "failed" },
  { 0, NULL, NULL }
};

static const GEnumValue conversation_type_values[] = {
  { PETREL_CONVERSATION_CHAT, "PETREL_CONVERSATION_CHAT", "chat" },
  { PETREL_CONVERSATION_GROUPCHAT, "PETREL_CONVERSATION_GROUPCHAT", "groupchat" },
  { 0, NULL, NULL }
};

static GType
register_enum (const char       *name,
               const GEnumValue *values)
{
  return g_enum_register_static (g_intern_static_string (name), values);
}

GType
petrel_presence_show_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("PetrelPresenceShow", presence_show_values));

  return type;
}

GType
petrel_account_state_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("PetrelAccountState", account_state_values));

  return type;
}

GType
petrel_conversation_type_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("PetrelConversationType", conversation_type_values));

  return type;
}

/**
 * petrel_presence_show_from_xmpp:
 * @type: (nullable): the presence's `type` attribute
 * @show: (nullable): the text of its `<show/>` child
 *
 * Maps an availability presence (no type, or `unavailable`; the service
 * handles subscription and error presences elsewhere) to a
 * #PetrelPresenceShow: an
 * `unavailable` type is offline, no `<show/>` is online, and an unknown
 * `<show/>` value counts as online (RFC 6121 §4.7.2.1 lists four values;
 * a peer sending another one is still available).
 */
PetrelPresenceShow
petrel_presence_show_from_xmpp (const char *type,
                                const char *show)
{
  if (g_strcmp0 (type, "unavailable") == 0)
    return PETREL_PRESENCE_OFFLINE;
  if (g_strcmp0 (show, "chat") == 0)
    return PETREL_PRESENCE_CHAT;
  if (g_strcmp0 (show, "away") == 0)
    return PETREL_PRESENCE_AWAY;
  if (g_strcmp0 (show, "xa") == 0)
    return PETREL_PRESENCE_XA;
  if (g_strcmp0 (show, "dnd") == 0)
    return PETREL_PRESENCE_DND;

  return PETREL_PRESENCE_ONLINE;
}

/* The nick of the value: "offline", "online", "chat", "away", "xa", "dnd". */
const char *
petrel_presence_show_to_string (PetrelPresenceShow show)
{
  g_return_val_if_fail (show <= PETREL_PRESENCE_DND, NULL);

  return presence_show_values[show].value_nick;
}
