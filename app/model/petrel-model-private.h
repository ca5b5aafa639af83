/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the model's classes; not installed, not for callers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* g_set_str () arrived in GLib 2.76; this is the same for 2.74.
 * Returns whether *str_pointer changed. */
static inline gboolean
petrel_model_set_str (char       **str_pointer,
                      const char  *new_str)
{
  char *copy;

  if (*str_pointer == new_str || g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;

  return TRUE;
}

G_END_DECLS
