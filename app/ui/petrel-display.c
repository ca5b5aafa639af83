/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-display"

#include "petrel-display.h"

#include <gtk/gtk.h>

/* Whether the machine has a GPU that renders: a DRM render node (Linux
 * and FreeBSD's drm-kmod both name them /dev/dri/renderD*). */
static gboolean
has_render_node (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return TRUE;

  return FALSE;
}

/* Without a GPU, OpenGL is emulated on the CPU (llvmpipe): GTK would load
 * and run a software GL stack that costs about 130 MB and makes frames
 * slower than its cairo renderer.  So on such machines (virtual machines,
 * remote X displays) the display is opened without GL.  The setting is
 * taken back once the display is open, so programs Petrel starts (a
 * browser for a link) decide for themselves; a user's own GSK_RENDERER or
 * GDK_DEBUG always wins. */
void
petrel_init_display (void)
{
  gboolean without_gl = g_getenv ("GSK_RENDERER") == NULL && g_getenv ("GDK_DEBUG") == NULL &&
                        !has_render_node ();

  if (without_gl)
    g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  /* Without a display this fails quietly; the application reports it. */
  gtk_init_check ();
  if (without_gl)
    g_unsetenv ("GDK_DEBUG");
}
