/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-accounts.h"

G_BEGIN_DECLS

#define PETREL_TYPE_ACCOUNT_SETTINGS_PAGE (petrel_account_settings_page_get_type ())
G_DECLARE_FINAL_TYPE (PetrelAccountSettingsPage, petrel_account_settings_page, PETREL, ACCOUNT_SETTINGS_PAGE, GtkBox)

PetrelAccountSettingsPage *petrel_account_settings_page_new (PetrelAccounts *accounts,
                                                             const char     *jid) G_GNUC_WARN_UNUSED_RESULT;

const char *petrel_account_settings_page_get_jid (PetrelAccountSettingsPage *self);

/** Returns: (nullable): the error shown last, %NULL after a success */
const char *petrel_account_settings_page_get_error_message (PetrelAccountSettingsPage *self);

/** Returns: whether a save is in flight */
gboolean petrel_account_settings_page_get_busy (PetrelAccountSettingsPage *self);

char *petrel_account_settings_describe_state (PetrelAccount *account) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Signals:
 *   "saved": the settings were stored (and the account reconnects)
 *   "removed": the account was removed; the page has nothing to show
 */

G_END_DECLS
