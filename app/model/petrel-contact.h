/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PetrelContact: one roster entry (RFC 6121 §2.1.2) and its presence. */
#pragma once

#include <glib-object.h>

#include "petrel-model-enums.h"

G_BEGIN_DECLS

#define PETREL_TYPE_CONTACT (petrel_contact_get_type ())
G_DECLARE_FINAL_TYPE (PetrelContact, petrel_contact, PETREL, CONTACT, GObject)

/**
 * petrel_contact_new:
 * @jid: the contact's bare JID
 * @name: (nullable)
 * @subscription: (nullable): "none", "to", "from" or "both"; %NULL is "none"
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
/* The name, or the JID when the roster item has no name. */
const char *petrel_contact_get_display_name (PetrelContact *self);

void petrel_contact_set_name (PetrelContact *self,
                              const char    *name);
void petrel_contact_set_subscription (PetrelContact *self,
                                      const char    *subscription);
void petrel_contact_set_groups (PetrelContact      *self,
                                const char * const *groups);

/* Presence, from the contact's best resource (see petrel-contact.c). */
PetrelPresenceShow petrel_contact_get_show (PetrelContact *self);
const char *petrel_contact_get_status (PetrelContact *self);
gboolean petrel_contact_get_available (PetrelContact *self);
guint petrel_contact_get_n_resources (PetrelContact *self);

void petrel_contact_set_presence (PetrelContact      *self,
                                  const char         *resource,
                                  PetrelPresenceShow  show,
                                  const char         *status);
void petrel_contact_clear_presence (PetrelContact *self);

G_END_DECLS
