/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0077: In-Band Registration, version 2.5.
 *
 * Creating an account (§3.1), changing its password (§3.3) and removing
 * it (§3.2).  To create one, connect with XmppConnectorConfig.register_only
 * (TLS, no SASL, no binding), make an XmppClient on that stream with the
 * server's domain as its JID, then:
 *
 *   xmpp_register_get_fields_async ()  → XmppRegistrationForm
 *   xmpp_registration_form_set_value ("username" / "password" / …)
 *   xmpp_register_submit_async ()
 *
 * The form is either the legacy `jabber:iq:register` fields or, when the
 * server sends one, an XEP-0004 data form, which takes precedence (§6):
 * only the data form is submitted then, never both.  A server that only
 * registers on the web sends instructions and an XEP-0066 URL instead.
 *
 * Errors stay in XMPP_STANZA_ERROR with the server's condition, but their
 * messages are written for people: "That user name is taken", not
 * "conflict".  Requests that carry a password are never sent over a
 * stream without TLS (§10).
 */
#pragma once

#include "xmpp-client.h"
#include "xep-0004-forms.h"

G_BEGIN_DECLS

#define XMPP_NS_REGISTER         "jabber:iq:register"
#define XMPP_NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"
#define XMPP_NS_OOB              "jabber:x:oob"

typedef struct _XmppRegistrationForm XmppRegistrationForm;

#define XMPP_TYPE_REGISTRATION_FORM (xmpp_registration_form_get_type ())
GType xmpp_registration_form_get_type (void) G_GNUC_CONST;

/**
 * xmpp_registration_form_parse:
 * @query: the `<query xmlns='jabber:iq:register'/>` of an IQ result
 * @error: return location for a #GError
 *
 * Reads what a host asks for (§3.1): `<registered/>`, `<instructions/>`,
 * the legacy fields of the schema (other elements are ignored, §4), an
 * XEP-0004 form (refused as a whole when it breaks the limits of
 * xmpp_form_parse()) and an XEP-0066 URL (kept only when it is http or
 * https).
 *
 * Returns: (transfer full) (nullable): the form, or %NULL with
 *   %G_IO_ERROR_INVALID_DATA
 */
XmppRegistrationForm *xmpp_registration_form_parse (const XmppNode *query,
                                                    GError        **error);

/** xmpp_registration_form_copy: Returns: (transfer full): a deep copy */
XmppRegistrationForm *xmpp_registration_form_copy (const XmppRegistrationForm *self) G_GNUC_WARN_UNUSED_RESULT;

/** xmpp_registration_form_free: frees @self, wiping the values it holds */
void xmpp_registration_form_free (XmppRegistrationForm *self);

/**
 * xmpp_registration_form_is_registered:
 *
 * Returns: whether the host said the asking entity is already registered
 *   (`<registered/>`); the values are then what it has on file
 */
gboolean xmpp_registration_form_is_registered (const XmppRegistrationForm *self);

/**
 * xmpp_registration_form_get_instructions:
 *
 * Returns: (nullable): the legacy `<instructions/>` (the data form has
 *   its own in its @instructions member)
 */
const char *xmpp_registration_form_get_instructions (const XmppRegistrationForm *self);

/**
 * xmpp_registration_form_get_oob_url:
 *
 * Returns: (nullable): where the host offers registration on the web
 *   (XEP-0066), http or https only; show it, never open it unasked
 */
const char *xmpp_registration_form_get_oob_url (const XmppRegistrationForm *self);

/**
 * xmpp_registration_form_get_data_form:
 *
 * Returns: (transfer none) (nullable): the XEP-0004 form, which is what
 *   gets submitted when present
 */
XmppForm *xmpp_registration_form_get_data_form (const XmppRegistrationForm *self);

/**
 * xmpp_registration_form_get_legacy_fields:
 *
 * Returns: (transfer none): the names of the legacy fields the host asked
 *   for ("username", "password", "email", …), in its order
 */
const char *const *xmpp_registration_form_get_legacy_fields (const XmppRegistrationForm *self);

/**
 * xmpp_registration_form_can_submit:
 *
 * Returns: whether there is anything to fill in and submit; %FALSE when
 *   the host only gives instructions and perhaps a web URL
 */
gboolean xmpp_registration_form_can_submit (const XmppRegistrationForm *self);

/**
 * xmpp_registration_form_has_field:
 * @name: a field name
 *
 * Returns: whether the form that will be submitted has a field @name
 */
gboolean xmpp_registration_form_has_field (const XmppRegistrationForm *self,
                                           const char                 *name);

/**
 * xmpp_registration_form_get_value:
 * @name: a field name
 *
 * Returns: (nullable): the field's current (first) value
 */
const char *xmpp_registration_form_get_value (const XmppRegistrationForm *self,
                                              const char                 *name);

/**
 * xmpp_registration_form_set_value:
 * @name: a field name ("username", "password", "email", …)
 * @value: (nullable): the value; %NULL clears it
 * @error: return location for a #GError
 *
 * Fills in the field @name of the data form when there is one (with the
 * checks of xmpp_form_set_value()), else the legacy field.
 * %G_IO_ERROR_NOT_FOUND when the host did not ask for @name.
 *
 * Returns: whether the value was set
 */
gboolean xmpp_registration_form_set_value (XmppRegistrationForm *self,
                                           const char           *name,
                                           const char           *value,
                                           GError              **error);

/**
 * xmpp_registration_form_dup_missing:
 *
 * Returns: (transfer full): the fields still without a value that the
 *   host requires: the data form's `<required/>` fields, or every legacy
 *   field (§3.1: all of them MUST be provided)
 */
char **xmpp_registration_form_dup_missing (const XmppRegistrationForm *self) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_registration_form_get_label:
 * @name: a field name
 *
 * Returns: (nullable): the data form's label for @name, if any
 */
const char *xmpp_registration_form_get_label (const XmppRegistrationForm *self,
                                              const char                 *name);

/**
 * xmpp_registration_form_build_submit:
 *
 * Returns: (transfer full): the `<query xmlns='jabber:iq:register'/>` to
 *   send: the submitted data form, or else the legacy fields
 */
XmppNode *xmpp_registration_form_build_submit (const XmppRegistrationForm *self) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_register_get_fields_async:
 * @client: a client, usually on a register-only stream
 * @to: (nullable): the host; %NULL for the server of the stream
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Asks the host what registration needs (§3.1, IQ get).
 */
void xmpp_register_get_fields_async (XmppClient         *client,
                                     const XmppJid      *to,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);

/**
 * xmpp_register_get_fields_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the form, or %NULL with a readable
 *   XMPP_STANZA_ERROR ("The server does not offer account registration"
 *   for service-unavailable), %G_IO_ERROR_INVALID_DATA for a malformed
 *   answer, or the connection's error
 */
XmppRegistrationForm *xmpp_register_get_fields_finish (XmppClient   *client,
                                                       GAsyncResult *result,
                                                       GError      **error);

/**
 * xmpp_register_submit_async:
 * @client: a client on a TLS stream
 * @to: (nullable): the host; %NULL for the server of the stream
 * @form: the filled-in form (copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the host answered
 * @user_data: data for @callback
 *
 * Submits @form (§3.1, IQ set).  Nothing is sent, and the call fails with
 * XMPP_STREAM_ERROR_NO_TLS, when the stream is not encrypted, or with
 * %G_IO_ERROR_INVALID_ARGUMENT naming the first field when
 * xmpp_registration_form_dup_missing() is not empty.
 */
void xmpp_register_submit_async (XmppClient                 *client,
                                 const XmppJid              *to,
                                 const XmppRegistrationForm *form,
                                 GCancellable               *cancellable,
                                 GAsyncReadyCallback         callback,
                                 gpointer                    user_data);

/**
 * xmpp_register_submit_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * The stanza errors keep their condition as code, with these messages:
 * conflict "That user name is taken"; not-acceptable "The server did not
 * accept the details (its text)"; not-allowed and forbidden "The server
 * does not allow creating accounts here"; resource-constraint "Too many
 * registrations; try later".
 *
 * Returns: whether the account was created
 */
gboolean xmpp_register_submit_finish (XmppClient   *client,
                                      GAsyncResult *result,
                                      GError      **error);

/**
 * xmpp_register_change_password_async:
 * @client: a logged-in client on a TLS stream
 * @new_password: the new password (not empty)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered
 * @user_data: data for @callback
 *
 * Changes the account's password (§3.3) with the legacy
 * `<username/>` and `<password/>`.  Refused without sending anything over a
 * stream without TLS (XMPP_STREAM_ERROR_NO_TLS).
 */
void xmpp_register_change_password_async (XmppClient         *client,
                                          const char         *new_password,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);

/**
 * xmpp_register_change_password_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: whether the password was changed; the errors are readable
 *   (not-authorized: "…not safe enough…", not-allowed: "The server does
 *   not allow changing the password here")
 */
gboolean xmpp_register_change_password_finish (XmppClient   *client,
                                               GAsyncResult *result,
                                               GError      **error);

/**
 * xmpp_register_cancel_async:
 * @client: a logged-in client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server answered
 * @user_data: data for @callback
 *
 * Removes the account from its server (§3.2: `<remove/>`, no `to`).  The
 * server usually ends the stream right after its answer.
 */
void xmpp_register_cancel_async (XmppClient         *client,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);

/**
 * xmpp_register_cancel_finish:
 * @client: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: whether the account was removed
 */
gboolean xmpp_register_cancel_finish (XmppClient   *client,
                                      GAsyncResult *result,
                                      GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppRegistrationForm, xmpp_registration_form_free)

G_END_DECLS
