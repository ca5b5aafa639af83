/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How a presence looks in the UI: its icon, words and style class. */
#pragma once

#include <glib.h>

#include "petrel-model-enums.h"

G_BEGIN_DECLS

const char *petrel_presence_icon_name (PetrelPresenceShow show);
const char *petrel_presence_describe (PetrelPresenceShow show);
const char *petrel_presence_style_class (PetrelPresenceShow show);
PetrelPresenceShow petrel_presence_from_nick (const char *nick);

G_END_DECLS
