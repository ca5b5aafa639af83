/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A presence is shown with an icon whose shape differs per state as well
 * as its colour (style.css), so it reads without colour vision and in high
 * contrast, and with words for tooltips and screen readers.
 */
#define G_LOG_DOMAIN "petrel-presence"

#include <glib/gi18n.h>

#include "petrel-presence.h"

const char *
petrel_presence_icon_name (PetrelPresenceShow show)
{
  switch (show)
    {
    case PETREL_PRESENCE_ONLINE:
    case PETREL_PRESENCE_CHAT:
      return "user-available-symbolic";
    case PETREL_PRESENCE_AWAY:
    case PETREL_PRESENCE_XA:
      return "user-away-symbolic";
    case PETREL_PRESENCE_DND:
      return "user-busy-symbolic";
    case PETREL_PRESENCE_OFFLINE:
    default:
      return "user-offline-symbolic";
    }
}

const char *
petrel_presence_describe (PetrelPresenceShow show)
{
  switch (show)
    {
    case PETREL_PRESENCE_ONLINE:
      return _("Available");
    case PETREL_PRESENCE_CHAT:
      return _("Free to chat");
    case PETREL_PRESENCE_AWAY:
      return _("Away");
    case PETREL_PRESENCE_XA:
      return _("Away for a while");
    case PETREL_PRESENCE_DND:
      return _("Busy");
    case PETREL_PRESENCE_OFFLINE:
    default:
      return _("Offline");
    }
}

const char *
petrel_presence_style_class (PetrelPresenceShow show)
{
  switch (show)
    {
    case PETREL_PRESENCE_ONLINE:
    case PETREL_PRESENCE_CHAT:
      return "available";
    case PETREL_PRESENCE_AWAY:
    case PETREL_PRESENCE_XA:
      return "away";
    case PETREL_PRESENCE_DND:
      return "busy";
    case PETREL_PRESENCE_OFFLINE:
    default:
      return "offline";
    }
}

/* @nick: "online", "away", …, as petrel_presence_show_to_string () gives;
 * anything else is online. */
PetrelPresenceShow
petrel_presence_from_nick (const char *nick)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (PETREL_TYPE_PRESENCE_SHOW);
  GEnumValue *value = nick != NULL ? g_enum_get_value_by_nick (klass, nick) : NULL;

  return value != NULL ? (PetrelPresenceShow) value->value : PETREL_PRESENCE_ONLINE;
}
