/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Passwords in the Secret Service; see the header for the why.
 *
 * Every operation first checks that a Secret Service is there at all:
 * libsecret itself would try to activate `org.freedesktop.secrets` and
 * wait up to the D-Bus timeout (25 s) on a bus where nothing provides it.
 * The check asks the bus daemon, which answers at once, and gives up
 * after AVAILABLE_TIMEOUT_MS on a bus that does not answer.  It uses a
 * connection of its own, closed afterwards, so a check that gave up never
 * leaves the shared session bus connection half made.
 */
#define G_LOG_DOMAIN "petrel-secrets"

#include "petrel-secrets.h"

#include <libsecret/secret.h>
#include <string.h>

#define SECRETS_BUS_NAME "org.freedesktop.secrets"
#define AVAILABLE_TIMEOUT_MS 2000
#define DBUS_CALL_TIMEOUT_MS 1000

static const SecretSchema *
password_schema (void)
{
  static const SecretSchema schema = {
    "im.petrel.Petrel.Password", SECRET_SCHEMA_NONE,
    {
      { "jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

void
petrel_secrets_password_free (char *password)
{
  if (password == NULL)
    return;

  explicit_bzero (password, strlen (password));
  g_free (password);
}

void
petrel_secrets_disconnect (void)
{
  secret_service_disconnect ();
}

/* A libsecret password (secure memory) as a plain string of ours. */
static char *
take_password (char *secret)
{
  char *copy;

  if (secret == NULL)
    return NULL;

  copy = g_strdup (secret);
  secret_password_free (secret);

  return copy;
}

static GError *
no_service_error (void)
{
  return g_error_new_literal (PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE,
                              "No keyring (Secret Service) is available to keep the password");
}

/*
 * What a failed Secret Service call means.  A Secret Service that is
 * running may still be of no use: no default collection ("login") and
 * nobody to create one, a collection that is locked and a prompt the user
 * dismissed (or no prompter at all), a daemon that went away or does not
 * answer.  For the user these are all "no keyring": each becomes
 * %PETREL_STORE_ERROR_NO_SECRET_SERVICE, with the reason in the message,
 * so the UI offers the profile file.  Only the caller's own cancellation
 * stays what it is.
 */
static const char *
unavailable_reason (const GError *error)
{
  if (error->domain == SECRET_ERROR)
    {
      switch (error->code)
        {
        case SECRET_ERROR_IS_LOCKED:
          return "the keyring is locked";
        case SECRET_ERROR_NO_SUCH_OBJECT:
          return "the keyring has no default collection";
        default:
          return "the keyring failed";
        }
    }
  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_DISCONNECTED:
          return "no keyring service is running";
        case G_DBUS_ERROR_UNKNOWN_OBJECT:
        case G_DBUS_ERROR_UNKNOWN_METHOD:
        case G_DBUS_ERROR_UNKNOWN_INTERFACE:
          /* libsecret went for the "default" alias's collection ("login"),
           * and there is none. */
          return "the keyring has no default collection";
        case G_DBUS_ERROR_NO_REPLY:
        case G_DBUS_ERROR_TIMEOUT:
        case G_DBUS_ERROR_TIMED_OUT:
          return "the keyring does not answer";
        default:
          return "the keyring refused the request";
        }
    }
  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CANCELLED:
          /* Not the caller's: libsecret's own, for a dismissed prompt. */
          return "the keyring prompt was dismissed";
        case G_IO_ERROR_DBUS_ERROR:
          /* A remote error GIO has no code for (org.freedesktop.Secret.
           * Error.*, a keyring daemon's own). */
          return "the keyring refused the request";
        case G_IO_ERROR_CLOSED:
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_BROKEN_PIPE:
        case G_IO_ERROR_NOT_FOUND:
          return "no keyring service is running";
        case G_IO_ERROR_TIMED_OUT:
          return "the keyring does not answer";
        default:
          return NULL;
        }
    }

  return NULL;
}

/* Turns @error into NO_SECRET_SERVICE unless the caller cancelled. */
static GError *
map_error (GError       *error,
           GCancellable *cancellable,
           const char   *what)
{
  g_autoptr(GError) original = error;
  g_autofree char *remote = NULL;
  const char *reason;

  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");

  reason = unavailable_reason (original);
  if (reason == NULL)
    {
      g_prefix_error (&original, "%s: ", what);
      return g_steal_pointer (&original);
    }

  /* The remote name says more than GIO's code (IsLocked, NoSuchObject). */
  remote = g_dbus_error_get_remote_error (original);
  if (remote != NULL && g_str_has_suffix (remote, ".IsLocked"))
    reason = "the keyring is locked";
  else if (remote != NULL && g_str_has_suffix (remote, ".NoSuchObject"))
    reason = "the keyring has no default collection";
  g_debug ("%s: %s (%s)", what, reason, original->message);

  return g_error_new (PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE,
                      "No keyring is available to keep the password: %s", reason);
}

/* Availability */

/* Without an address and without the standard socket there is no session
 * bus to ask; GLib would otherwise try to autolaunch one through X11. */
static gboolean
session_bus_configured (void)
{
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  g_autofree char *socket_path = NULL;

  if (address != NULL && *address != '\0')
    return TRUE;

  socket_path = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (socket_path, G_FILE_TEST_EXISTS);
}

typedef struct
{
  GCancellable *cancellable;   /* internal: the caller's, or the timeout */
  GCancellable *outer;         /* the caller's, or NULL */
  gulong outer_id;
  GSource *timeout;            /* holds a reference to the task */
  GDBusConnection *bus;
  gboolean returned;
} Available;

static void
available_free (gpointer data)
{
  Available *a = data;

  if (a->outer != NULL)
    g_cancellable_disconnect (a->outer, a->outer_id);
  g_clear_object (&a->outer);
  g_assert (a->timeout == NULL);
  g_clear_object (&a->cancellable);
  g_clear_object (&a->bus);
  g_free (a);
}

static void return_available (GTask        *task,
                              gboolean      available,
                              const GError *error);

/* The answer is "no" at the deadline, whatever is still under way: a bus
 * that authenticates and then never answers keeps g_bus_get () busy for
 * the D-Bus timeout (25 s) even when cancelled. */
static gboolean
available_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Available *a = g_task_get_task_data (task);

  g_debug ("the session bus did not answer in time");
  g_cancellable_cancel (a->cancellable);
  return_available (task, FALSE, NULL);

  return G_SOURCE_REMOVE;
}

static void
outer_cancelled_cb (GCancellable *outer,
                    gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* Anything but the caller's own cancellation means "not available".
 * Only the first answer counts: the deadline may come first. */
static void
return_available (GTask        *task,
                  gboolean      available,
                  const GError *error)
{
  Available *a = g_task_get_task_data (task);
  GCancellable *outer = g_task_get_cancellable (task);

  if (a != NULL)
    {
      if (a->returned)
        return;
      a->returned = TRUE;
      /* Drops the reference the deadline holds. */
      if (a->timeout != NULL)
        {
          GSource *timeout = g_steal_pointer (&a->timeout);

          g_source_destroy (timeout);
          g_source_unref (timeout);
        }
    }

  if (!available && outer != NULL && g_cancellable_is_cancelled (outer))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return;
    }
  if (error != NULL)
    g_debug ("no Secret Service: %s", error->message);

  g_task_return_boolean (task, available);
}

static void
list_activatable_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **names = NULL;
  gboolean found = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply != NULL)
    {
      g_variant_get (reply, "(^a&s)", &names);
      found = names != NULL && g_strv_contains (names, SECRETS_BUS_NAME);
    }

  return_available (task, found, error);
}

static void
has_owner_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Available *a = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL || a->returned)
    {
      return_available (task, FALSE, error);
      return;
    }

  g_variant_get (reply, "(b)", &has_owner);
  if (has_owner)
    {
      return_available (task, TRUE, NULL);
      return;
    }

  /* Not running: it may still be started on demand. */
  g_dbus_connection_call (a->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListActivatableNames", NULL,
                          G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, DBUS_CALL_TIMEOUT_MS,
                          a->cancellable, list_activatable_cb, g_steal_pointer (&task));
}

static void
bus_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Available *a = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  a->bus = g_dbus_connection_new_for_address_finish (result, &error);
  if (a->bus == NULL || a->returned)
    {
      return_available (task, FALSE, error);
      return;
    }

  g_dbus_connection_call (a->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", SECRETS_BUS_NAME),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, DBUS_CALL_TIMEOUT_MS,
                          a->cancellable, has_owner_cb, g_steal_pointer (&task));
}

/**
 * petrel_secrets_available_async:
 *
 * See petrel_secrets_available().
 */
void
petrel_secrets_available_async (GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  Available *a;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_secrets_available_async);

  if (!session_bus_configured ())
    {
      g_debug ("no session bus");
      g_task_return_boolean (task, FALSE);
      return;
    }

  a = g_new0 (Available, 1);
  a->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      a->outer = g_object_ref (cancellable);
      a->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (outer_cancelled_cb),
                                           g_object_ref (a->cancellable), g_object_unref);
    }
  /* g_bus_get () has no timeout of its own: a bus that accepts the
   * connection and never says hello would hold us forever. */
  g_task_set_task_data (task, a, available_free);
  a->timeout = g_timeout_source_new (AVAILABLE_TIMEOUT_MS);
  g_source_set_callback (a->timeout, available_timeout_cb, g_object_ref (task), g_object_unref);
  g_source_attach (a->timeout, g_main_context_get_thread_default ());

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (address == NULL)
    {
      return_available (task, FALSE, error);
      return;
    }

  /* A connection of its own, not the shared one: a check that gives up
   * must not leave the app's session bus half set up. */
  g_dbus_connection_new_for_address (address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, a->cancellable, bus_cb, g_steal_pointer (&task));
}

/**
 * petrel_secrets_available_finish:
 *
 * Returns: whether a Secret Service is reachable; %FALSE with
 *   %G_IO_ERROR_CANCELLED only when the caller cancelled
 */
gboolean
petrel_secrets_available_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sync_result_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

gboolean
petrel_secrets_available (GCancellable *cancellable)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  gboolean available;

  g_main_context_push_thread_default (context);
  petrel_secrets_available_async (cancellable, sync_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  available = petrel_secrets_available_finish (result, NULL);
  g_main_context_pop_thread_default (context);

  return available;
}

/* Store, lookup, clear: the availability check, then libsecret. */

typedef enum {
  OP_STORE,
  OP_LOOKUP,
  OP_CLEAR,
} Op;

typedef struct
{
  Op op;
  char *jid;
  char *password;
} SecretOp;

static void
secret_op_free (gpointer data)
{
  SecretOp *op = data;

  g_free (op->jid);
  petrel_secrets_password_free (op->password);
  g_free (op);
}

static void
locked_search_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretOp *op = g_task_get_task_data (task);
  GList *items;
  GError *error = NULL;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (error, g_task_get_cancellable (task),
                                            "Cannot read the password from the keyring"));
      return;
    }
  if (items != NULL)
    {
      g_list_free_full (items, g_object_unref);
      g_debug ("the password of %s is in a locked collection", op->jid);
      g_task_return_new_error (task, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE,
                               "No keyring is available to read the password: the keyring is locked");
      return;
    }

  g_task_return_new_error (task, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                           "The keyring has no password for %s", op->jid);
}

static void
op_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretOp *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  switch (op->op)
    {
    case OP_STORE:
      if (!secret_password_store_finish (result, &error))
        {
          /* FALSE without an error: libsecret's answer to a dismissed
           * prompt for creating the default collection. */
          if (error == NULL)
            error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Prompt dismissed");
          g_task_return_error (task, map_error (error, cancellable, "Cannot keep the password in the keyring"));
        }
      else
        g_task_return_boolean (task, TRUE);
      break;

    case OP_LOOKUP:
      {
        char *password = take_password (secret_password_lookup_finish (result, &error));

        if (error != NULL)
          g_task_return_error (task, map_error (error, cancellable, "Cannot read the password from the keyring"));
        else if (password == NULL)
          {
            /* libsecret says "nothing" also when the item is there but
             * stayed locked (the unlock prompt was dismissed, or nobody
             * could show it): a search without unlocking tells them apart. */
            secret_password_search (password_schema (), SECRET_SEARCH_ALL, cancellable,
                                    locked_search_cb, g_steal_pointer (&task),
                                    "jid", op->jid, NULL);
          }
        else
          g_task_return_pointer (task, password, (GDestroyNotify) petrel_secrets_password_free);
      }
      break;

    case OP_CLEAR:
      /* FALSE without an error: there was nothing to remove. */
      secret_password_clear_finish (result, &error);
      if (error != NULL)
        g_task_return_error (task, map_error (error, cancellable, "Cannot remove the password from the keyring"));
      else
        g_task_return_boolean (task, TRUE);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
op_available_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretOp *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *label = NULL;
  GError *error = NULL;

  if (!petrel_secrets_available_finish (result, &error))
    {
      g_task_return_error (task, error != NULL ? error : no_service_error ());
      return;
    }

  switch (op->op)
    {
    case OP_STORE:
      label = g_strdup_printf ("Petrel password for %s", op->jid);
      secret_password_store (password_schema (), SECRET_COLLECTION_DEFAULT, label, op->password,
                             cancellable, op_done_cb, g_steal_pointer (&task),
                             "jid", op->jid, NULL);
      break;
    case OP_LOOKUP:
      secret_password_lookup (password_schema (), cancellable, op_done_cb, g_steal_pointer (&task),
                              "jid", op->jid, NULL);
      break;
    case OP_CLEAR:
      secret_password_clear (password_schema (), cancellable, op_done_cb, g_steal_pointer (&task),
                             "jid", op->jid, NULL);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
start_op (Op                   kind,
          const char          *jid,
          const char          *password,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  SecretOp *op = g_new0 (SecretOp, 1);

  op->op = kind;
  op->jid = g_strdup (jid);
  op->password = g_strdup (password);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, secret_op_free);

  petrel_secrets_available_async (cancellable, op_available_cb, task);
}

void
petrel_secrets_store_async (const char          *jid,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (jid != NULL);
  g_return_if_fail (password != NULL);

  start_op (OP_STORE, jid, password, petrel_secrets_store_async, cancellable, callback, user_data);
}

gboolean
petrel_secrets_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
petrel_secrets_lookup_async (const char          *jid,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (jid != NULL);

  start_op (OP_LOOKUP, jid, NULL, petrel_secrets_lookup_async, cancellable, callback, user_data);
}

char *
petrel_secrets_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
petrel_secrets_clear_async (const char          *jid,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (jid != NULL);

  start_op (OP_CLEAR, jid, NULL, petrel_secrets_clear_async, cancellable, callback, user_data);
}

gboolean
petrel_secrets_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/*
 * The sync variants run the async ones on the thread-default main context
 * until they complete.  libsecret's own _sync functions use a private
 * context of their own, and the D-Bus signal subscriptions of the proxies
 * made there are never released, so the bus connection would never go.
 */

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  GMainContext *context = g_main_context_get_thread_default ();

  while (*result == NULL)
    g_main_context_iteration (context, TRUE);

  return *result;
}

gboolean
petrel_secrets_store_sync (const char    *jid,
                           const char    *password,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (jid != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  petrel_secrets_store_async (jid, password, cancellable, sync_result_cb, &result);
  return petrel_secrets_store_finish (wait_for (&result), error);
}

char *
petrel_secrets_lookup_sync (const char    *jid,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (jid != NULL, NULL);

  petrel_secrets_lookup_async (jid, cancellable, sync_result_cb, &result);
  return petrel_secrets_lookup_finish (wait_for (&result), error);
}

gboolean
petrel_secrets_clear_sync (const char    *jid,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (jid != NULL, FALSE);

  petrel_secrets_clear_async (jid, cancellable, sync_result_cb, &result);
  return petrel_secrets_clear_finish (wait_for (&result), error);
}

gboolean
petrel_secrets_fill_record (PetrelAccountRecord  *record,
                            GCancellable         *cancellable,
                            GError              **error)
{
  g_return_val_if_fail (record != NULL && record->jid != NULL, FALSE);

  if (!record->password_in_keyring || record->password != NULL)
    return TRUE;

  record->password = petrel_secrets_lookup_sync (record->jid, cancellable, error);
  return record->password != NULL;
}
