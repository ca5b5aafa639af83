/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Opening the display before the application starts: the choice of
 * renderer for machines without a GPU.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * petrel_init_display:
 *
 * Initialises GTK and opens the default display, without OpenGL when the
 * machine has no GPU render node (and the user set neither GSK_RENDERER
 * nor GDK_DEBUG).  Call it from main() before g_application_run().
 */
void petrel_init_display (void);

G_END_DECLS
