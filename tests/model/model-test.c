/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The items-changed recorder and the notify log; see model-test.h.
 */
#define G_LOG_DOMAIN "model-test"

#include "model-test.h"

#include <string.h>

static void
recorder_items_changed_cb (GListModel *model,
                           guint       position,
                           guint       removed,
                           guint       added,
                           gpointer    user_data)
{
  Recorder *self = user_data;

  g_assert_cmpuint (position + removed, <=, self->mirror->len);
  g_ptr_array_remove_range (self->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (self->mirror, position + i, g_list_model_get_item (model, position + i));
  g_assert_cmpuint (self->mirror->len, ==, g_list_model_get_n_items (model));
  g_string_append_printf (self->log, "(%u,%u,%u)", position, removed, added);
}

Recorder *
recorder_new (gpointer model)
{
  Recorder *self = g_new0 (Recorder, 1);
  guint n = g_list_model_get_n_items (model);

  self->model = model;
  self->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  self->log = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->mirror, g_list_model_get_item (model, i));
  g_signal_connect (model, "items-changed", G_CALLBACK (recorder_items_changed_cb), self);

  return self;
}

void
recorder_check (Recorder   *self,
                const char *expected)
{
  g_assert_cmpstr (self->log->str, ==, expected);
  g_string_truncate (self->log, 0);

  g_assert_cmpuint (self->mirror->len, ==, g_list_model_get_n_items (self->model));
  for (guint i = 0; i < self->mirror->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (self->model, i);

      g_assert_true (item == g_ptr_array_index (self->mirror, i));
    }
}

void
recorder_free (Recorder *self)
{
  g_signal_handlers_disconnect_by_func (self->model, recorder_items_changed_cb, self);
  g_ptr_array_unref (self->mirror);
  g_string_free (self->log, TRUE);
  g_free (self);
}

struct _NotifyLog
{
  GObject   *object;
  GPtrArray *names;
};

static void
notify_log_cb (GObject    *object,
               GParamSpec *pspec,
               gpointer    user_data)
{
  NotifyLog *self = user_data;

  g_ptr_array_add (self->names, g_strdup (pspec->name));
}

NotifyLog *
notify_log_new (gpointer object)
{
  NotifyLog *self = g_new0 (NotifyLog, 1);

  self->object = object;
  self->names = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (object, "notify", G_CALLBACK (notify_log_cb), self);

  return self;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char *
notify_take (NotifyLog *self)
{
  char *joined;

  g_ptr_array_sort (self->names, compare_names);
  g_ptr_array_add (self->names, NULL);
  joined = g_strjoinv (",", (char **) self->names->pdata);
  g_ptr_array_set_size (self->names, 0);

  return joined;
}

void
notify_log_free (NotifyLog *self)
{
  g_signal_handlers_disconnect_by_func (self->object, notify_log_cb, self);
  g_ptr_array_unref (self->names);
  g_free (self);
}
