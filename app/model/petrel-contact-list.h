/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PetrelContactList: one account's roster as a sorted GListModel. */
#pragma once

#include <gio/gio.h>

#include "petrel-contact.h"

G_BEGIN_DECLS

#define PETREL_TYPE_CONTACT_LIST (petrel_contact_list_get_type ())
G_DECLARE_FINAL_TYPE (PetrelContactList, petrel_contact_list, PETREL, CONTACT_LIST, GObject)

PetrelContactList *petrel_contact_list_new (const char *account) G_GNUC_WARN_UNUSED_RESULT;

const char *petrel_contact_list_get_account (PetrelContactList *self);

PetrelContact *petrel_contact_list_add_or_update (PetrelContactList *self,
                                                  PetrelContact     *contact);
gboolean petrel_contact_list_remove (PetrelContactList *self,
                                     const char        *jid);
PetrelContact *petrel_contact_list_lookup (PetrelContactList *self,
                                           const char        *jid);
void petrel_contact_list_replace (PetrelContactList *self,
                                  GPtrArray         *contacts);

gboolean petrel_contact_list_set_presence (PetrelContactList  *self,
                                           const char         *full_jid,
                                           PetrelPresenceShow  show,
                                           const char         *status);
void petrel_contact_list_clear_presence (PetrelContactList *self);

G_END_DECLS
