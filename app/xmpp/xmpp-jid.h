/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppJid: an immutable, normalised XMPP address (RFC 7622).
 *
 * Parsing splits at the first '/' (resource) and the first '@' before it
 * (localpart; RFC 7622 §3.2, so "a@b@c" has the invalid domainpart "b@c"),
 * then prepares each part:
 *   localpart — PRECIS UsernameCaseMapped (RFC 8265 §3.3): width mapping,
 *               lower-casing (RFC 8264 §9.3, not case folding), NFC;
 *               RFC 7622 §3.3.1 forbids " & ' / : < > @;
 *   domainpart — IDNA2008 through libidn2 (stored as lower-case U-labels),
 *               or an IP literal; a trailing dot is removed;
 *   resourcepart — PRECIS OpaqueString (RFC 8265 §4.2): spaces mapped, NFC.
 * Each part is 1..1023 bytes once prepared; empty parts are errors.
 * Two JIDs are equal when their prepared strings are equal.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XMPP_JID_ERROR (xmpp_jid_error_quark ())
GQuark xmpp_jid_error_quark (void);

typedef enum {
  XMPP_JID_ERROR_EMPTY,
  XMPP_JID_ERROR_INVALID_LOCAL,
  XMPP_JID_ERROR_INVALID_DOMAIN,
  XMPP_JID_ERROR_INVALID_RESOURCE,
  XMPP_JID_ERROR_TOO_LONG,
} XmppJidError;

typedef struct _XmppJid XmppJid;

#define XMPP_TYPE_JID (xmpp_jid_get_type ())
GType xmpp_jid_get_type (void) G_GNUC_CONST;

/**
 * xmpp_jid_parse:
 * @str: a JID as typed or received
 *
 * Returns: (transfer full) (nullable): the normalised JID, or %NULL with a
 *   XMPP_JID_ERROR whose message names the faulty part
 */
XmppJid *xmpp_jid_parse (const char  *str,
                         GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_jid_new:
 * @local: (nullable): the localpart, unprepared; "" is an error
 * @domain: the domainpart, unprepared
 * @resource: (nullable): the resourcepart, unprepared; "" is an error
 *
 * Returns: (transfer full) (nullable): the JID built from its parts
 */
XmppJid *xmpp_jid_new (const char  *local,
                       const char  *domain,
                       const char  *resource,
                       GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/** xmpp_jid_ref: Returns: (transfer full): @self */
XmppJid *xmpp_jid_ref (XmppJid *self);
/** xmpp_jid_unref: drops a reference */
void xmpp_jid_unref (XmppJid *self);

/** xmpp_jid_get_local: Returns: (nullable): the prepared localpart */
const char *xmpp_jid_get_local (const XmppJid *self);
/** xmpp_jid_get_domain: Returns: the prepared domainpart */
const char *xmpp_jid_get_domain (const XmppJid *self);
/** xmpp_jid_get_resource: Returns: (nullable): the prepared resourcepart */
const char *xmpp_jid_get_resource (const XmppJid *self);
/** xmpp_jid_to_string: Returns: the whole JID, normalised */
const char *xmpp_jid_to_string (const XmppJid *self);
/** xmpp_jid_get_bare_string: Returns: local@domain (or domain) */
const char *xmpp_jid_get_bare_string (const XmppJid *self);
/** xmpp_jid_is_bare: Returns: whether @self has no resource */
gboolean xmpp_jid_is_bare (const XmppJid *self);

/** xmpp_jid_dup_bare: Returns: (transfer full): @self without resource */
XmppJid *xmpp_jid_dup_bare (const XmppJid *self) G_GNUC_WARN_UNUSED_RESULT;
/**
 * xmpp_jid_with_resource:
 * @resource: (nullable): the resourcepart to prepare; %NULL gives the bare JID
 *
 * Returns: (transfer full) (nullable): the bare part of @self with @resource
 */
XmppJid *xmpp_jid_with_resource (const XmppJid  *self,
                                 const char     *resource,
                                 GError        **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_jid_equal:
 * @a: (nullable): an #XmppJid
 * @b: (nullable): an #XmppJid
 *
 * Returns: whether both full JIDs are the same (GEqualFunc); %NULL equals
 *   only %NULL
 */
gboolean xmpp_jid_equal (gconstpointer a,
                         gconstpointer b);
/**
 * xmpp_jid_equal_bare:
 * @a: (nullable): an #XmppJid
 * @b: (nullable): an #XmppJid
 *
 * Returns: whether both bare JIDs are the same; %NULL equals only %NULL
 */
gboolean xmpp_jid_equal_bare (const XmppJid *a,
                              const XmppJid *b);
/** xmpp_jid_hash: Returns: a hash of the full JID (GHashFunc) */
guint xmpp_jid_hash (gconstpointer jid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppJid, xmpp_jid_unref)

G_END_DECLS
