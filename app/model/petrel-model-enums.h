/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Enumerations of the model, registered as GTypes so properties and
 * GtkExpressions can carry them. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * PetrelPresenceShow:
 * @PETREL_PRESENCE_OFFLINE: unavailable, or no presence received
 * @PETREL_PRESENCE_ONLINE: available without a `<show/>`
 * @PETREL_PRESENCE_CHAT: free for chat
 * @PETREL_PRESENCE_AWAY: away
 * @PETREL_PRESENCE_XA: away for an extended period
 * @PETREL_PRESENCE_DND: do not disturb
 *
 * What a contact shows (RFC 6121 §4.7.2.1).
 */
typedef enum {
  PETREL_PRESENCE_OFFLINE,
  PETREL_PRESENCE_ONLINE,
  PETREL_PRESENCE_CHAT,
  PETREL_PRESENCE_AWAY,
  PETREL_PRESENCE_XA,
  PETREL_PRESENCE_DND,
} PetrelPresenceShow;

/**
 * PetrelAccountState:
 * @PETREL_ACCOUNT_OFFLINE: not connected, and not trying to
 * @PETREL_ACCOUNT_CONNECTING: connecting or authenticating
 * @PETREL_ACCOUNT_ONLINE: bound and usable
 * @PETREL_ACCOUNT_WAITING: the connection was lost; waiting to retry
 * @PETREL_ACCOUNT_FAILED: stopped trying (bad password, policy);
 *   PetrelAccount:error-message says why
 *
 * Mirrors PetrelSessionState of app/service value for value, so the
 * service may cast between them.
 */
typedef enum {
  PETREL_ACCOUNT_OFFLINE,
  PETREL_ACCOUNT_CONNECTING,
  PETREL_ACCOUNT_ONLINE,
  PETREL_ACCOUNT_WAITING,
  PETREL_ACCOUNT_FAILED,
} PetrelAccountState;

/**
 * PetrelConversationType:
 * @PETREL_CONVERSATION_CHAT: one-to-one chat
 * @PETREL_CONVERSATION_GROUPCHAT: a multi-user chat room (XEP-0045)
 */
typedef enum {
  PETREL_CONVERSATION_CHAT,
  PETREL_CONVERSATION_GROUPCHAT,
} PetrelConversationType;

#define PETREL_TYPE_PRESENCE_SHOW (petrel_presence_show_get_type ())
GType petrel_presence_show_get_type (void) G_GNUC_CONST;
#define PETREL_TYPE_ACCOUNT_STATE (petrel_account_state_get_type ())
GType petrel_account_state_get_type (void) G_GNUC_CONST;
#define PETREL_TYPE_CONVERSATION_TYPE (petrel_conversation_type_get_type ())
GType petrel_conversation_type_get_type (void) G_GNUC_CONST;

PetrelPresenceShow petrel_presence_show_from_xmpp (const char *type,
                                                   const char *show);
const char *petrel_presence_show_to_string (PetrelPresenceShow show);

G_END_DECLS
