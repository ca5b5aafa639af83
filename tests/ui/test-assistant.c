/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Widget tests of the account assistant: every kind of failure shows its
 * own sentence under the form, a certificate problem is explained and
 * never offered for acceptance, the form checks what it can before
 * connecting, and the fields carry the accessible names the end-to-end
 * tests use.
 */
#include <adwaita.h>

#include "petrel-assistant.h"
#include "petrel-store-error.h"
#include "xmpp-error.h"
#include "xmpp-sasl.h"

static PetrelAssistant *
new_assistant (void)
{
  PetrelAssistant *assistant = petrel_assistant_new (NULL);

  g_object_ref (assistant);
  gtk_window_present (GTK_WINDOW (assistant));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (assistant));

  return assistant;
}

static void
destroy_assistant (PetrelAssistant *assistant)
{
  gtk_window_destroy (GTK_WINDOW (assistant));
  g_assert_finalize_object (assistant);
}

static gpointer
child (PetrelAssistant *assistant,
       const char      *name)
{
  gpointer object = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (assistant), PETREL_TYPE_ASSISTANT, name);

  g_assert_nonnull (object);
  return object;
}

static void
assert_error_contains (PetrelAssistant *assistant,
                       GQuark           domain,
                       int              code,
                       const char      *message,
                       const char      *expected)
{
  g_autoptr (GError) error = g_error_new_literal (domain, code, message);
  const char *shown;

  petrel_assistant_show_error (assistant, error);
  shown = petrel_assistant_get_error_message (assistant);
  g_assert_nonnull (shown);
  if (strstr (shown, expected) == NULL)
    g_error ("Expected \"%s\" in \"%s\"", expected, shown);

  /* The label is on screen, not only set. */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (assistant));
  g_assert_true (gtk_revealer_get_reveal_child (child (assistant, "error_revealer")));
}

static void
test_errors_have_sentences (void)
{
  PetrelAssistant *assistant = new_assistant ();

  g_assert_null (petrel_assistant_get_error_message (assistant));

  assert_error_contains (assistant, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED,
                         "not-authorized", "Wrong address or password");
  assert_error_contains (assistant, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_DNS,
                         "Could not resolve example.invalid", "Server not found");
  assert_error_contains (assistant, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_REFUSED,
                         "Connection refused by example.org", "refused the connection");
  assert_error_contains (assistant, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TIMEOUT,
                         "Connection to example.org timed out", "did not answer in time");
  assert_error_contains (assistant, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS,
                         "The server does not offer encryption (STARTTLS)", "encrypted connection");
  assert_error_contains (assistant, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                         "bad signature", "could not prove");
  assert_error_contains (assistant, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_CONFLICT,
                         "That user name is taken", "already taken");
  assert_error_contains (assistant, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_NOT_ALLOWED,
                         "not-allowed", "does not allow creating accounts");
  assert_error_contains (assistant, PETREL_STORE_ERROR, PETREL_STORE_ERROR_EXISTS,
                         "exists", "already set up");
  assert_error_contains (assistant, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "Something odd", "Something odd");

  destroy_assistant (assistant);
}

static gboolean
has_button_labelled (GtkWidget  *widget,
                     const char *needle)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL
      && strstr (gtk_button_get_label (GTK_BUTTON (widget)), needle) != NULL)
    return TRUE;
  if (GTK_IS_LABEL (widget) && gtk_widget_get_ancestor (widget, GTK_TYPE_BUTTON) != NULL
      && strstr (gtk_label_get_label (GTK_LABEL (widget)), needle) != NULL)
    return TRUE;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_button_labelled (c, needle))
      return TRUE;

  return FALSE;
}

static void
test_certificate_problem_is_explained_not_accepted (void)
{
  PetrelAssistant *assistant = new_assistant ();

  assert_error_contains (assistant, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS,
                         "The server's certificate is expired", "Certificate problem");
  assert_error_contains (assistant, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS,
                         "The server's certificate is expired", "The server's certificate is expired");

  /* SECURITY.md: no "accept once". */
  g_assert_false (has_button_labelled (GTK_WIDGET (assistant), "Accept"));
  g_assert_false (has_button_labelled (GTK_WIDGET (assistant), "Trust"));
  g_assert_false (has_button_labelled (GTK_WIDGET (assistant), "Continue"));

  destroy_assistant (assistant);
}

static void
test_cancelled_shows_nothing (void)
{
  PetrelAssistant *assistant = new_assistant ();
  g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");

  petrel_assistant_show_error (assistant, error);
  g_assert_null (petrel_assistant_get_error_message (assistant));

  destroy_assistant (assistant);
}

static void
fill (PetrelAssistant *assistant,
      const char      *name,
      const char      *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (assistant, name)), text);
}

static void
test_form_is_checked_before_connecting (void)
{
  PetrelAssistant *assistant = new_assistant ();

  /* Nothing to send yet: the button waits for both fields. */
  g_assert_false (gtk_widget_get_sensitive (child (assistant, "sign_in_button")));
  fill (assistant, "address_row", "alice@example.org");
  g_assert_false (gtk_widget_get_sensitive (child (assistant, "sign_in_button")));

  fill (assistant, "password_row", "secret");
  g_assert_true (gtk_widget_get_sensitive (child (assistant, "sign_in_button")));
  fill (assistant, "address_row", "not an address");
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.sign-in", NULL);
  g_assert_nonnull (strstr (petrel_assistant_get_error_message (assistant), "name@example.org"));

  /* Editing hides the error again. */
  fill (assistant, "address_row", "alice@example.org");
  g_assert_null (petrel_assistant_get_error_message (assistant));

  fill (assistant, "port_row", "99999");
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.sign-in", NULL);
  g_assert_nonnull (strstr (petrel_assistant_get_error_message (assistant), "65535"));

  /* TLS always: a plain WebSocket or BOSH endpoint is refused here. */
  fill (assistant, "port_row", "");
  adw_combo_row_set_selected (child (assistant, "transport_row"), 2);
  fill (assistant, "websocket_row", "ws://chat.example.org/xmpp-websocket");
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.sign-in", NULL);
  g_assert_nonnull (strstr (petrel_assistant_get_error_message (assistant), "wss://"));
  fill (assistant, "websocket_row", "");
  fill (assistant, "bosh_row", "http://chat.example.org/http-bind");
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.sign-in", NULL);
  g_assert_nonnull (strstr (petrel_assistant_get_error_message (assistant), "https://"));
  fill (assistant, "bosh_row", "");

  /* The create page checks that the passwords match. */
  petrel_assistant_show_create_page (assistant);
  fill (assistant, "create_address_row", "newbie@example.org");
  fill (assistant, "create_password_row", "one");
  fill (assistant, "create_confirm_row", "two");
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.create", NULL);
  g_assert_nonnull (strstr (petrel_assistant_get_error_message (assistant), "do not match"));

  destroy_assistant (assistant);
}

static void
test_accessible_names (void)
{
  PetrelAssistant *assistant = new_assistant ();
  GtkWidget *address = child (assistant, "address_row");
  GtkWidget *password = child (assistant, "password_row");
  GtkWidget *button = child (assistant, "sign_in_button");

  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (address), GTK_ACCESSIBLE_PROPERTY_LABEL, "Address");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (address))),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Address");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (password), GTK_ACCESSIBLE_PROPERTY_LABEL, "Password");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (password))),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Password");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Sign In");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (child (assistant, "error_label")), GTK_ACCESSIBLE_ROLE_ALERT);

  destroy_assistant (assistant);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/assistant/errors-have-sentences", test_errors_have_sentences);
  g_test_add_func ("/ui/assistant/certificate-problem-is-explained-not-accepted",
                   test_certificate_problem_is_explained_not_accepted);
  g_test_add_func ("/ui/assistant/cancelled-shows-nothing", test_cancelled_shows_nothing);
  g_test_add_func ("/ui/assistant/form-is-checked-before-connecting", test_form_is_checked_before_connecting);
  g_test_add_func ("/ui/assistant/accessible-names", test_accessible_names);

  return g_test_run ();
}
