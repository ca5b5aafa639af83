/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PETREL_TYPE_COMPOSER (petrel_composer_get_type ())
G_DECLARE_FINAL_TYPE (PetrelComposer, petrel_composer, PETREL, COMPOSER, AdwBin)

char *petrel_composer_dup_text (PetrelComposer *self) G_GNUC_WARN_UNUSED_RESULT;
void petrel_composer_set_text (PetrelComposer *self,
                               const char     *text);
const char *petrel_composer_get_chat_state (PetrelComposer *self);
void petrel_composer_leave (PetrelComposer *self);
void petrel_composer_focus (PetrelComposer *self);

G_END_DECLS
