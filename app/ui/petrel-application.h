/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-accounts.h"

G_BEGIN_DECLS

#define PETREL_TYPE_APPLICATION (petrel_application_get_type ())
G_DECLARE_FINAL_TYPE (PetrelApplication, petrel_application, PETREL, APPLICATION, AdwApplication)

PetrelApplication *petrel_application_new (void) G_GNUC_WARN_UNUSED_RESULT;

PetrelAccounts *petrel_application_get_accounts (PetrelApplication *self);
GSettings *petrel_application_get_settings (PetrelApplication *self);

void petrel_application_withdraw_notification (PetrelApplication *self,
                                               const char        *account,
                                               const char        *peer);

G_END_DECLS
