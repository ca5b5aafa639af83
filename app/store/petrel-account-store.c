/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-account-store"

#include "petrel-account-store.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

struct _PetrelAccountStore
{
  char *path;
  GKeyFile *keyfile;
};

void
petrel_account_record_free (PetrelAccountRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->jid);
  if (record->password != NULL)
    explicit_bzero (record->password, strlen (record->password));
  g_free (record->password);
  g_free (record->host);
  g_free (record->ca_file);
  g_free (record->resource);
  g_free (record->transport);
  g_free (record->websocket_url);
  g_free (record->bosh_url);
  g_free (record);
}

PetrelAccountRecord *
petrel_account_record_copy (const PetrelAccountRecord *record)
{
  PetrelAccountRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_new0 (PetrelAccountRecord, 1);
  copy->jid = g_strdup (record->jid);
  copy->password = g_strdup (record->password);
  copy->host = g_strdup (record->host);
  copy->port = record->port;
  copy->direct_tls = record->direct_tls;
  copy->ca_file = g_strdup (record->ca_file);
  copy->resource = g_strdup (record->resource);
  copy->password_in_keyring = record->password_in_keyring;
  copy->transport = g_strdup (record->transport);
  copy->websocket_url = g_strdup (record->websocket_url);
  copy->bosh_url = g_strdup (record->bosh_url);
  copy->disabled = record->disabled;
  copy->insecure_loopback = record->insecure_loopback;

  return copy;
}

PetrelAccountStore *
petrel_account_store_open (const char  *profile_dir,
                           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  PetrelAccountStore *self;

  g_return_val_if_fail (profile_dir != NULL, NULL);

  if (g_mkdir_with_parents (profile_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create the profile folder %s: %s", profile_dir, g_strerror (saved));
      return NULL;
    }

  self = g_new0 (PetrelAccountStore, 1);
  self->path = g_build_filename (profile_dir, "accounts.ini", NULL);
  self->keyfile = g_key_file_new ();

  if (!g_key_file_load_from_file (self->keyfile, self->path, G_KEY_FILE_KEEP_COMMENTS, &local_error) &&
      !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_CORRUPT,
                   "Cannot read %s: %s", self->path, local_error->message);
      petrel_account_store_free (self);
      return NULL;
    }

  return self;
}

void
petrel_account_store_free (PetrelAccountStore *self)
{
  if (self == NULL)
    return;

  g_free (self->path);
  g_key_file_free (self->keyfile);
  g_free (self);
}

static gboolean
save (PetrelAccountStore  *self,
      GError             **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  data = g_key_file_to_data (self->keyfile, &len, NULL);

  /* g_file_set_contents_full writes a temporary file with @mode and renames
   * it over the old one, so the password file is never world-readable, not
   * even for a moment. */
  return g_file_set_contents_full (self->path, data, len,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   0600, error);
}

GStrv
petrel_account_store_list (PetrelAccountStore *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_key_file_get_groups (self->keyfile, NULL);
}

PetrelAccountRecord *
petrel_account_store_get (PetrelAccountStore  *self,
                          const char          *jid,
                          GError             **error)
{
  PetrelAccountRecord *record;
  int port;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  if (!g_key_file_has_group (self->keyfile, jid))
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No account %s in this profile", jid);
      return NULL;
    }

  record = g_new0 (PetrelAccountRecord, 1);
  record->jid = g_strdup (jid);
  record->password = g_key_file_get_string (self->keyfile, jid, "password", NULL);
  record->host = g_key_file_get_string (self->keyfile, jid, "host", NULL);
  port = g_key_file_get_integer (self->keyfile, jid, "port", NULL);
  record->port = (port > 0 && port <= 65535) ? (guint16) port : 0;
  record->direct_tls = g_key_file_get_boolean (self->keyfile, jid, "direct-tls", NULL);
  record->ca_file = g_key_file_get_string (self->keyfile, jid, "ca-file", NULL);
  record->resource = g_key_file_get_string (self->keyfile, jid, "resource", NULL);
  record->password_in_keyring = g_key_file_get_boolean (self->keyfile, jid, "password-in-keyring", NULL);
  record->transport = g_key_file_get_string (self->keyfile, jid, "transport", NULL);
  record->websocket_url = g_key_file_get_string (self->keyfile, jid, "websocket-url", NULL);
  record->bosh_url = g_key_file_get_string (self->keyfile, jid, "bosh-url", NULL);
  record->disabled = g_key_file_get_boolean (self->keyfile, jid, "disabled", NULL);
  record->insecure_loopback = g_key_file_get_boolean (self->keyfile, jid, "insecure-loopback", NULL);
  /* A stale copy in the file never wins over the keyring. */
  if (record->password_in_keyring && record->password != NULL)
    {
      explicit_bzero (record->password, strlen (record->password));
      g_clear_pointer (&record->password, g_free);
    }

  return record;
}

PetrelAccountRecord *
petrel_account_store_get_default (PetrelAccountStore  *self,
                                  const char          *jid,
                                  GError             **error)
{
  g_auto(GStrv) jids = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (jid != NULL)
    return petrel_account_store_get (self, jid, error);

  jids = petrel_account_store_list (self);
  if (jids[0] == NULL)
    {
      g_set_error_literal (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                           "No account yet; add one with “account add”");
      return NULL;
    }
  if (jids[1] != NULL)
    {
      g_set_error_literal (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_AMBIGUOUS,
                           "Several accounts; choose one with --account");
      return NULL;
    }

  return petrel_account_store_get (self, jids[0], error);
}

/* Sets @key to @value, or removes it when @value is %NULL. */
static void
set_optional (GKeyFile   *keyfile,
              const char *group,
              const char *key,
              const char *value)
{
  if (value != NULL)
    g_key_file_set_string (keyfile, group, key, value);
  else
    g_key_file_remove_key (keyfile, group, key, NULL);
}

/* A flag is written only when set, so files stay short. */
static void
set_flag (GKeyFile   *keyfile,
          const char *group,
          const char *key,
          gboolean    value)
{
  if (value)
    g_key_file_set_boolean (keyfile, group, key, TRUE);
  else
    g_key_file_remove_key (keyfile, group, key, NULL);
}

/* Writes every field of @record into its group, key by key: the group
 * keeps its place in the file and keys Petrel does not know stay. */
static void
write_record (GKeyFile                  *keyfile,
              const PetrelAccountRecord *record)
{
  const char *jid = record->jid;

  set_flag (keyfile, jid, "password-in-keyring", record->password_in_keyring);
  set_optional (keyfile, jid, "password", record->password_in_keyring ? NULL : record->password);
  set_optional (keyfile, jid, "host", record->host);
  if (record->port != 0)
    g_key_file_set_integer (keyfile, jid, "port", record->port);
  else
    g_key_file_remove_key (keyfile, jid, "port", NULL);
  set_flag (keyfile, jid, "direct-tls", record->direct_tls);
  set_optional (keyfile, jid, "ca-file", record->ca_file);
  set_optional (keyfile, jid, "resource", record->resource);
  set_optional (keyfile, jid, "transport", record->transport);
  set_optional (keyfile, jid, "websocket-url", record->websocket_url);
  set_optional (keyfile, jid, "bosh-url", record->bosh_url);
  set_flag (keyfile, jid, "disabled", record->disabled);
  set_flag (keyfile, jid, "insecure-loopback", record->insecure_loopback);
}

gboolean
petrel_account_store_add (PetrelAccountStore         *self,
                          const PetrelAccountRecord  *record,
                          GError                    **error)
{
  const char *jid;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (record != NULL && record->jid != NULL, FALSE);

  jid = record->jid;
  if (g_key_file_has_group (self->keyfile, jid))
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_EXISTS,
                   "The account %s already exists", jid);
      return FALSE;
    }

  write_record (self->keyfile, record);

  return save (self, error);
}

gboolean
petrel_account_store_update (PetrelAccountStore         *self,
                             const PetrelAccountRecord  *record,
                             GError                    **error)
{
  g_autofree char *before = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (record != NULL && record->jid != NULL, FALSE);

  if (!g_key_file_has_group (self->keyfile, record->jid))
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No account %s in this profile", record->jid);
      return FALSE;
    }

  /* A failed save leaves the file as it was, and so the keyfile. */
  before = g_key_file_to_data (self->keyfile, NULL, NULL);
  write_record (self->keyfile, record);
  if (!save (self, error))
    {
      g_key_file_load_from_data (self->keyfile, before, (gsize) -1, G_KEY_FILE_KEEP_COMMENTS, NULL);
      return FALSE;
    }

  return TRUE;
}

gboolean
petrel_account_store_remove (PetrelAccountStore  *self,
                             const char          *jid,
                             GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  if (!g_key_file_remove_group (self->keyfile, jid, NULL))
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No account %s in this profile", jid);
      return FALSE;
    }

  return save (self, error);
}
