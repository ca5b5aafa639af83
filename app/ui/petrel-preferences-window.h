/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-accounts.h"

G_BEGIN_DECLS

#define PETREL_TYPE_PREFERENCES_WINDOW (petrel_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PetrelPreferencesWindow, petrel_preferences_window, PETREL, PREFERENCES_WINDOW, AdwPreferencesWindow)

PetrelPreferencesWindow *petrel_preferences_window_new (PetrelAccounts *accounts,
                                                        GSettings      *settings) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
