/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-accounts.h"
#include "petrel-application.h"

G_BEGIN_DECLS

#define PETREL_TYPE_WINDOW (petrel_window_get_type ())
G_DECLARE_FINAL_TYPE (PetrelWindow, petrel_window, PETREL, WINDOW, AdwApplicationWindow)

PetrelWindow *petrel_window_new (PetrelApplication *application) G_GNUC_WARN_UNUSED_RESULT;

PetrelAccounts *petrel_window_get_accounts (PetrelWindow *self);

void petrel_window_open_conversation (PetrelWindow *self,
                                      const char   *account,
                                      const char   *peer);
gboolean petrel_window_is_showing_conversation (PetrelWindow *self,
                                                const char   *account,
                                                const char   *peer);

G_END_DECLS
