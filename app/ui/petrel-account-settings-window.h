/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-account-settings-page.h"
#include "petrel-accounts.h"

G_BEGIN_DECLS

#define PETREL_TYPE_ACCOUNT_SETTINGS_WINDOW (petrel_account_settings_window_get_type ())
G_DECLARE_FINAL_TYPE (PetrelAccountSettingsWindow, petrel_account_settings_window, PETREL, ACCOUNT_SETTINGS_WINDOW,
                      AdwPreferencesWindow)

PetrelAccountSettingsWindow *petrel_account_settings_window_new (PetrelAccounts *accounts) G_GNUC_WARN_UNUSED_RESULT;

PetrelAccountSettingsPage *petrel_account_settings_window_show_account (PetrelAccountSettingsWindow *self,
                                                                        const char                  *jid);

/** Returns: (transfer none) (nullable): the account page shown, if any */
PetrelAccountSettingsPage *petrel_account_settings_window_get_page (PetrelAccountSettingsWindow *self);

G_END_DECLS
