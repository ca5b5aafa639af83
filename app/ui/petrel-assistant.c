/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelAssistant: adding an account (ui/petrel-assistant.ui).
 *
 * Two pages in an AdwLeaflet that never unfolds: "sign-in" (address,
 * password, and under Advanced the server host, port, an extra trusted CA
 * file and direct TLS) and
 * "create" (XEP-0077 in-band registration, with the password twice).
 * Both run petrel_accounts_sign_in_async () with a spinner; the form is
 * locked meanwhile, and closing the window cancels.
 *
 * Errors are shown under the form as a sentence for people, chosen by
 * error domain and code (petrel_assistant_describe_error ()).  A
 * certificate problem says what is wrong with the certificate and offers
 * no way to accept it (SECURITY.md: no "accept once").  When no keyring is
 * reachable the assistant asks whether the password may be kept in the
 * profile file, and tries again only if the user says so.
 */
#define G_LOG_DOMAIN "petrel-assistant"

#include <string.h>

#include <glib/gi18n.h>

#include "petrel-assistant.h"
#include "petrel-store-error.h"
#include "xmpp-error.h"
#include "xmpp-jid.h"
#include "xmpp-sasl.h"

/* One page's widgets. */
typedef struct
{
  GtkWidget *form;
  AdwEntryRow *address_row;
  AdwEntryRow *password_row;
  AdwEntryRow *confirm_row; /* create only */
  AdwEntryRow *host_row;
  AdwEntryRow *port_row;
  AdwEntryRow *ca_file_row;
  GtkSwitch *direct_tls_switch;
  AdwComboRow *transport_row;
  AdwEntryRow *websocket_row;
  AdwEntryRow *bosh_row;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkSpinner *spinner;
} Form;

struct _PetrelAssistant
{
  AdwWindow parent_instance;

  PetrelAccounts *accounts;
  GCancellable *cancellable;
  gboolean busy;
  gboolean creating; /* which page the attempt came from */
  gboolean allow_file_password; /* the user said yes once: not asked again */

  /* The attempt, kept for a retry with allow_file_password. */
  char *jid;
  char *password;
  char *host;
  guint16 port;
  gboolean direct_tls;
  char *ca_file;
  const char *transport; /* static string, NULL for automatic */
  char *websocket_url;
  char *bosh_url;

  AdwLeaflet *leaflet;
  Form sign_in;
  Form create;
};

G_DEFINE_FINAL_TYPE (PetrelAssistant, petrel_assistant, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_ACCOUNTS,
  N_PROPS
};

enum {
  SIGNAL_SIGNED_IN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start (PetrelAssistant *self,
                   gboolean         allow_file_password);

static Form *
current_form (PetrelAssistant *self)
{
  const char *page = adw_leaflet_get_visible_child_name (self->leaflet);

  return g_strcmp0 (page, "create") == 0 ? &self->create : &self->sign_in;
}

static const char *
text_of (AdwEntryRow *row)
{
  return row != NULL ? gtk_editable_get_text (GTK_EDITABLE (row)) : "";
}

static void
update_actions (PetrelAssistant *self)
{
  gboolean sign_in_ready = *text_of (self->sign_in.address_row) != '\0'
                           && *text_of (self->sign_in.password_row) != '\0';
  gboolean create_ready = *text_of (self->create.address_row) != '\0'
                          && *text_of (self->create.password_row) != '\0'
                          && *text_of (self->create.confirm_row) != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.sign-in", sign_in_ready && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.create", create_ready && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.show-create", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.back", !self->busy);
}

static void
hide_error (Form *form)
{
  if (form->error_revealer != NULL)
    gtk_revealer_set_reveal_child (form->error_revealer, FALSE);
}

static void
show_error_text (PetrelAssistant *self,
                 Form            *form,
                 const char      *text)
{
  gtk_label_set_text (form->error_label, text);
  gtk_revealer_set_reveal_child (form->error_revealer, TRUE);
}

static void
form_changed_cb (GtkEditable     *editable,
                 PetrelAssistant *self)
{
  update_actions (self);
  hide_error (current_form (self));
}

/* Enter moves on to the next empty field, then submits. */
static void
entry_activated_cb (AdwEntryRow     *row,
                    PetrelAssistant *self)
{
  Form *form = current_form (self);
  AdwEntryRow *rows[] = { form->address_row, form->password_row, form->confirm_row };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      if (rows[i] != NULL && *text_of (rows[i]) == '\0')
        {
          gtk_widget_grab_focus (GTK_WIDGET (rows[i]));
          return;
        }
    }

  gtk_widget_activate_action (GTK_WIDGET (self),
                              form == &self->create ? "assistant.create" : "assistant.sign-in", NULL);
}

static void
set_busy (PetrelAssistant *self,
          gboolean         busy)
{
  Form *form = self->creating ? &self->create : &self->sign_in;

  self->busy = busy;
  /* GTK 4.8 leaves a focused text's cursor blinking (and warning) when an
   * ancestor becomes insensitive; take the focus away first. */
  if (busy)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_visible (GTK_WIDGET (form->spinner), busy);
  gtk_spinner_set_spinning (form->spinner, busy);
  gtk_widget_set_sensitive (self->sign_in.form, !busy);
  gtk_widget_set_sensitive (self->create.form, !busy);
  update_actions (self);
}

/* Errors */

/**
 * petrel_assistant_describe_error:
 * @error: why signing in or creating the account failed
 *
 * Returns: (transfer full): a sentence for people
 */
char *
petrel_assistant_describe_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == XMPP_SASL_ERROR)
    {
      switch (error->code)
        {
        case XMPP_SASL_ERROR_NOT_AUTHORIZED:
          return g_strdup (_("Wrong address or password."));
        case XMPP_SASL_ERROR_SERVER_SIGNATURE:
        case XMPP_SASL_ERROR_DOWNGRADE:
          return g_strdup (_("The server could not prove that it knows your password. "
                             "Someone may be intercepting the connection, so Petrel stopped."));
        case XMPP_SASL_ERROR_NO_MECHANISM:
          return g_strdup (_("The server offers no sign-in method that Petrel considers safe."));
        default:
          /* Translators: %s is the server's reason, in English. */
          return g_strdup_printf (_("The server refused the sign-in: %s"), error->message);
        }
    }

  if (error->domain == XMPP_STREAM_ERROR)
    {
      switch (error->code)
        {
        case XMPP_STREAM_ERROR_DNS:
          return g_strdup (_("Server not found. Check the address, or enter the server host under Advanced."));
        case XMPP_STREAM_ERROR_REFUSED:
          return g_strdup (_("The server refused the connection. It may be down, or the host or port under Advanced may be wrong."));
        case XMPP_STREAM_ERROR_TIMEOUT:
          return g_strdup (_("The server did not answer in time. Check your network connection and try again."));
        case XMPP_STREAM_ERROR_TLS:
          /* Translators: %s describes the certificate problem, e.g. "The
           * server's certificate is expired", in English. */
          return g_strdup_printf (_("Certificate problem: the server's identity could not be verified, "
                                    "so Petrel did not connect.\n%s"),
                                  error->message);
        case XMPP_STREAM_ERROR_NO_TLS:
          return g_strdup (_("The server does not offer an encrypted connection, "
                             "so Petrel did not send your password."));
        default:
          /* Translators: %s is the technical reason, in English. */
          return g_strdup_printf (_("Could not connect to the server: %s"), error->message);
        }
    }

  if (error->domain == XMPP_STANZA_ERROR)
    {
      switch (error->code)
        {
        case XMPP_STANZA_ERROR_CONFLICT:
          return g_strdup (_("That address is already taken. Choose another user name."));
        case XMPP_STANZA_ERROR_NOT_ACCEPTABLE:
          /* Translators: %s is the server's reason, in English. */
          return g_strdup_printf (_("The server did not accept these details: %s"), error->message);
        case XMPP_STANZA_ERROR_NOT_ALLOWED:
        case XMPP_STANZA_ERROR_FORBIDDEN:
        case XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE:
        case XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED:
          return g_strdup (_("This server does not allow creating accounts from an app. "
                             "Create one on the server's website, then sign in."));
        case XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT:
          return g_strdup (_("The server is creating too many accounts right now. Try again later."));
        default:
          return g_strdup (error->message);
        }
    }

  if (error->domain == PETREL_STORE_ERROR && error->code == PETREL_STORE_ERROR_EXISTS)
    return g_strdup (_("This account is already set up in Petrel."));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    /* Translators: %s is the server's explanation, in English. */
    return g_strdup_printf (_("This server creates accounts only on its website. %s"), error->message);

  if (error->domain == XMPP_JID_ERROR)
    return g_strdup (_("Enter an address like name@example.org."));

  /* Translators: %s is the technical reason, in English. */
  return g_strdup_printf (_("Could not add the account: %s"), error->message);
}

/**
 * petrel_assistant_show_error:
 *
 * Shows @error under the form of the current page.
 */
void
petrel_assistant_show_error (PetrelAssistant *self,
                             const GError    *error)
{
  g_autofree char *text = NULL;

  g_return_if_fail (PETREL_IS_ASSISTANT (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  text = petrel_assistant_describe_error (error);
  show_error_text (self, current_form (self), text);
}

/**
 * petrel_assistant_get_error_message:
 *
 * Returns: (nullable): the error shown on the current page, if any
 */
const char *
petrel_assistant_get_error_message (PetrelAssistant *self)
{
  Form *form;

  g_return_val_if_fail (PETREL_IS_ASSISTANT (self), NULL);

  form = current_form (self);
  if (!gtk_revealer_get_reveal_child (form->error_revealer))
    return NULL;

  return gtk_label_get_text (form->error_label);
}

/* Keyring */

static void
keyring_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     PetrelAssistant  *self)
{
  if (g_strcmp0 (response, "keep") == 0)
    {
      self->allow_file_password = TRUE;
      start (self, TRUE);
    }
  else
    show_error_text (self, current_form (self),
                     _("The account was not added: Petrel needs a keyring, or your permission "
                       "to keep the password in its profile folder."));
}

static void
ask_keyring (PetrelAssistant *self)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Keep the Password in the Profile?"),
                                                       _("No keyring (Secret Service) is available to keep "
                                                         "your password safe. Petrel can keep it in its "
                                                         "profile folder instead, readable only by your user, "
                                                         "but also by any program you run and by anyone who "
                                                         "gets a copy of the folder.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "keep", _("_Keep in Profile"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "keep", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (keyring_response_cb), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* Signing in */

static void
clear_attempt (PetrelAssistant *self)
{
  g_clear_pointer (&self->jid, g_free);
  if (self->password != NULL)
    {
      memset (self->password, 0, strlen (self->password));
      g_clear_pointer (&self->password, g_free);
    }
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->websocket_url, g_free);
  g_clear_pointer (&self->bosh_url, g_free);
  self->transport = NULL;
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (PetrelAssistant) self = user_data;
  g_autoptr (GError) error = NULL;
  PetrelAccount *account;

  account = petrel_accounts_sign_in_finish (PETREL_ACCOUNTS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);

  if (account == NULL)
    {
      Form *form = self->creating ? &self->create : &self->sign_in;

      if (g_error_matches (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE))
        {
          ask_keyring (self);
          return;
        }

      petrel_assistant_show_error (self, error);
      /* Back where the user most likely corrects something. */
      gtk_widget_grab_focus (GTK_WIDGET (g_error_matches (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED)
                                         ? form->password_row : form->address_row));
      return;
    }

  clear_attempt (self);
  gtk_editable_set_text (GTK_EDITABLE (self->sign_in.password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->create.password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->create.confirm_row), "");

  g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0, account);
}

static void
start (PetrelAssistant *self,
       gboolean         allow_file_password)
{
  PetrelAccountSettings settings = {
    .jid = self->jid,
    .password = self->password,
    .host = self->host,
    .port = self->port,
    .direct_tls = self->direct_tls,
    .ca_file = self->ca_file,
    .allow_file_password = allow_file_password,
    .transport = self->transport,
    .websocket_url = self->websocket_url,
    .bosh_url = self->bosh_url,
  };

  g_return_if_fail (self->accounts != NULL);

  hide_error (self->creating ? &self->create : &self->sign_in);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);

  petrel_accounts_sign_in_async (self->accounts, &settings, self->creating, self->cancellable,
                                 sign_in_cb, g_object_ref (self));
}

/* The transport choices, in the order of the combo rows' items. */
static const char * const transport_names[] = { NULL, "tcp", "websocket", "bosh" };

/* Checks the form; returns FALSE after showing what is wrong. */
static gboolean
read_form (PetrelAssistant *self,
           Form            *form)
{
  g_autoptr (XmppJid) jid = NULL;
  g_autofree char *address = g_strdup (text_of (form->address_row));
  const char *port_text = text_of (form->port_row);
  const char *host = text_of (form->host_row);
  const char *ca_file = text_of (form->ca_file_row);
  const char *websocket = text_of (form->websocket_row);
  const char *bosh = text_of (form->bosh_row);
  guint transport = adw_combo_row_get_selected (form->transport_row);
  guint64 port = 0;

  /* Without the spaces people paste along. */
  jid = xmpp_jid_parse (g_strstrip (address), NULL);
  if (jid == NULL || xmpp_jid_get_local (jid) == NULL)
    {
      show_error_text (self, form, _("Enter an address like name@example.org."));
      return FALSE;
    }

  if (form->confirm_row != NULL
      && g_strcmp0 (text_of (form->password_row), text_of (form->confirm_row)) != 0)
    {
      show_error_text (self, form, _("The passwords do not match."));
      return FALSE;
    }

  if (*port_text != '\0'
      && (!g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port, NULL)))
    {
      show_error_text (self, form, _("The port must be a number from 1 to 65535."));
      return FALSE;
    }

  /* An extra trust anchor is the user's explicit choice, for a server
   * with a private CA; it is never offered from a failed handshake. */
  if (*ca_file != '\0' && (!g_path_is_absolute (ca_file) || !g_file_test (ca_file, G_FILE_TEST_IS_REGULAR)))
    {
      show_error_text (self, form, _("The CA certificate must be the full path of a PEM file."));
      return FALSE;
    }

  /* TLS always: the endpoints are https only. */
  if (*websocket != '\0' && !g_str_has_prefix (websocket, "wss://"))
    {
      show_error_text (self, form, _("The WebSocket URL must start with wss://."));
      return FALSE;
    }
  if (*bosh != '\0' && !g_str_has_prefix (bosh, "https://"))
    {
      show_error_text (self, form, _("The BOSH URL must start with https://."));
      return FALSE;
    }

  clear_attempt (self);
  self->ca_file = *ca_file != '\0' ? g_strdup (ca_file) : NULL;
  self->transport = transport < G_N_ELEMENTS (transport_names) ? transport_names[transport] : NULL;
  self->websocket_url = *websocket != '\0' ? g_strdup (websocket) : NULL;
  self->bosh_url = *bosh != '\0' ? g_strdup (bosh) : NULL;
  self->jid = g_strdup (xmpp_jid_get_bare_string (jid));
  self->password = g_strdup (text_of (form->password_row));
  self->host = *host != '\0' ? g_strstrip (g_strdup (host)) : NULL;
  self->port = (guint16) port;
  self->direct_tls = gtk_switch_get_active (form->direct_tls_switch);

  return TRUE;
}

static void
sign_in_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PetrelAssistant *self = PETREL_ASSISTANT (widget);

  if (self->busy || !read_form (self, &self->sign_in))
    return;

  self->creating = FALSE;
  start (self, self->allow_file_password);
}

static void
create_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PetrelAssistant *self = PETREL_ASSISTANT (widget);

  if (self->busy || !read_form (self, &self->create))
    return;

  self->creating = TRUE;
  start (self, self->allow_file_password);
}

void
petrel_assistant_show_create_page (PetrelAssistant *self)
{
  g_return_if_fail (PETREL_IS_ASSISTANT (self));

  adw_leaflet_set_visible_child_name (self->leaflet, "create");
  gtk_widget_grab_focus (GTK_WIDGET (self->create.address_row));
}

static void
show_create_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  petrel_assistant_show_create_page (PETREL_ASSISTANT (widget));
}

static void
back_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PetrelAssistant *self = PETREL_ASSISTANT (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* GObject */

static gboolean
petrel_assistant_close_request (GtkWindow *window)
{
  PetrelAssistant *self = PETREL_ASSISTANT (window);

  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (petrel_assistant_parent_class)->close_request (window);
}

static void
petrel_assistant_dispose (GObject *object)
{
  PetrelAssistant *self = PETREL_ASSISTANT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_ASSISTANT);
  memset (&self->sign_in, 0, sizeof self->sign_in);
  memset (&self->create, 0, sizeof self->create);
  g_clear_object (&self->accounts);
  clear_attempt (self);

  G_OBJECT_CLASS (petrel_assistant_parent_class)->dispose (object);
}

static void
petrel_assistant_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PetrelAssistant *self = PETREL_ASSISTANT (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS: g_value_set_object (value, self->accounts); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_assistant_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  PetrelAssistant *self = PETREL_ASSISTANT (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS: self->accounts = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define BIND_FORM(prefix, form, field) \
  gtk_widget_class_bind_template_child_full (widget_class, prefix #field, FALSE, \
                                             G_STRUCT_OFFSET (PetrelAssistant, form.field))

static void
petrel_assistant_class_init (PetrelAssistantClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = petrel_assistant_dispose;
  object_class->get_property = petrel_assistant_get_property;
  object_class->set_property = petrel_assistant_set_property;
  window_class->close_request = petrel_assistant_close_request;

  properties[PROP_ACCOUNTS] =
    g_param_spec_object ("accounts", NULL, NULL, PETREL_TYPE_ACCOUNTS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PetrelAssistant::signed-in:
   * @account: the new account, stored and connected
   */
  signals[SIGNAL_SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PETREL_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelAssistant, leaflet);
  gtk_widget_class_bind_template_child_full (widget_class, "sign_in_form", FALSE,
                                             G_STRUCT_OFFSET (PetrelAssistant, sign_in.form));
  gtk_widget_class_bind_template_child_full (widget_class, "sign_in_spinner", FALSE,
                                             G_STRUCT_OFFSET (PetrelAssistant, sign_in.spinner));
  /* Not kept, but reachable with gtk_widget_get_template_child () (tests). */
  gtk_widget_class_bind_template_child_full (widget_class, "sign_in_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "create_button", FALSE, 0);
  BIND_FORM ("", sign_in, address_row);
  BIND_FORM ("", sign_in, password_row);
  BIND_FORM ("", sign_in, host_row);
  BIND_FORM ("", sign_in, port_row);
  BIND_FORM ("", sign_in, ca_file_row);
  BIND_FORM ("", sign_in, direct_tls_switch);
  BIND_FORM ("", sign_in, transport_row);
  BIND_FORM ("", sign_in, websocket_row);
  BIND_FORM ("", sign_in, bosh_row);
  BIND_FORM ("", sign_in, error_revealer);
  BIND_FORM ("", sign_in, error_label);
  BIND_FORM ("create_", create, form);
  BIND_FORM ("create_", create, spinner);
  BIND_FORM ("create_", create, address_row);
  BIND_FORM ("create_", create, password_row);
  BIND_FORM ("create_", create, confirm_row);
  BIND_FORM ("create_", create, host_row);
  BIND_FORM ("create_", create, port_row);
  BIND_FORM ("create_", create, ca_file_row);
  BIND_FORM ("create_", create, direct_tls_switch);
  BIND_FORM ("create_", create, transport_row);
  BIND_FORM ("create_", create, websocket_row);
  BIND_FORM ("create_", create, bosh_row);
  BIND_FORM ("create_", create, error_revealer);
  BIND_FORM ("create_", create, error_label);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "assistant.sign-in", NULL, sign_in_action_cb);
  gtk_widget_class_install_action (widget_class, "assistant.create", NULL, create_action_cb);
  gtk_widget_class_install_action (widget_class, "assistant.show-create", NULL, show_create_action_cb);
  gtk_widget_class_install_action (widget_class, "assistant.back", NULL, back_action_cb);
}

/* AdwEntryRow 1.2 is labelled by both of its title labels, so screen
 * readers (and AT-SPI tests) hear "Address Address": name it once, and
 * name the text field inside too. */
static void
set_accessible_name (GtkWidget  *widget,
                     const char *name)
{
  GtkEditable *delegate = GTK_IS_EDITABLE (widget) ? gtk_editable_get_delegate (GTK_EDITABLE (widget)) : NULL;

  gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  if (delegate != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (delegate), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
name_entry (AdwEntryRow *row)
{
  set_accessible_name (GTK_WIDGET (row), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
}

/* GTK 4.8 also presents the page that is not on screen to assistive
 * technologies, so the advanced rows of the create page, titled like the
 * sign-in page's, say which page they are on. */
static void
name_create_row (GtkWidget  *widget,
                 const char *title)
{
  /* Translators: the accessible name of an advanced setting on the
   * "Create Account" page, e.g. "New account: Server Host". */
  g_autofree char *name = g_strdup_printf (_("New account: %s"), title);

  set_accessible_name (widget, name);
}

static void
petrel_assistant_init (PetrelAssistant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  name_entry (self->sign_in.address_row);
  name_entry (self->sign_in.password_row);
  name_entry (self->sign_in.host_row);
  name_entry (self->sign_in.port_row);
  name_entry (self->sign_in.ca_file_row);
  name_entry (self->create.address_row);
  name_entry (self->create.password_row);
  name_entry (self->create.confirm_row);
  name_create_row (GTK_WIDGET (self->create.host_row),
                   adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->create.host_row)));
  name_create_row (GTK_WIDGET (self->create.port_row),
                   adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->create.port_row)));
  name_create_row (GTK_WIDGET (self->create.ca_file_row),
                   adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->create.ca_file_row)));
  name_create_row (GTK_WIDGET (self->create.direct_tls_switch), _("Direct TLS"));

  update_actions (self);
}

/**
 * petrel_assistant_new:
 * @accounts: where the account is added
 *
 * Returns: (transfer none): the assistant window, owned by GTK until
 *   gtk_window_destroy ()
 */
PetrelAssistant *
petrel_assistant_new (PetrelAccounts *accounts)
{
  g_return_val_if_fail (accounts == NULL || PETREL_IS_ACCOUNTS (accounts), NULL);

  return g_object_new (PETREL_TYPE_ASSISTANT, "accounts", accounts, NULL);
}
