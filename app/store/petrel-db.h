/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelDb: the SQLite database of one profile.
 *
 * One file per profile (`petrel.db` next to `accounts.ini`), in WAL mode,
 * its schema created and upgraded by the numbered steps of
 * petrel-db-migrations.c.  Every SQL statement of Petrel lives in
 * app/store; the rest of the app sees the plain structs below.
 *
 * The API is split by concern, one file each: accounts, conversations,
 * messages (dedup, states, history pages, corrections, search), the outbox,
 * the roster, entity-caps results and archive (MAM) catch-up positions.
 *
 * Conventions:
 * - Times are #gint64 microseconds since the epoch, UTC (g_get_real_time()).
 *   0 means "unknown" where a field says so.
 * - Row ids are #gint64 > 0.
 * - Every string may come from the network: it is bound as a parameter,
 *   never formatted into SQL, and must be valid UTF-8 (otherwise
 *   %PETREL_STORE_ERROR_INVALID, and nothing is written).  JIDs are stored
 *   exactly as given: the caller passes them already normalised.
 * - Functions that write several rows do so in one transaction.  They nest
 *   inside petrel_db_begin()/petrel_db_commit(), so a caller storing a page
 *   of archive results pays for one commit per page.
 * - A PetrelDb belongs to the thread that opened it (the main loop).
 */
#pragma once

#include <glib.h>

#include "petrel-store-error.h"

G_BEGIN_DECLS

typedef struct _PetrelDb PetrelDb;

/* Opening, closing, transactions (petrel-db.c) */

PetrelDb *petrel_db_open (const char  *path,
                          GError     **error) G_GNUC_WARN_UNUSED_RESULT;
PetrelDb *petrel_db_open_profile (const char  *profile_dir,
                                  GError     **error) G_GNUC_WARN_UNUSED_RESULT;
void petrel_db_close (PetrelDb *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PetrelDb, petrel_db_close)

const char *petrel_db_get_path (PetrelDb *self);
guint petrel_db_get_schema_version (PetrelDb *self);
guint petrel_db_get_latest_schema_version (void);

gboolean petrel_db_begin (PetrelDb  *self,
                          GError   **error);
gboolean petrel_db_commit (PetrelDb  *self,
                           GError   **error);
void petrel_db_rollback (PetrelDb *self);

/* Accounts (petrel-db-accounts.c) */

/**
 * PetrelDbAccount:
 * @id: row id, used by the other tables
 * @jid: the account's bare JID
 * @created: when the row was created
 */
typedef struct
{
  gint64 id;
  char *jid;
  gint64 created;
} PetrelDbAccount;

void petrel_db_account_free (PetrelDbAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PetrelDbAccount, petrel_db_account_free)

gboolean petrel_db_account_ensure (PetrelDb    *self,
                                   const char  *jid,
                                   gint64      *out_id,
                                   GError     **error);
gboolean petrel_db_account_lookup (PetrelDb    *self,
                                   const char  *jid,
                                   gint64      *out_id,
                                   GError     **error);
GPtrArray *petrel_db_account_list (PetrelDb  *self,
                                   GError   **error);
gboolean petrel_db_account_remove (PetrelDb    *self,
                                   const char  *jid,
                                   GError     **error);

/* Conversations (petrel-db-conversations.c) */

typedef enum {
  PETREL_DB_CONVERSATION_CHAT,
  PETREL_DB_CONVERSATION_GROUPCHAT,
} PetrelDbConversationType;

/**
 * PetrelDbConversation:
 * @id: row id
 * @account_id: the account
 * @peer: the peer's bare JID (the room's JID for a group chat)
 * @type: chat or groupchat
 * @last_activity: sort time of the newest message, 0 when none
 * @unread: incoming messages since the conversation was last marked read
 */
typedef struct
{
  gint64 id;
  gint64 account_id;
  char *peer;
  PetrelDbConversationType type;
  gint64 last_activity;
  guint unread;
} PetrelDbConversation;

void petrel_db_conversation_free (PetrelDbConversation *conversation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PetrelDbConversation, petrel_db_conversation_free)

gboolean petrel_db_conversation_ensure (PetrelDb                  *self,
                                        gint64                     account_id,
                                        const char                *peer,
                                        PetrelDbConversationType   type,
                                        gint64                    *out_id,
                                        GError                   **error);
PetrelDbConversation *petrel_db_conversation_get (PetrelDb  *self,
                                                  gint64     conversation_id,
                                                  GError   **error);
GPtrArray *petrel_db_conversation_list (PetrelDb  *self,
                                        gint64     account_id,
                                        GError   **error);
gboolean petrel_db_conversation_count_unread (PetrelDb  *self,
                                              gint64     account_id,
                                              guint     *out_unread,
                                              GError   **error);
gboolean petrel_db_conversation_mark_read (PetrelDb  *self,
                                           gint64     conversation_id,
                                           GError   **error);

/* Messages (petrel-db-messages.c) */

typedef enum {
  PETREL_DB_DIRECTION_INCOMING,
  PETREL_DB_DIRECTION_OUTGOING,
} PetrelDbDirection;

/*
 * The delivery state of a message.  It only moves forward:
 * pending → sent → delivered → displayed (steps may be skipped), and to
 * failed from pending or sent.  The numeric order is part of the schema.
 */
typedef enum {
  PETREL_DB_STATE_PENDING,
  PETREL_DB_STATE_SENT,
  PETREL_DB_STATE_DELIVERED,
  PETREL_DB_STATE_DISPLAYED,
  PETREL_DB_STATE_FAILED,
} PetrelDbMessageState;

/**
 * PetrelDbMessage:
 * @id: row id (output only)
 * @account_id: the account (output only: taken from the conversation)
 * @conversation_id: the conversation
 * @direction: incoming or outgoing
 * @state: delivery state
 * @sender: who wrote it: a full JID, or the occupant JID in a group chat
 * @origin_id: (nullable): XEP-0359 origin-id, the sender's own id
 * @stanza_id: (nullable): XEP-0359 stanza-id, the archive's id
 * @stanza_id_by: (nullable): the `by` of @stanza_id (required with it)
 * @server_time: the server's time (XEP-0203 delay, MAM), 0 if unknown
 * @local_time: when this client received or composed it
 * @sort_time: the history order: @server_time if known, else @local_time
 *   (output only; it never changes after the insert, so a row keeps its place)
 * @body: (nullable): the plain-text body
 * @replaces: (nullable): XEP-0308: the origin-id of the message this corrects
 * @replaces_id: (output only): the original this correction was linked to, or 0
 *   (a correction whose original is unknown stays a message of its own)
 * @corrected_by: (output only): the newest correction of this message, or 0
 * @corrected_body: (output only) (nullable): the body of @corrected_by
 *
 * Strings are owned by the struct.
 */
typedef struct
{
  gint64 id;
  gint64 account_id;
  gint64 conversation_id;
  PetrelDbDirection direction;
  PetrelDbMessageState state;
  char *sender;
  char *origin_id;
  char *stanza_id;
  char *stanza_id_by;
  gint64 server_time;
  gint64 local_time;
  gint64 sort_time;
  char *body;
  char *replaces;
  gint64 replaces_id;
  gint64 corrected_by;
  char *corrected_body;
} PetrelDbMessage;

void petrel_db_message_free (PetrelDbMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PetrelDbMessage, petrel_db_message_free)

/**
 * PetrelDbCursor:
 * A position in a conversation's history: the (@sort_time, @id) of a
 * message.  Pages are found by this key, never by an offset.
 */
typedef struct
{
  gint64 sort_time;
  gint64 id;
} PetrelDbCursor;

/**
 * PetrelDbInsertFlags:
 * @PETREL_DB_INSERT_DEFAULT: a live or caught-up message: an incoming one
 *   counts as unread
 * @PETREL_DB_INSERT_BACKFILL: older history fetched on request: it does not
 *   count as unread
 */
typedef enum {
  PETREL_DB_INSERT_DEFAULT = 0,
  PETREL_DB_INSERT_BACKFILL = 1 << 0,
} PetrelDbInsertFlags;

gboolean petrel_db_message_insert (PetrelDb               *self,
                                   const PetrelDbMessage  *message,
                                   PetrelDbInsertFlags     flags,
                                   gint64                 *out_id,
                                   gboolean               *out_duplicate,
                                   GError                **error);
gboolean petrel_db_message_set_state (PetrelDb              *self,
                                      gint64                 message_id,
                                      PetrelDbMessageState   state,
                                      gboolean              *out_changed,
                                      GError               **error);
PetrelDbMessage *petrel_db_message_get (PetrelDb  *self,
                                        gint64     message_id,
                                        GError   **error);
PetrelDbMessage *petrel_db_message_lookup_by_origin_id (PetrelDb           *self,
                                                        gint64              conversation_id,
                                                        PetrelDbDirection   direction,
                                                        const char         *origin_id,
                                                        GError            **error);
PetrelDbMessage *petrel_db_message_lookup_by_stanza_id (PetrelDb    *self,
                                                        gint64       account_id,
                                                        const char  *by,
                                                        const char  *stanza_id,
                                                        GError     **error);
GPtrArray *petrel_db_message_history (PetrelDb              *self,
                                      gint64                 conversation_id,
                                      const PetrelDbCursor  *before,
                                      guint                  limit,
                                      GError               **error);
GPtrArray *petrel_db_message_history_after (PetrelDb              *self,
                                            gint64                 conversation_id,
                                            const PetrelDbCursor  *after,
                                            guint                  limit,
                                            GError               **error);
GPtrArray *petrel_db_message_search (PetrelDb    *self,
                                     gint64       account_id,
                                     gint64       conversation_id,
                                     const char  *text,
                                     guint        limit,
                                     GError     **error);

/* The outbox (petrel-db-outbox.c) */

/**
 * PetrelDbOutboxEntry:
 * @message: the pending message
 * @peer: the conversation's peer, where to send it
 * @type: chat or groupchat, the stanza type to send
 * @attempts: how often sending was tried
 * @last_attempt: when it was last tried, 0 if never
 */
typedef struct
{
  PetrelDbMessage *message;
  char *peer;
  PetrelDbConversationType type;
  guint attempts;
  gint64 last_attempt;
} PetrelDbOutboxEntry;

void petrel_db_outbox_entry_free (PetrelDbOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PetrelDbOutboxEntry, petrel_db_outbox_entry_free)

gboolean petrel_db_outbox_enqueue (PetrelDb               *self,
                                   const PetrelDbMessage  *message,
                                   gint64                 *out_id,
                                   GError                **error);
GPtrArray *petrel_db_outbox_list (PetrelDb  *self,
                                  gint64     account_id,
                                  GError   **error);
gboolean petrel_db_outbox_note_attempt (PetrelDb  *self,
                                        gint64     message_id,
                                        gint64     now,
                                        guint     *out_attempts,
                                        GError   **error);
gboolean petrel_db_outbox_mark_sent (PetrelDb  *self,
                                     gint64     message_id,
                                     GError   **error);
gboolean petrel_db_outbox_mark_failed (PetrelDb  *self,
                                       gint64     message_id,
                                       GError   **error);

/* The roster (petrel-db-roster.c) */

/* RFC 6121 §2.1.2.5; REMOVE only appears in a push. */
typedef enum {
  PETREL_DB_SUBSCRIPTION_NONE,
  PETREL_DB_SUBSCRIPTION_TO,
  PETREL_DB_SUBSCRIPTION_FROM,
  PETREL_DB_SUBSCRIPTION_BOTH,
  PETREL_DB_SUBSCRIPTION_REMOVE,
} PetrelDbSubscription;

/**
 * PetrelDbRosterItem:
 * @jid: the contact's bare JID
 * @name: (nullable): the name the user gave
 * @subscription: the subscription state
 * @ask: %TRUE for `ask='subscribe'` (a request of ours is pending)
 * @groups: (nullable): the groups, %NULL-terminated
 */
typedef struct
{
  char *jid;
  char *name;
  PetrelDbSubscription subscription;
  gboolean ask;
  GStrv groups;
} PetrelDbRosterItem;

void petrel_db_roster_item_free (PetrelDbRosterItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PetrelDbRosterItem, petrel_db_roster_item_free)

gboolean petrel_db_roster_replace (PetrelDb    *self,
                                   gint64       account_id,
                                   const char  *ver,
                                   GPtrArray   *items,
                                   GError     **error);
gboolean petrel_db_roster_apply_push (PetrelDb                  *self,
                                      gint64                     account_id,
                                      const char                *ver,
                                      const PetrelDbRosterItem  *item,
                                      GError                   **error);
GPtrArray *petrel_db_roster_load (PetrelDb  *self,
                                  gint64     account_id,
                                  char     **out_ver,
                                  GError   **error);

/* Entity capabilities (petrel-db-caps.c) */

gboolean petrel_db_caps_put (PetrelDb           *self,
                             const char         *algo,
                             const char         *ver,
                             const char *const  *features,
                             GError            **error);
GStrv petrel_db_caps_dup_features (PetrelDb    *self,
                                   const char  *algo,
                                   const char  *ver,
                                   GError     **error);

/* Archive catch-up positions (petrel-db-archive.c) */

gboolean petrel_db_archive_get_position (PetrelDb    *self,
                                         gint64       account_id,
                                         const char  *archive_jid,
                                         char       **out_stanza_id,
                                         gint64      *out_time,
                                         GError     **error);
gboolean petrel_db_archive_set_position (PetrelDb    *self,
                                         gint64       account_id,
                                         const char  *archive_jid,
                                         const char  *stanza_id,
                                         gint64       time,
                                         GError     **error);
gboolean petrel_db_archive_clear_position (PetrelDb    *self,
                                           gint64       account_id,
                                           const char  *archive_jid,
                                           GError     **error);

G_END_DECLS
