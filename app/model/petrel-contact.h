/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PetrelContact: one roster entry (RFC 6121 §2.1.2). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PETREL_TYPE_CONTACT (petrel_contact_get_type ())
G_DECLARE_FINAL_TYPE (PetrelContact, petrel_contact, PETREL, CONTACT, GObject)

/**
 * petrel_contact_new:
 * @name: (nullable)
 * @subscription: "none", "to", "from" or "both"
 * @groups: (nullable): %NULL-terminated
 */
PetrelContact *petrel_contact_new (const char         *jid,
                                   const char         *name,
                                   const char         *subscription,
                                   const char * const *groups) G_GNUC_WARN_UNUSED_RESULT;

const char *petrel_contact_get_jid (PetrelContact *self);
const char *petrel_contact_get_name (PetrelContact *self);
const char *petrel_contact_get_subscription (PetrelContact *self);
const char * const *petrel_contact_get_groups (PetrelContact *self);

G_END_DECLS
