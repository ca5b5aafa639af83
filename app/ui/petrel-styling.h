/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0393 Message Styling, version 1.1.1: a message body to Pango markup
 * for a GtkLabel.  Pure functions; no GTK, no display.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * PetrelStylingFlags:
 * @PETREL_STYLING_NONE: styling only
 * @PETREL_STYLING_LINKS: also turn http, https and xmpp URIs into GtkLabel
 *   `<a href>` links (GtkLabel markup, not plain Pango markup)
 */
typedef enum {
  PETREL_STYLING_NONE  = 0,
  PETREL_STYLING_LINKS = 1 << 0,
} PetrelStylingFlags;

char *petrel_styling_to_markup (const char         *text,
                                PetrelStylingFlags  flags) G_GNUC_WARN_UNUSED_RESULT;

char *petrel_styling_sanitize (const char *text) G_GNUC_WARN_UNUSED_RESULT;

gboolean petrel_styling_is_safe_uri (const char *uri);

G_END_DECLS
