/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-contact.h"

G_BEGIN_DECLS

#define PETREL_TYPE_CONTACT_ROW (petrel_contact_row_get_type ())
G_DECLARE_FINAL_TYPE (PetrelContactRow, petrel_contact_row, PETREL, CONTACT_ROW, AdwBin)

PetrelContactRow *petrel_contact_row_new (void) G_GNUC_WARN_UNUSED_RESULT;

void petrel_contact_row_set_contact (PetrelContactRow *self,
                                     const char       *account,
                                     PetrelContact    *contact);
const char *petrel_contact_row_get_account (PetrelContactRow *self);
PetrelContact *petrel_contact_row_get_contact (PetrelContactRow *self);

G_END_DECLS
