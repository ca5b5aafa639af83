/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Shared plumbing of petrel-cli: the global options, the profile, running
 * async calls to completion, error reporting with exit codes, JSON lines.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "petrel-account-store.h"
#include "petrel-session.h"

G_BEGIN_DECLS

/* Exit codes; the README lists them. */
typedef enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILURE = 1,    /* usage, profile, anything else */
  CLI_EXIT_DNS = 2,
  CLI_EXIT_REFUSED = 3,    /* no connection (refused, unreachable, lost) */
  CLI_EXIT_TLS = 4,        /* no encryption, bad certificate */
  CLI_EXIT_AUTH = 5,
  CLI_EXIT_TIMEOUT = 6,
  CLI_EXIT_SERVER = 7,     /* the server or entity answered with an error */
  CLI_EXIT_QUEUED = 8,     /* not delivered yet: the messages wait in the outbox */
} CliExit;

typedef struct
{
  char *profile;
  char *account;
  gboolean verbose;
  gboolean inactive;
  PetrelAccountStore *store;
  PetrelDb *db;
} CliContext;

typedef int (*CliCommand) (CliContext *ctx,
                           int         argc,
                           char      **argv);

int cli_account (CliContext *ctx, int argc, char **argv);
int cli_register (CliContext *ctx, int argc, char **argv);
int cli_send (CliContext *ctx, int argc, char **argv);
int cli_listen (CliContext *ctx, int argc, char **argv);
int cli_roster (CliContext *ctx, int argc, char **argv);
int cli_ping (CliContext *ctx, int argc, char **argv);
int cli_disco (CliContext *ctx, int argc, char **argv);
int cli_flush (CliContext *ctx, int argc, char **argv);
int cli_history (CliContext *ctx, int argc, char **argv);
int cli_search (CliContext *ctx, int argc, char **argv);
int cli_sync (CliContext *ctx, int argc, char **argv);

/** Parses @entries (plus --help) out of argv; prints the error and returns FALSE on misuse. */
gboolean cli_parse (const char    *usage,
                    const char    *summary,
                    GOptionEntry  *entries,
                    int           *argc,
                    char        ***argv);

/** Prints "petrel-cli: CAUSE: message" and returns the matching exit code. */
int cli_fail (const GError *error);
/** Prints a usage error and returns CLI_EXIT_FAILURE. */
int cli_usage_error (const char *format,
                     ...) G_GNUC_PRINTF (1, 2);

/**
 * cli_read_password:
 *
 * Reads the first line of @path (its line ending dropped).
 *
 * Returns: (transfer full) (nullable): the password, %NULL with @error when
 *   unreadable or empty
 */
char *cli_read_password (const char  *path,
                         GError     **error);

/** Opens the store if needed. */
gboolean cli_open_store (CliContext  *ctx,
                         GError     **error);

/**
 * cli_load_session:
 *
 * Loads the account (--account or the only one) and opens the profile's
 * message store.
 *
 * Returns: (transfer full) (nullable): a session, not connected
 */
PetrelSession *cli_load_session (CliContext  *ctx,
                                 GError     **error);

/**
 * cli_connect:
 *
 * cli_load_session() and one connection attempt in @mode.
 *
 * Returns: (transfer full) (nullable): a connected session
 */
PetrelSession *cli_connect (CliContext         *ctx,
                            PetrelSessionMode   mode,
                            GError            **error);

/** Closes the session politely and waits. */
void cli_disconnect (PetrelSession *session);

/**
 * cli_account_id:
 * @out_jid: (out) (transfer full): the account's bare JID
 *
 * Returns: the store's id of the account, 0 with @error
 */
gint64 cli_account_id (CliContext  *ctx,
                       char       **out_jid,
                       GError     **error);

/** Returns: "pending", "sent", … */
const char *cli_state_name (PetrelDbMessageState state);

/**
 * cli_wait:
 *
 * Iterates the main context until @result is set by the callback
 * cli_result_cb (pass &result as its user data).
 */
GAsyncResult *cli_wait (GAsyncResult **result);
void cli_result_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data);

/** Writes @builder's root as one JSON line on stdout. */
void cli_print_json (JsonBuilder *builder);

/** Adds "key": value when value is not NULL. */
void cli_json_add (JsonBuilder *builder,
                   const char  *key,
                   const char  *value);

/** Adds one JSON object per PetrelContact to an open array of @builder. */
void cli_roster_to_json (JsonBuilder *builder,
                         GPtrArray   *contacts);

/** Returns: (transfer full): @time as XEP-0082 UTC ("…T…Z") */
char *cli_format_time (GDateTime *time);

G_END_DECLS
