/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PetrelAccount: one configured account as the front ends see it. */
#pragma once

#include <glib-object.h>

#include "petrel-model-enums.h"

G_BEGIN_DECLS

#define PETREL_TYPE_ACCOUNT (petrel_account_get_type ())
G_DECLARE_FINAL_TYPE (PetrelAccount, petrel_account, PETREL, ACCOUNT, GObject)

PetrelAccount *petrel_account_new (const char *jid) G_GNUC_WARN_UNUSED_RESULT;

const char *petrel_account_get_jid (PetrelAccount *self);

const char *petrel_account_get_display_name (PetrelAccount *self);
void petrel_account_set_display_name (PetrelAccount *self,
                                      const char    *display_name);

PetrelAccountState petrel_account_get_state (PetrelAccount *self);
void petrel_account_set_state (PetrelAccount      *self,
                               PetrelAccountState  state);

const char *petrel_account_get_error_message (PetrelAccount *self);
void petrel_account_set_error_message (PetrelAccount *self,
                                       const char    *error_message);

gboolean petrel_account_get_enabled (PetrelAccount *self);
void petrel_account_set_enabled (PetrelAccount *self,
                                 gboolean       enabled);

G_END_DECLS
