/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-accounts.h"

G_BEGIN_DECLS

#define PETREL_TYPE_CONTACTS_PAGE (petrel_contacts_page_get_type ())
G_DECLARE_FINAL_TYPE (PetrelContactsPage, petrel_contacts_page, PETREL, CONTACTS_PAGE, AdwBin)

void petrel_contacts_page_add_request (PetrelContactsPage *self,
                                       const char         *account,
                                       const char         *jid);
GListModel *petrel_contacts_page_get_requests (PetrelContactsPage *self);

G_END_DECLS
