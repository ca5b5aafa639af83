/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-accounts.h"

G_BEGIN_DECLS

#define PETREL_TYPE_ASSISTANT (petrel_assistant_get_type ())
G_DECLARE_FINAL_TYPE (PetrelAssistant, petrel_assistant, PETREL, ASSISTANT, AdwWindow)

PetrelAssistant *petrel_assistant_new (PetrelAccounts *accounts) G_GNUC_WARN_UNUSED_RESULT;

void petrel_assistant_show_create_page (PetrelAssistant *self);
void petrel_assistant_show_error (PetrelAssistant *self,
                                  const GError    *error);
const char *petrel_assistant_get_error_message (PetrelAssistant *self);

char *petrel_assistant_describe_error (const GError *error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
