/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0004: Data Forms, version 2.13.2.
 *
 * Forms arrive from servers and services Petrel does not control, so the
 * parser checks counts and sizes before it copies anything and refuses a
 * form that breaks a limit: a half-read form would submit something the
 * user never saw.  The stream reader's own limits (stanza size, depth)
 * already bound the total; these bound what one form can make the UI show.
 */
#define G_LOG_DOMAIN "xep-0004-forms"

#include "xep-0004-forms.h"

#include <string.h>

G_DEFINE_BOXED_TYPE (XmppForm, xmpp_form, xmpp_form_copy, xmpp_form_free)

/* Indexed by XmppFormFieldType. */
static const char *const field_types[] = {
  "text-single",
  "text-private",
  "text-multi",
  "boolean",
  "list-single",
  "list-multi",
  "jid-single",
  "jid-multi",
  "hidden",
  "fixed",
};

G_STATIC_ASSERT (G_N_ELEMENTS (field_types) == XMPP_FORM_FIELD_FIXED + 1);

/* Indexed by XmppFormType. */
static const char *const form_types[] = { "form", "submit", "cancel", "result" };

G_STATIC_ASSERT (G_N_ELEMENTS (form_types) == XMPP_FORM_TYPE_RESULT + 1);

const char *
xmpp_form_field_type_to_string (XmppFormFieldType type)
{
  if ((guint) type >= G_N_ELEMENTS (field_types))
    return "text-single";

  return field_types[type];
}

static gboolean
field_type_from_string (const char        *name,
                        XmppFormFieldType *type)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (field_types); i++)
    {
      if (g_str_equal (field_types[i], name))
        {
          *type = (XmppFormFieldType) i;
          return TRUE;
        }
    }

  /* §3.3: an unknown type MUST be taken as text-single. */
  *type = XMPP_FORM_FIELD_TEXT_SINGLE;
  return FALSE;
}

/* §3.2: only these may carry more than one <value/>. */
static gboolean
is_multi_valued (XmppFormFieldType type)
{
  return type == XMPP_FORM_FIELD_LIST_MULTI || type == XMPP_FORM_FIELD_JID_MULTI ||
         type == XMPP_FORM_FIELD_TEXT_MULTI || type == XMPP_FORM_FIELD_HIDDEN;
}

static gboolean
is_list (XmppFormFieldType type)
{
  return type == XMPP_FORM_FIELD_LIST_SINGLE || type == XMPP_FORM_FIELD_LIST_MULTI;
}

/* Freeing and copying */

static void
wipe_string (gpointer data)
{
  char *s = data;

  if (s != NULL)
    explicit_bzero (s, strlen (s));
  g_free (s);
}

static void
option_free (gpointer data)
{
  XmppFormOption *option = data;

  g_free (option->label);
  g_free (option->value);
  g_free (option);
}

static XmppFormField *
field_new (const char       *var,
           XmppFormFieldType type)
{
  XmppFormField *field = g_new0 (XmppFormField, 1);

  field->var = g_strdup (var);
  field->type = type;
  /* Values may be passwords (text-private): wiped when freed. */
  field->values = g_ptr_array_new_with_free_func (wipe_string);
  field->options = g_ptr_array_new_with_free_func (option_free);

  return field;
}

static void
field_free (gpointer data)
{
  XmppFormField *field = data;

  g_free (field->var);
  g_free (field->label);
  g_free (field->desc);
  g_ptr_array_unref (field->values);
  g_ptr_array_unref (field->options);
  g_free (field);
}

XmppForm *
xmpp_form_new (XmppFormType type)
{
  XmppForm *self = g_new0 (XmppForm, 1);

  self->type = type;
  self->fields = g_ptr_array_new_with_free_func (field_free);

  return self;
}

void
xmpp_form_free (XmppForm *self)
{
  if (self == NULL)
    return;

  g_free (self->title);
  g_free (self->instructions);
  g_ptr_array_unref (self->fields);
  g_free (self);
}

XmppForm *
xmpp_form_copy (const XmppForm *self)
{
  XmppForm *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = xmpp_form_new (self->type);
  copy->title = g_strdup (self->title);
  copy->instructions = g_strdup (self->instructions);

  for (guint i = 0; i < self->fields->len; i++)
    {
      const XmppFormField *field = g_ptr_array_index (self->fields, i);
      XmppFormField       *dup = field_new (field->var, field->type);

      dup->type_given = field->type_given;
      dup->label = g_strdup (field->label);
      dup->desc = g_strdup (field->desc);
      dup->required = field->required;
      for (guint j = 0; j < field->values->len; j++)
        g_ptr_array_add (dup->values, g_strdup (g_ptr_array_index (field->values, j)));
      for (guint j = 0; j < field->options->len; j++)
        {
          const XmppFormOption *option = g_ptr_array_index (field->options, j);
          XmppFormOption       *o = g_new0 (XmppFormOption, 1);

          o->label = g_strdup (option->label);
          o->value = g_strdup (option->value);
          g_ptr_array_add (dup->options, o);
        }
      g_ptr_array_add (copy->fields, dup);
    }

  return copy;
}

/* Parsing */

/* A name from the network, cut short and made printable for a message. */
static char *
quote_for_message (const char *text)
{
  gsize            len = strlen (text);
  g_autofree char *valid = g_utf8_make_valid (text, MIN (len, 64));

  return len > 64 ? g_strconcat (valid, "…", NULL) : g_steal_pointer (&valid);
}

static gboolean
check_string (const char *text,
              const char *what,
              GError    **error)
{
  if (text != NULL && strlen (text) > XMPP_FORM_MAX_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The form's %s is longer than %u bytes", what, XMPP_FORM_MAX_STRING);
      return FALSE;
    }

  return TRUE;
}

/* Copies an attribute or text after checking its size. */
static gboolean
take_string (char      **out,
             const char *text,
             const char *what,
             GError    **error)
{
  if (!check_string (text, what, error))
    return FALSE;

  g_free (*out);
  *out = g_strdup (text);
  return TRUE;
}

static gboolean
parse_option (XmppFormField  *field,
              const XmppNode *node,
              GError        **error)
{
  XmppNode       *value = xmpp_node_get_child (node, "value", XMPP_NS_DATA_FORMS);
  XmppFormOption *option;

  /* §3.2: an option MUST hold exactly one <value/>; one without cannot be
   * chosen, so it is left out. */
  if (value == NULL)
    return TRUE;
  if (!check_string (xmpp_node_get_attr (node, "label"), "option label", error) ||
      !check_string (xmpp_node_get_text (value), "option value", error))
    return FALSE;

  option = g_new0 (XmppFormOption, 1);
  option->label = g_strdup (xmpp_node_get_attr (node, "label"));
  option->value = g_strdup (xmpp_node_get_text (value));
  g_ptr_array_add (field->options, option);

  return TRUE;
}

static XmppFormField *
parse_field (const XmppNode *node,
             GError        **error)
{
  g_autoptr (GPtrArray) values = g_ptr_array_new ();
  const char       *type_name = xmpp_node_get_attr (node, "type");
  const char       *var = xmpp_node_get_attr (node, "var");
  XmppFormFieldType type;
  XmppFormField    *field;
  gboolean          type_given;
  guint             n_options = 0;

  type_given = field_type_from_string (type_name, &type);
  if (!check_string (var, "field name", error))
    return NULL;

  /* Count before copying anything. */
  for (guint i = 0; i < xmpp_node_get_n_children (node); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (node, i);

      if (xmpp_node_is (child, "value", XMPP_NS_DATA_FORMS))
        g_ptr_array_add (values, child);
      else if (xmpp_node_is (child, "option", XMPP_NS_DATA_FORMS))
        n_options++;
    }
  if (values->len > XMPP_FORM_MAX_VALUES || n_options > XMPP_FORM_MAX_VALUES)
    {
      g_autofree char *name = quote_for_message (var ? var : "");

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The form's field “%s” has more than %u values", name, XMPP_FORM_MAX_VALUES);
      return NULL;
    }

  field = field_new (var, type);
  field->type_given = type_given;
  field->required = xmpp_node_get_child (node, "required", XMPP_NS_DATA_FORMS) != NULL;
  if (!take_string (&field->label, xmpp_node_get_attr (node, "label"), "field label", error) ||
      !take_string (&field->desc, xmpp_node_get_child_text (node, "desc", XMPP_NS_DATA_FORMS),
                    "field description", error))
    goto fail;

  for (guint i = 0; i < values->len; i++)
    {
      const char *text = xmpp_node_get_text (g_ptr_array_index (values, i));

      if (!check_string (text, "value", error))
        goto fail;
      /* §3.2: other types MUST NOT have more than one value. */
      if (i > 0 && !is_multi_valued (type))
        break;
      g_ptr_array_add (field->values, g_strdup (text));
    }

  /* §3.2: options belong to list fields only. */
  for (guint i = 0; is_list (type) && i < xmpp_node_get_n_children (node); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (node, i);

      if (xmpp_node_is (child, "option", XMPP_NS_DATA_FORMS) && !parse_option (field, child, error))
        goto fail;
    }

  return field;

fail:
  field_free (field);
  return NULL;
}

static gboolean
parse_form_type (const XmppNode *x,
                 XmppFormType   *type,
                 GError        **error)
{
  const char *name = xmpp_node_get_attr (x, "type");

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (form_types); i++)
    {
      if (g_str_equal (form_types[i], name))
        {
          *type = (XmppFormType) i;
          return TRUE;
        }
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "The form has no valid type");
  return FALSE;
}

/* Several <instructions/> are allowed (§3); they are joined by newlines. */
static gboolean
append_instructions (XmppForm   *form,
                     const char *text,
                     GError    **error)
{
  gsize have = form->instructions ? strlen (form->instructions) + 1 : 0;

  if (have + strlen (text) > XMPP_FORM_MAX_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The form's instructions are longer than %u bytes", XMPP_FORM_MAX_STRING);
      return FALSE;
    }

  if (form->instructions == NULL)
    {
      form->instructions = g_strdup (text);
    }
  else
    {
      char *joined = g_strconcat (form->instructions, "\n", text, NULL);

      g_free (form->instructions);
      form->instructions = joined;
    }

  return TRUE;
}

XmppForm *
xmpp_form_parse (const XmppNode *x,
                 GError        **error)
{
  g_autoptr (XmppForm) form = NULL;
  g_autoptr (GHashTable) names = NULL;
  XmppFormType type;
  guint        n_fields = 0;

  g_return_val_if_fail (x != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xmpp_node_is (x, "x", XMPP_NS_DATA_FORMS))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a data form");
      return NULL;
    }
  if (!parse_form_type (x, &type, error))
    return NULL;

  for (guint i = 0; i < xmpp_node_get_n_children (x); i++)
    {
      if (xmpp_node_is (xmpp_node_get_child_at (x, i), "field", XMPP_NS_DATA_FORMS))
        n_fields++;
    }
  if (n_fields > XMPP_FORM_MAX_FIELDS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The form has more than %u fields", XMPP_FORM_MAX_FIELDS);
      return NULL;
    }

  form = xmpp_form_new (type);
  names = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < xmpp_node_get_n_children (x); i++)
    {
      XmppNode      *child = xmpp_node_get_child_at (x, i);
      XmppFormField *field;

      if (xmpp_node_is (child, "title", XMPP_NS_DATA_FORMS))
        {
          if (!take_string (&form->title, xmpp_node_get_text (child), "title", error))
            return NULL;
          continue;
        }
      if (xmpp_node_is (child, "instructions", XMPP_NS_DATA_FORMS))
        {
          if (!append_instructions (form, xmpp_node_get_text (child), error))
            return NULL;
          continue;
        }
      if (!xmpp_node_is (child, "field", XMPP_NS_DATA_FORMS))
        continue;

      field = parse_field (child, error);
      if (field == NULL)
        return NULL;

      /* §3.2: every field but a fixed one MUST have a name; without one
       * it could not be submitted. */
      if (field->var == NULL && field->type != XMPP_FORM_FIELD_FIXED)
        {
          g_debug ("leaving out a field without a name");
          field_free (field);
          continue;
        }

      /* The name identifies the field uniquely (§3.2); with two of the
       * same name, which one the user filled in would be a guess. */
      if (field->var != NULL && !g_hash_table_add (names, field->var))
        {
          g_autofree char *name = quote_for_message (field->var);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "The form has two fields called “%s”", name);
          field_free (field);
          return NULL;
        }
      g_ptr_array_add (form->fields, field);
    }

  return g_steal_pointer (&form);
}

/* Reading and filling in */

XmppFormField *
xmpp_form_add_field (XmppForm         *self,
                     const char       *var,
                     XmppFormFieldType type)
{
  XmppFormField *field;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (var != NULL || type == XMPP_FORM_FIELD_FIXED, NULL);

  field = field_new (var, type);
  field->type_given = TRUE;
  g_ptr_array_add (self->fields, field);

  return field;
}

XmppFormField *
xmpp_form_get_field (const XmppForm *self,
                     const char     *var)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (var != NULL, NULL);

  for (guint i = 0; i < self->fields->len; i++)
    {
      XmppFormField *field = g_ptr_array_index (self->fields, i);

      if (g_strcmp0 (field->var, var) == 0)
        return field;
    }

  return NULL;
}

const char *
xmpp_form_get_form_type (const XmppForm *self)
{
  XmppFormField *field;

  g_return_val_if_fail (self != NULL, NULL);

  /* XEP-0068: FORM_TYPE has its meaning only as a hidden field; a
   * submission may leave the type out. */
  field = xmpp_form_get_field (self, "FORM_TYPE");
  if (field == NULL ||
      (field->type != XMPP_FORM_FIELD_HIDDEN &&
       !(self->type == XMPP_FORM_TYPE_SUBMIT && !field->type_given)))
    return NULL;

  return xmpp_form_field_get_value (field);
}

const char *
xmpp_form_field_get_value (const XmppFormField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->values->len > 0 ? g_ptr_array_index (field->values, 0) : NULL;
}

void
xmpp_form_field_set_value (XmppFormField *field,
                           const char    *value)
{
  g_return_if_fail (field != NULL);

  g_ptr_array_set_size (field->values, 0);
  if (value != NULL)
    g_ptr_array_add (field->values, g_strdup (value));
}

void
xmpp_form_field_add_value (XmppFormField *field,
                           const char    *value)
{
  g_return_if_fail (field != NULL);
  g_return_if_fail (value != NULL);

  g_ptr_array_add (field->values, g_strdup (value));
}

static gboolean
is_option (const XmppFormField *field,
           const char          *value)
{
  for (guint i = 0; i < field->options->len; i++)
    {
      const XmppFormOption *option = g_ptr_array_index (field->options, i);

      if (g_str_equal (option->value, value))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_boolean (const char *value)
{
  return g_str_equal (value, "0") || g_str_equal (value, "1") || g_str_equal (value, "false") ||
         g_str_equal (value, "true");
}

gboolean
xmpp_form_set_value (XmppForm   *self,
                     const char *var,
                     const char *value,
                     GError    **error)
{
  XmppFormField *field;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (var != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  field = xmpp_form_get_field (self, var);
  if (field == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "The form has no field “%s”", var);
      return FALSE;
    }
  /* §3.3: hidden values SHOULD go back unmodified; fixed ones are text. */
  if (field->type == XMPP_FORM_FIELD_HIDDEN || field->type == XMPP_FORM_FIELD_FIXED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "The field “%s” cannot be changed", var);
      return FALSE;
    }
  if (value != NULL && strlen (value) > XMPP_FORM_MAX_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The value for “%s” is too long", var);
      return FALSE;
    }
  /* §3.3: a list field's value is one of its options; the submitting
   * entity MUST NOT add new ones. */
  if (value != NULL && is_list (field->type) && !is_option (field, value))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not one of the choices for “%s”", value, var);
      return FALSE;
    }
  if (value != NULL && field->type == XMPP_FORM_FIELD_BOOLEAN && !is_boolean (value))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The field “%s” takes 0, 1, false or true", var);
      return FALSE;
    }

  xmpp_form_field_set_value (field, value);
  return TRUE;
}

static gboolean
has_value (const XmppFormField *field)
{
  for (guint i = 0; i < field->values->len; i++)
    {
      if (*(const char *) g_ptr_array_index (field->values, i) != '\0')
        return TRUE;
    }

  return FALSE;
}

char **
xmpp_form_dup_missing (const XmppForm *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->fields->len; i++)
    {
      const XmppFormField *field = g_ptr_array_index (self->fields, i);

      if (field->type == XMPP_FORM_FIELD_HIDDEN || field->type == XMPP_FORM_FIELD_FIXED)
        continue;
      if (field->required && !has_value (field))
        g_strv_builder_add (builder, field->var);
    }

  return g_strv_builder_end (builder);
}

XmppNode *
xmpp_form_build_submit (const XmppForm *self)
{
  XmppNode *x;

  g_return_val_if_fail (self != NULL, NULL);

  x = xmpp_node_new ("x", XMPP_NS_DATA_FORMS);
  xmpp_node_set_attr (x, "type", "submit");

  for (guint i = 0; i < self->fields->len; i++)
    {
      const XmppFormField *field = g_ptr_array_index (self->fields, i);
      XmppNode            *node;

      if (field->type == XMPP_FORM_FIELD_FIXED || field->var == NULL)
        continue;

      /* Every field of the form goes back, empty or not: earlier
       * versions of §3.1 asked for that and the current one still allows
       * it, so processing entities of any age find what they asked for. */
      node = xmpp_node_add_child (x, "field", NULL);
      if (field->type_given)
        xmpp_node_set_attr (node, "type", xmpp_form_field_type_to_string (field->type));
      xmpp_node_set_attr (node, "var", field->var);
      for (guint j = 0; j < field->values->len; j++)
        xmpp_node_set_text (xmpp_node_add_child (node, "value", NULL),
                            g_ptr_array_index (field->values, j));
    }

  return x;
}
