/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0004 data forms: the parser against the examples of XEP-0004 and
 * XEP-0077, the limits that keep a hostile form from costing unbounded
 * memory or screen, and the exact submission it builds.
 */
#define G_LOG_DOMAIN "test-forms"

#include <string.h>

#include "xep-0004-forms.h"
#include "xep-0077-register.h"

#define XDATA "xmlns='jabber:x:data'"

/* XEP-0077 §3.1, example 6 ("Host Returns Registration Form to Entity"). */
#define CONTEST_FORM                                                               \
  "<x " XDATA " type='form'>"                                                      \
  "<title>Contest Registration</title>"                                            \
  "<instructions>Please provide the following information</instructions>"          \
  "<instructions>to sign up for our special contests!</instructions>"              \
  "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>" \
  "<field type='text-single' label='Given Name' var='first'><required/></field>"   \
  "<field type='text-single' label='Family Name' var='last'><required/></field>"   \
  "<field type='text-single' label='Email Address' var='email'><required/>"        \
  "<desc>Where we send the prize</desc></field>"                                   \
  "<field type='list-single' label='Gender' var='x-gender'>"                       \
  "<option label='Male'><value>M</value></option>"                                 \
  "<option label='Female'><value>F</value></option></field>"                       \
  "</x>"

static XmppNode *
parse_xml (const char *xml)
{
  g_autoptr (GError) error = NULL;
  XmppNode *node = xmpp_node_parse (xml, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static XmppForm *
parse_form (const char *xml,
            GError    **error)
{
  g_autoptr (XmppNode) node = parse_xml (xml);

  return xmpp_form_parse (node, error);
}

static void
assert_node_equals_xml (const XmppNode *node,
                        const char     *xml)
{
  g_autoptr (XmppNode) expected = parse_xml (xml);
  g_autofree char *actual = xmpp_node_to_string (node);

  if (!xmpp_node_equal (expected, node))
    g_error ("expected %s\n     got %s", xml, actual);
}

static void
test_parse_registration_form (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppForm) form = parse_form (CONTEST_FORM, &error);
  XmppFormField  *field;
  XmppFormOption *option;

  g_assert_no_error (error);
  g_assert_cmpint (form->type, ==, XMPP_FORM_TYPE_FORM);
  g_assert_cmpstr (form->title, ==, "Contest Registration");
  /* Several <instructions/> are joined, in order. */
  g_assert_cmpstr (form->instructions, ==,
                   "Please provide the following information\n"
                   "to sign up for our special contests!");
  g_assert_cmpuint (form->fields->len, ==, 5);
  g_assert_cmpstr (xmpp_form_get_form_type (form), ==, "jabber:iq:register");

  field = xmpp_form_get_field (form, "email");
  g_assert_nonnull (field);
  g_assert_cmpint (field->type, ==, XMPP_FORM_FIELD_TEXT_SINGLE);
  g_assert_true (field->type_given);
  g_assert_cmpstr (field->label, ==, "Email Address");
  g_assert_cmpstr (field->desc, ==, "Where we send the prize");
  g_assert_true (field->required);
  g_assert_null (xmpp_form_field_get_value (field));

  field = xmpp_form_get_field (form, "x-gender");
  g_assert_cmpint (field->type, ==, XMPP_FORM_FIELD_LIST_SINGLE);
  g_assert_false (field->required);
  g_assert_cmpuint (field->options->len, ==, 2);
  option = g_ptr_array_index (field->options, 1);
  g_assert_cmpstr (option->label, ==, "Female");
  g_assert_cmpstr (option->value, ==, "F");

  g_assert_null (xmpp_form_get_field (form, "nope"));
}

/* XEP-0004 §3.3: hidden values go back as received, FORM_TYPE first of
 * all; fixed fields and labels do not go back. */
static void
test_submit_echoes_hidden_fields (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppForm) form = parse_form (CONTEST_FORM, &error);
  g_autoptr (XmppNode) submit = NULL;

  g_assert_no_error (error);
  g_assert_true (xmpp_form_set_value (form, "first", "Juliet", &error));
  g_assert_true (xmpp_form_set_value (form, "last", "Capulet", &error));
  g_assert_true (xmpp_form_set_value (form, "email", "juliet@capulet.com", &error));
  g_assert_true (xmpp_form_set_value (form, "x-gender", "F", &error));
  g_assert_no_error (error);

  submit = xmpp_form_build_submit (form);
  assert_node_equals_xml (submit,
                          "<x " XDATA " type='submit'>"
                          "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>"
                          "<field type='text-single' var='first'><value>Juliet</value></field>"
                          "<field type='text-single' var='last'><value>Capulet</value></field>"
                          "<field type='text-single' var='email'><value>juliet@capulet.com</value></field>"
                          "<field type='list-single' var='x-gender'><value>F</value></field>"
                          "</x>");
}

static void
test_set_value_follows_the_field_rules (void)
{
  g_autoptr (XmppForm) form = NULL;
  GError *error = NULL;

  form = parse_form ("<x " XDATA " type='form'>"
                     "<field type='hidden' var='FORM_TYPE'><value>urn:example</value></field>"
                     "<field type='fixed'><value>Section 1</value></field>"
                     "<field type='boolean' var='public'/>"
                     "<field type='list-multi' var='features'>"
                     "<option><value>news</value></option><option><value>polls</value></option>"
                     "</field>"
                     "<field type='text-multi' var='about'/>"
                     "</x>",
                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (form->fields->len, ==, 5);

  /* The hidden field cannot be changed through the user's path. */
  g_assert_false (xmpp_form_set_value (form, "FORM_TYPE", "urn:spoofed", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_cmpstr (xmpp_form_get_form_type (form), ==, "urn:example");

  g_assert_false (xmpp_form_set_value (form, "missing", "x", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* §3.3: no new options; booleans are 0/1/false/true. */
  g_assert_false (xmpp_form_set_value (form, "features", "reminders", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (xmpp_form_set_value (form, "features", "polls", &error));
  xmpp_form_field_add_value (xmpp_form_get_field (form, "features"), "news");
  g_assert_false (xmpp_form_set_value (form, "public", "yes", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (xmpp_form_set_value (form, "public", "true", &error));
  g_assert_no_error (error);

  {
    g_autoptr (XmppNode) submit = xmpp_form_build_submit (form);

    /* Empty fields go back empty; the fixed one does not go back. */
    assert_node_equals_xml (submit,
                            "<x " XDATA " type='submit'>"
                            "<field type='hidden' var='FORM_TYPE'><value>urn:example</value></field>"
                            "<field type='boolean' var='public'><value>true</value></field>"
                            "<field type='list-multi' var='features'>"
                            "<value>polls</value><value>news</value></field>"
                            "<field type='text-multi' var='about'/>"
                            "</x>");
  }
}

/* §3.3: an unknown type is text-single, and is not repeated as if known;
 * §3.2: a single-valued type keeps one value; a field without a name
 * cannot be submitted. */
static void
test_lenient_where_the_spec_says_so (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppForm) form = NULL;
  g_autoptr (XmppNode) submit = NULL;
  XmppFormField *field;

  form = parse_form ("<x " XDATA " type='form'>"
                     "<field type='x-future' var='a'><value>1</value></field>"
                     "<field var='b'><value>first</value><value>second</value></field>"
                     "<field type='text-single' label='nameless'/>"
                     "<field type='jid-multi' var='c'><value>a@b</value><value>c@d</value></field>"
                     "<field type='text-single' var='d'><option><value>ignored</value></option></field>"
                     "<unknown-child/>"
                     "</x>",
                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (form->fields->len, ==, 4);

  field = xmpp_form_get_field (form, "a");
  g_assert_cmpint (field->type, ==, XMPP_FORM_FIELD_TEXT_SINGLE);
  g_assert_false (field->type_given);
  field = xmpp_form_get_field (form, "b");
  g_assert_cmpuint (field->values->len, ==, 1);
  g_assert_cmpstr (xmpp_form_field_get_value (field), ==, "first");
  g_assert_cmpuint (xmpp_form_get_field (form, "c")->values->len, ==, 2);
  g_assert_cmpuint (xmpp_form_get_field (form, "d")->options->len, ==, 0);

  submit = xmpp_form_build_submit (form);
  assert_node_equals_xml (submit,
                          "<x " XDATA " type='submit'>"
                          "<field var='a'><value>1</value></field>"
                          "<field var='b'><value>first</value></field>"
                          "<field type='jid-multi' var='c'><value>a@b</value><value>c@d</value></field>"
                          "<field type='text-single' var='d'/>"
                          "</x>");
}

static void
test_missing_required_fields (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppForm) form = parse_form (CONTEST_FORM, &error);
  g_auto (GStrv) missing = NULL;
  g_auto (GStrv) still = NULL;

  g_assert_no_error (error);
  missing = xmpp_form_dup_missing (form);
  g_assert_cmpuint (g_strv_length (missing), ==, 3);
  g_assert_cmpstr (missing[0], ==, "first");
  g_assert_cmpstr (missing[2], ==, "email");

  g_assert_true (xmpp_form_set_value (form, "first", "Juliet", NULL));
  g_assert_true (xmpp_form_set_value (form, "last", "", NULL));
  still = xmpp_form_dup_missing (form);
  g_assert_cmpuint (g_strv_length (still), ==, 2);
  g_assert_cmpstr (still[0], ==, "last");
}

static void
test_copy_is_deep (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppForm) form = parse_form (CONTEST_FORM, &error);
  g_autoptr (XmppForm) copy = NULL;
  g_autoptr (XmppNode) a = NULL;
  g_autoptr (XmppNode) b = NULL;

  g_assert_no_error (error);
  g_assert_true (xmpp_form_set_value (form, "first", "Juliet", NULL));
  copy = xmpp_form_copy (form);
  g_assert_true (xmpp_form_set_value (form, "first", "Romeo", NULL));

  g_assert_cmpstr (xmpp_form_field_get_value (xmpp_form_get_field (copy, "first")), ==, "Juliet");
  g_assert_cmpstr (xmpp_form_get_field (copy, "x-gender")->label, ==, "Gender");
  g_assert_true (xmpp_form_set_value (copy, "first", "Romeo", NULL));
  a = xmpp_form_build_submit (form);
  b = xmpp_form_build_submit (copy);
  g_assert_true (xmpp_node_equal (a, b));
}

static void
test_built_in_code (void)
{
  g_autoptr (XmppForm) form = xmpp_form_new (XMPP_FORM_TYPE_FORM);
  g_autoptr (XmppNode) submit = NULL;

  xmpp_form_field_set_value (xmpp_form_add_field (form, "FORM_TYPE", XMPP_FORM_FIELD_HIDDEN),
                             "urn:xmpp:example");
  xmpp_form_add_field (form, NULL, XMPP_FORM_FIELD_FIXED);
  xmpp_form_add_field (form, "x", XMPP_FORM_FIELD_TEXT_PRIVATE);
  g_assert_true (xmpp_form_set_value (form, "x", "secret", NULL));
  submit = xmpp_form_build_submit (form);
  assert_node_equals_xml (submit,
                          "<x " XDATA " type='submit'>"
                          "<field type='hidden' var='FORM_TYPE'><value>urn:xmpp:example</value></field>"
                          "<field type='text-private' var='x'><value>secret</value></field>"
                          "</x>");
  g_assert_cmpstr (xmpp_form_field_type_to_string (XMPP_FORM_FIELD_JID_MULTI), ==, "jid-multi");
}

/* ------------------------------------------------------------------ */
/* Hostile forms                                                        */

static char *
form_with_fields (guint n)
{
  GString *xml = g_string_new ("<x " XDATA " type='form'>");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (xml, "<field var='f%u'/>", i);
  g_string_append (xml, "</x>");

  return g_string_free (xml, FALSE);
}

static char *
field_with_children (gboolean options,
                     guint    n)
{
  GString *xml = g_string_new ("<x " XDATA " type='form'><field type='list-multi' var='f'>");

  for (guint i = 0; i < n; i++)
    {
      if (options)
        g_string_append_printf (xml, "<option><value>%u</value></option>", i);
      else
        g_string_append_printf (xml, "<value>%u</value>", i);
    }
  g_string_append (xml, "</field></x>");

  return g_string_free (xml, FALSE);
}

static void
assert_refused (const char *xml,
                const char *message_part)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppForm) form = parse_form (xml, &error);

  g_assert_null (form);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
}

static void
assert_accepted (const char *xml)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppForm) form = parse_form (xml, &error);

  g_assert_no_error (error);
  g_assert_nonnull (form);
}

static void
test_too_many_fields_refused (void)
{
  g_autofree char *at_limit = form_with_fields (XMPP_FORM_MAX_FIELDS);
  g_autofree char *over = form_with_fields (XMPP_FORM_MAX_FIELDS + 1);

  assert_accepted (at_limit);
  assert_refused (over, "more than 256 fields");
}

static void
test_too_many_values_or_options_refused (void)
{
  g_autofree char *values_ok = field_with_children (FALSE, XMPP_FORM_MAX_VALUES);
  g_autofree char *values = field_with_children (FALSE, XMPP_FORM_MAX_VALUES + 1);
  g_autofree char *options_ok = field_with_children (TRUE, XMPP_FORM_MAX_VALUES);
  g_autofree char *options = field_with_children (TRUE, XMPP_FORM_MAX_VALUES + 1);

  assert_accepted (values_ok);
  assert_accepted (options_ok);
  assert_refused (values, "more than 256 values");
  assert_refused (options, "more than 256 values");
}

static void
test_huge_strings_refused (void)
{
  g_autofree char *big = g_strnfill (XMPP_FORM_MAX_STRING, 'a');
  g_autofree char *bigger = g_strnfill (XMPP_FORM_MAX_STRING + 1, 'a');
  g_autofree char *value_ok = g_strdup_printf ("<x " XDATA " type='form'><field var='f'>"
                                               "<value>%s</value></field></x>",
                                               big);
  g_autofree char *value = g_strdup_printf ("<x " XDATA " type='form'><field var='f'>"
                                            "<value>%s</value></field></x>",
                                            bigger);
  g_autofree char *label = g_strdup_printf ("<x " XDATA " type='form'><field var='f' label='%s'/></x>",
                                            bigger);
  g_autofree char *var = g_strdup_printf ("<x " XDATA " type='form'><field var='%s'/></x>", bigger);
  g_autofree char *title = g_strdup_printf ("<x " XDATA " type='form'><title>%s</title></x>", bigger);
  g_autofree char *desc = g_strdup_printf ("<x " XDATA " type='form'><field var='f'>"
                                           "<desc>%s</desc></field></x>",
                                           bigger);
  g_autofree char *option = g_strdup_printf ("<x " XDATA " type='form'><field type='list-single' "
                                             "var='f'><option label='%s'><value>v</value></option>"
                                             "</field></x>",
                                             bigger);
  g_autofree char *instructions = g_strdup_printf ("<x " XDATA " type='form'>"
                                                   "<instructions>%s</instructions>"
                                                   "<instructions>%s</instructions></x>",
                                                   big, "more");

  assert_accepted (value_ok);
  assert_refused (value, "longer than 65536 bytes");
  assert_refused (label, "longer than 65536 bytes");
  assert_refused (var, "longer than 65536 bytes");
  assert_refused (title, "longer than 65536 bytes");
  assert_refused (desc, "longer than 65536 bytes");
  assert_refused (option, "longer than 65536 bytes");
  /* Many small instructions cannot add up past the limit either. */
  assert_refused (instructions, "longer than 65536 bytes");
}

static void
test_malformed_forms_refused (void)
{
  /* §3.2: the name identifies one field. */
  assert_refused ("<x " XDATA " type='form'><field var='password'/>"
                  "<field var='password' type='hidden'><value>x</value></field></x>",
                  "two fields called “password”");
  assert_refused ("<x " XDATA "><field var='a'/></x>", "no valid type");
  assert_refused ("<x " XDATA " type='questionnaire'/>", "no valid type");
  assert_refused ("<x xmlns='jabber:x:oob' type='form'/>", "Not a data form");
}

/* A registration answer that carries a hostile data form is refused as a
 * whole, not used with the legacy fields instead. */
static void
test_registration_with_hostile_form_refused (void)
{
  g_autofree char *fields = form_with_fields (XMPP_FORM_MAX_FIELDS + 1);
  g_autofree char *xml = g_strdup_printf ("<query xmlns='jabber:iq:register'>"
                                          "<username/><password/>%s</query>",
                                          fields);
  g_autoptr (XmppNode) query = parse_xml (xml);
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppRegistrationForm) form = xmpp_registration_form_parse (query, &error);

  g_assert_null (form);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "more than 256 fields"));
}

/* XEP-0077 §5, §6: precedence, and web links that are only http(s). */
static void
test_registration_precedence_and_links (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppNode) web = parse_xml ("<query xmlns='jabber:iq:register'>"
                                        "<instructions> To register, visit the site </instructions>"
                                        "<x xmlns='jabber:x:oob'><url>https://example.org/reg</url></x>"
                                        "</query>");
  g_autoptr (XmppNode) evil = parse_xml ("<query xmlns='jabber:iq:register'>"
                                         "<x xmlns='jabber:x:oob'><url>javascript:alert(1)</url></x>"
                                         "<x xmlns='jabber:x:oob'><url>https://late.example</url></x>"
                                         "<nickname/><username>x</username><username>y</username>"
                                         "</query>");
  g_autoptr (XmppRegistrationForm) a = xmpp_registration_form_parse (web, &error);
  g_autoptr (XmppRegistrationForm) b = NULL;
  const char *const *names;

  g_assert_no_error (error);
  g_assert_false (xmpp_registration_form_can_submit (a));
  g_assert_cmpstr (xmpp_registration_form_get_instructions (a), ==, "To register, visit the site");
  g_assert_cmpstr (xmpp_registration_form_get_oob_url (a), ==, "https://example.org/reg");

  b = xmpp_registration_form_parse (evil, &error);
  g_assert_no_error (error);
  /* The first link decides, and it is not http(s): none is shown. */
  g_assert_null (xmpp_registration_form_get_oob_url (b));
  /* Only schema fields, each once (the first value wins). */
  names = xmpp_registration_form_get_legacy_fields (b);
  g_assert_cmpuint (g_strv_length ((char **) names), ==, 1);
  g_assert_cmpstr (names[0], ==, "username");
  g_assert_cmpstr (xmpp_registration_form_get_value (b, "username"), ==, "x");
  g_assert_false (xmpp_registration_form_has_field (b, "nickname"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/forms/parse-registration-form", test_parse_registration_form);
  g_test_add_func ("/forms/submit-echoes-hidden-fields", test_submit_echoes_hidden_fields);
  g_test_add_func ("/forms/set-value-follows-the-field-rules", test_set_value_follows_the_field_rules);
  g_test_add_func ("/forms/lenient-where-the-spec-says-so", test_lenient_where_the_spec_says_so);
  g_test_add_func ("/forms/missing-required-fields", test_missing_required_fields);
  g_test_add_func ("/forms/copy-is-deep", test_copy_is_deep);
  g_test_add_func ("/forms/built-in-code", test_built_in_code);
  g_test_add_func ("/forms/too-many-fields-refused", test_too_many_fields_refused);
  g_test_add_func ("/forms/too-many-values-or-options-refused", test_too_many_values_or_options_refused);
  g_test_add_func ("/forms/huge-strings-refused", test_huge_strings_refused);
  g_test_add_func ("/forms/malformed-forms-refused", test_malformed_forms_refused);
  g_test_add_func ("/forms/registration-with-hostile-form-refused",
                   test_registration_with_hostile_form_refused);
  g_test_add_func ("/forms/registration-precedence-and-links", test_registration_precedence_and_links);

  return g_test_run ();
}
