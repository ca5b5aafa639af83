/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0004: Data Forms, version 2.13.2.
 *
 * A small model of a `<x xmlns='jabber:x:data'/>` form: its type, title,
 * instructions and fields, each field with its name (`var`), type, label,
 * description, required flag, values and options.  Forms come from other
 * entities, so parsing enforces limits (XMPP_FORM_MAX_*) and refuses the
 * form as a whole rather than showing half of it.  The model builds the
 * matching submission (§3.1, type "submit"), echoing hidden fields such as
 * FORM_TYPE (XEP-0068) unchanged (§3.3).
 *
 * The structs are plain data: read their members, change values only with
 * the setters below.  `<reported/>` and `<item/>` of result forms (§3.4)
 * are not modelled.
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_NS_DATA_FORMS "jabber:x:data"

/* Limits on forms from the network: more is refused, never cut short. */
#define XMPP_FORM_MAX_FIELDS 256         /* <field/> elements per form */
#define XMPP_FORM_MAX_VALUES 256         /* <value/> or <option/> per field */
#define XMPP_FORM_MAX_STRING (64 * 1024) /* bytes in any one string */

/**
 * XmppFormType:
 * The form types of XEP-0004 §3.1.
 */
typedef enum
{
  XMPP_FORM_TYPE_FORM,
  XMPP_FORM_TYPE_SUBMIT,
  XMPP_FORM_TYPE_CANCEL,
  XMPP_FORM_TYPE_RESULT,
} XmppFormType;

/**
 * XmppFormFieldType:
 * The field types of XEP-0004 §3.3.  A field without a type, or with one
 * this code does not know, is text-single (§3.2, §3.3).
 */
typedef enum
{
  XMPP_FORM_FIELD_TEXT_SINGLE,
  XMPP_FORM_FIELD_TEXT_PRIVATE,
  XMPP_FORM_FIELD_TEXT_MULTI,
  XMPP_FORM_FIELD_BOOLEAN,
  XMPP_FORM_FIELD_LIST_SINGLE,
  XMPP_FORM_FIELD_LIST_MULTI,
  XMPP_FORM_FIELD_JID_SINGLE,
  XMPP_FORM_FIELD_JID_MULTI,
  XMPP_FORM_FIELD_HIDDEN,
  XMPP_FORM_FIELD_FIXED,
} XmppFormFieldType;

/**
 * XmppFormOption:
 * @label: (nullable): what to show
 * @value: what to submit
 *
 * One choice of a list-single or list-multi field.
 */
typedef struct
{
  char *label;
  char *value;
} XmppFormOption;

/**
 * XmppFormField:
 * @var: (nullable): the field's name; %NULL only for fixed fields
 * @type: the field type
 * @type_given: whether the form named @type (a submission repeats it)
 * @label: (nullable): the human-readable name
 * @desc: (nullable): a longer description
 * @required: the field must have a value for the form to be valid
 * @values: (element-type utf8): the values, the default ones in a form
 * @options: (element-type XmppFormOption): the choices of a list field
 */
typedef struct
{
  char             *var;
  XmppFormFieldType type;
  gboolean          type_given;
  char             *label;
  char             *desc;
  gboolean          required;
  GPtrArray        *values;
  GPtrArray        *options;
} XmppFormField;

/**
 * XmppForm:
 * @type: the form type
 * @title: (nullable): the form's title
 * @instructions: (nullable): the instructions, several joined by newlines
 * @fields: (element-type XmppFormField): the fields, in document order
 */
typedef struct
{
  XmppFormType type;
  char        *title;
  char        *instructions;
  GPtrArray   *fields;
} XmppForm;

#define XMPP_TYPE_FORM (xmpp_form_get_type ())
GType xmpp_form_get_type (void) G_GNUC_CONST;

/**
 * xmpp_form_new:
 * @type: the form type
 *
 * Returns: (transfer full): an empty form
 */
XmppForm *xmpp_form_new (XmppFormType type) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_form_copy:
 * @self: a form
 *
 * Returns: (transfer full): a deep copy of @self
 */
XmppForm *xmpp_form_copy (const XmppForm *self) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_form_free:
 * @self: (nullable): a form
 *
 * Frees @self with its fields; values of text-private fields are wiped
 * first (they may hold passwords).
 */
void xmpp_form_free (XmppForm *self);

/**
 * xmpp_form_parse:
 * @x: an `<x xmlns='jabber:x:data'/>` element
 * @error: return location for a #GError
 *
 * Reads a form from the network.  The form is refused with
 * %G_IO_ERROR_INVALID_DATA when it has no valid type, more than
 * %XMPP_FORM_MAX_FIELDS fields, a field with more than
 * %XMPP_FORM_MAX_VALUES values or options, a string longer than
 * %XMPP_FORM_MAX_STRING bytes, or two fields with the same name.  Fields
 * without a name (other than fixed ones) cannot be submitted and are left
 * out; a field type that allows one value keeps only the first.
 *
 * Returns: (transfer full) (nullable): the form, or %NULL with @error set
 */
XmppForm *xmpp_form_parse (const XmppNode *x,
                           GError        **error);

/**
 * xmpp_form_add_field:
 * @self: a form
 * @var: (nullable): the field's name (%NULL only for fixed fields)
 * @type: the field type
 *
 * Appends a field without label or values (for forms built in code).
 *
 * Returns: (transfer none): the new field
 */
XmppFormField *xmpp_form_add_field (XmppForm         *self,
                                    const char       *var,
                                    XmppFormFieldType type);

/**
 * xmpp_form_get_field:
 * @self: a form
 * @var: a field name
 *
 * Returns: (transfer none) (nullable): the field called @var
 */
XmppFormField *xmpp_form_get_field (const XmppForm *self,
                                    const char     *var);

/**
 * xmpp_form_get_form_type:
 * @self: a form
 *
 * Returns: (nullable): the value of the hidden FORM_TYPE field
 *   (XEP-0068), which names the protocol the form belongs to
 */
const char *xmpp_form_get_form_type (const XmppForm *self);

/**
 * xmpp_form_set_value:
 * @self: a form
 * @var: a field name
 * @value: (nullable): the new value; %NULL clears the field
 * @error: return location for a #GError
 *
 * Fills in a field the way a user would: %G_IO_ERROR_NOT_FOUND when the
 * form has no such field, %G_IO_ERROR_PERMISSION_DENIED for hidden and
 * fixed fields (§3.3: hidden values go back unchanged), and
 * %G_IO_ERROR_INVALID_ARGUMENT for a value that is not one of the options
 * of a list field, not a boolean of a boolean field ("0", "1", "false",
 * "true"), or longer than %XMPP_FORM_MAX_STRING.  For list-multi,
 * jid-multi and text-multi fields it replaces all values with one; use
 * xmpp_form_field_add_value() for more.
 *
 * Returns: whether the value was set
 */
gboolean xmpp_form_set_value (XmppForm   *self,
                              const char *var,
                              const char *value,
                              GError    **error);

/**
 * xmpp_form_dup_missing:
 * @self: a form
 *
 * Returns: (transfer full): the names of the required fields that have no
 *   non-empty value, in form order (hidden and fixed fields excluded)
 */
char **xmpp_form_dup_missing (const XmppForm *self) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_form_build_submit:
 * @self: a form of type "form"
 *
 * Builds the answer (§3.1): `<x type='submit'/>` with every field except
 * fixed ones, by name (and type when the form gave one), with its current
 * values; hidden fields, FORM_TYPE among them, are echoed as received.
 * Labels, descriptions and options are not repeated.
 *
 * Returns: (transfer full): the `<x xmlns='jabber:x:data'/>` element
 */
XmppNode *xmpp_form_build_submit (const XmppForm *self) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_form_field_get_value:
 * @field: a field
 *
 * Returns: (nullable): the first value
 */
const char *xmpp_form_field_get_value (const XmppFormField *field);

/**
 * xmpp_form_field_set_value:
 * @field: a field
 * @value: (nullable): the only value from now on; %NULL clears all
 *
 * Sets the value without the checks of xmpp_form_set_value().
 */
void xmpp_form_field_set_value (XmppFormField *field,
                                const char    *value);

/**
 * xmpp_form_field_add_value:
 * @field: a field
 * @value: another value (list-multi, jid-multi, text-multi, hidden)
 */
void xmpp_form_field_add_value (XmppFormField *field,
                                const char    *value);

/**
 * xmpp_form_field_type_to_string:
 * @type: a field type
 *
 * Returns: its name in XEP-0004, e.g. "text-private"
 */
const char *xmpp_form_field_type_to_string (XmppFormFieldType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppForm, xmpp_form_free)

G_END_DECLS
