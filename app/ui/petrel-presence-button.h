/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-accounts.h"

G_BEGIN_DECLS

#define PETREL_TYPE_PRESENCE_BUTTON (petrel_presence_button_get_type ())
G_DECLARE_FINAL_TYPE (PetrelPresenceButton, petrel_presence_button, PETREL, PRESENCE_BUTTON, AdwBin)

const char *petrel_presence_button_get_show (PetrelPresenceButton *self);
const char *petrel_presence_button_get_status (PetrelPresenceButton *self);

G_END_DECLS
