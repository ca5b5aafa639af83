/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelContactsPage: the rosters of all accounts (ui/petrel-contacts-page.ui),
 * with the subscription requests waiting for an answer above them.
 *
 * Commands are the page's actions, so the row menus and the dialogs share
 * them:
 *   contacts.add                 a dialog: address, name, account
 *   contacts.rename (ss)         a dialog with the name
 *   contacts.remove (ss)         a confirmation
 *   contacts.accept (ss)         answer a request (RFC 6121 §3.1.3)
 *   contacts.deny (ss)
 * where (ss) is (account, contact JID).  Failures show as toasts.
 */
#define G_LOG_DOMAIN "petrel-contacts-page"

#include <glib/gi18n.h>

#include "petrel-contact-row.h"
#include "petrel-contacts-page.h"
#include "xmpp-jid.h"

/* A subscription request waiting for an answer: a list item. */
#define PETREL_TYPE_CONTACT_REQUEST (petrel_contact_request_get_type ())
G_DECLARE_FINAL_TYPE (PetrelContactRequest, petrel_contact_request, PETREL, CONTACT_REQUEST, GObject)

struct _PetrelContactRequest
{
  GObject parent_instance;
  char *account;
  char *jid;
};

G_DEFINE_FINAL_TYPE (PetrelContactRequest, petrel_contact_request, G_TYPE_OBJECT)

static void
petrel_contact_request_finalize (GObject *object)
{
  PetrelContactRequest *self = PETREL_CONTACT_REQUEST (object);

  g_free (self->account);
  g_free (self->jid);

  G_OBJECT_CLASS (petrel_contact_request_parent_class)->finalize (object);
}

static void
petrel_contact_request_class_init (PetrelContactRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = petrel_contact_request_finalize;
}

static void
petrel_contact_request_init (PetrelContactRequest *self)
{
}

struct _PetrelContactsPage
{
  AdwBin parent_instance;

  PetrelAccounts *accounts;
  GListStore *requests;
  GListModel *contacts;

  GtkRevealer *requests_revealer;
  GtkListBox *requests_list;
  GtkStack *stack;
  GtkListView *list_view;
};

G_DEFINE_FINAL_TYPE (PetrelContactsPage, petrel_contacts_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACCOUNTS,
  N_PROPS
};

enum {
  SIGNAL_CONTACT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
toast (PetrelContactsPage *self,
       const char         *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
}

static GtkWindow *
get_window (PetrelContactsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* The account whose roster holds @contact. */
static const char *
find_account (PetrelContactsPage *self,
              PetrelContact      *contact)
{
  GListModel *accounts;
  guint n;

  if (self->accounts == NULL)
    return NULL;

  accounts = petrel_accounts_get_accounts (self->accounts);
  n = g_list_model_get_n_items (accounts);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PetrelAccount) account = g_list_model_get_item (accounts, i);
      const char *jid = petrel_account_get_jid (account);
      PetrelContactList *list = petrel_accounts_get_contacts (self->accounts, jid);

      if (list != NULL && petrel_contact_list_lookup (list, petrel_contact_get_jid (contact)) == contact)
        return jid;
    }

  return NULL;
}

/* Requests */

static GtkWidget *
create_request_row (gpointer item,
                    gpointer user_data)
{
  PetrelContactRequest *request = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *accept = gtk_button_new_with_mnemonic (_("_Accept"));
  GtkWidget *deny = gtk_button_new_with_mnemonic (_("_Deny"));
  GVariant *target = g_variant_new ("(ss)", request->account, request->jid);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), request->jid);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Wants to see when you are online"));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (accept), "contacts.accept");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (accept), target);
  gtk_widget_set_valign (accept, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (accept, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (deny), "contacts.deny");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (deny), target);
  gtk_widget_set_valign (deny, GTK_ALIGN_CENTER);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), deny);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), accept);

  return row;
}

static void
requests_changed_cb (GListModel         *model,
                     guint               position,
                     guint               removed,
                     guint               added,
                     PetrelContactsPage *self)
{
  gtk_revealer_set_reveal_child (self->requests_revealer, g_list_model_get_n_items (model) > 0);
}

static gboolean
find_request (PetrelContactsPage *self,
              const char         *account,
              const char         *jid,
              guint              *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->requests));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PetrelContactRequest) request = g_list_model_get_item (G_LIST_MODEL (self->requests), i);

      if (g_strcmp0 (request->account, account) == 0 && g_strcmp0 (request->jid, jid) == 0)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * petrel_contacts_page_add_request:
 *
 * Shows a subscription request from @jid to @account until answered; a
 * repeated request is shown once.
 */
void
petrel_contacts_page_add_request (PetrelContactsPage *self,
                                  const char         *account,
                                  const char         *jid)
{
  g_autoptr (PetrelContactRequest) request = NULL;
  guint position;

  g_return_if_fail (PETREL_IS_CONTACTS_PAGE (self));
  g_return_if_fail (account != NULL && jid != NULL);

  if (find_request (self, account, jid, &position))
    return;

  request = g_object_new (PETREL_TYPE_CONTACT_REQUEST, NULL);
  request->account = g_strdup (account);
  request->jid = g_strdup (jid);
  g_list_store_append (self->requests, request);
}

/** Returns: (transfer none): the pending requests */
GListModel *
petrel_contacts_page_get_requests (PetrelContactsPage *self)
{
  g_return_val_if_fail (PETREL_IS_CONTACTS_PAGE (self), NULL);

  return G_LIST_MODEL (self->requests);
}

static void
subscription_request_cb (PetrelAccounts     *accounts,
                         const char         *account,
                         const char         *jid,
                         PetrelContactsPage *self)
{
  petrel_contacts_page_add_request (self, account, jid);
}

static void
answer (PetrelContactsPage *self,
        GVariant           *parameter,
        gboolean            accept)
{
  const char *account;
  const char *jid;
  guint position;

  g_variant_get (parameter, "(&s&s)", &account, &jid);
  if (self->accounts != NULL)
    petrel_accounts_answer_subscription (self->accounts, account, jid, accept);
  if (find_request (self, account, jid, &position))
    g_list_store_remove (self->requests, position);
}

static void
accept_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  answer (PETREL_CONTACTS_PAGE (widget), parameter, TRUE);
}

static void
deny_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  answer (PETREL_CONTACTS_PAGE (widget), parameter, FALSE);
}

/* The contact list */

static gpointer
map_account_to_contacts (gpointer item,
                         gpointer user_data)
{
  g_autoptr (PetrelAccount) account = item;
  PetrelContactsPage *self = user_data;
  PetrelContactList *list = petrel_accounts_get_contacts (self->accounts, petrel_account_get_jid (account));

  if (list == NULL)
    return g_list_store_new (PETREL_TYPE_CONTACT);

  return g_object_ref (list);
}

static void
contacts_changed_cb (GListModel         *model,
                     guint               position,
                     guint               removed,
                     guint               added,
                     PetrelContactsPage *self)
{
  gtk_stack_set_visible_child_name (self->stack, g_list_model_get_n_items (model) > 0 ? "list" : "empty");
}

/* A GtkListView builds and binds rows for up to 200 items as soon as it
 * has a model, shown or not; the page starts hidden behind the
 * conversations, so its rows wait until it is first shown. */
static void
show_contacts (PetrelContactsPage *self)
{
  g_autoptr (GtkNoSelection) selection = NULL;

  if (self->contacts == NULL || gtk_list_view_get_model (self->list_view) != NULL)
    return;

  selection = gtk_no_selection_new (g_object_ref (self->contacts));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
}

static void
petrel_contacts_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (petrel_contacts_page_parent_class)->map (widget);

  show_contacts (PETREL_CONTACTS_PAGE (widget));
}

static void
set_accounts (PetrelContactsPage *self,
              PetrelAccounts     *accounts)
{
  if (self->accounts == accounts)
    return;

  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_func (self->accounts, subscription_request_cb, self);
  if (self->contacts != NULL)
    g_signal_handlers_disconnect_by_func (self->contacts, contacts_changed_cb, self);
  gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->contacts);
  g_set_object (&self->accounts, accounts);

  if (accounts != NULL)
    {
      GtkMapListModel *map;

      g_signal_connect (accounts, "subscription-request", G_CALLBACK (subscription_request_cb), self);

      map = gtk_map_list_model_new (g_object_ref (petrel_accounts_get_accounts (accounts)),
                                    map_account_to_contacts, self, NULL);
      self->contacts = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (map)));
      g_signal_connect (self->contacts, "items-changed", G_CALLBACK (contacts_changed_cb), self);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        show_contacts (self);
    }

  if (self->contacts != NULL)
    contacts_changed_cb (self->contacts, 0, 0, 0, self);
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNTS]);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              PetrelContactsPage       *self)
{
  gtk_list_item_set_child (item, GTK_WIDGET (petrel_contact_row_new ()));
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             PetrelContactsPage       *self)
{
  PetrelContact *contact = gtk_list_item_get_item (item);

  petrel_contact_row_set_contact (PETREL_CONTACT_ROW (gtk_list_item_get_child (item)),
                                  find_account (self, contact), contact);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               PetrelContactsPage       *self)
{
  petrel_contact_row_set_contact (PETREL_CONTACT_ROW (gtk_list_item_get_child (item)), NULL, NULL);
}

static void
list_activate_cb (GtkListView        *list_view,
                  guint               position,
                  PetrelContactsPage *self)
{
  g_autoptr (PetrelContact) contact = g_list_model_get_item (self->contacts, position);
  const char *account = contact != NULL ? find_account (self, contact) : NULL;

  if (account != NULL)
    g_signal_emit (self, signals[SIGNAL_CONTACT_ACTIVATED], 0, account, petrel_contact_get_jid (contact));
}

/* Dialogs */

typedef struct
{
  PetrelContactsPage *page;
  char *account;
  char *jid;
  GtkEditable *jid_entry;
  GtkEditable *name_entry;
  AdwComboRow *account_row;
} DialogData;

static void
dialog_data_free (gpointer data)
{
  DialogData *d = data;

  g_object_unref (d->page);
  g_free (d->account);
  g_free (d->jid);
  g_free (d);
}

static DialogData *
dialog_data_new (PetrelContactsPage *self,
                 const char         *account,
                 const char         *jid)
{
  DialogData *d = g_new0 (DialogData, 1);

  d->page = g_object_ref (self);
  d->account = g_strdup (account);
  d->jid = g_strdup (jid);
  return d;
}

static gboolean
is_valid_contact_address (const char *text)
{
  g_autoptr (XmppJid) jid = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;

  jid = xmpp_jid_parse (text, NULL);
  return jid != NULL && xmpp_jid_is_bare (jid);
}

static void
add_address_changed_cb (GtkEditable      *editable,
                        AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "add",
                                           is_valid_contact_address (gtk_editable_get_text (editable)));
}

static void
add_contact_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (PetrelContactsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!petrel_accounts_add_contact_finish (PETREL_ACCOUNTS (source), result, &error))
    {
      /* Translators: %s says why, from the server or the network. */
      g_autofree char *title = g_strdup_printf (_("Could not add the contact: %s"), error->message);

      toast (self, title);
    }
}

static void
add_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 DialogData       *d)
{
  g_autoptr (XmppJid) jid = NULL;
  const char *name;
  const char *account = NULL;
  GListModel *accounts;

  if (g_strcmp0 (response, "add") != 0 || d->page->accounts == NULL)
    return;

  jid = xmpp_jid_parse (gtk_editable_get_text (d->jid_entry), NULL);
  if (jid == NULL)
    return;

  accounts = petrel_accounts_get_accounts (d->page->accounts);
  if (g_list_model_get_n_items (accounts) > 0)
    {
      g_autoptr (PetrelAccount) item =
        g_list_model_get_item (accounts, adw_combo_row_get_selected (d->account_row));

      if (item == NULL)
        item = g_list_model_get_item (accounts, 0);
      account = petrel_account_get_jid (item);
    }
  if (account == NULL)
    return;

  name = gtk_editable_get_text (d->name_entry);
  petrel_accounts_add_contact_async (d->page->accounts, account, xmpp_jid_get_bare_string (jid),
                                     *name != '\0' ? name : NULL, NULL,
                                     add_contact_done_cb, g_object_ref (d->page));
}

static GtkWidget *
new_boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return list;
}

static GtkWidget *
new_entry_row (const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* Labelled by two title labels in libadwaita 1.2: name it once. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return row;
}

static char *
account_jid (gpointer       unused,
             PetrelAccount *account)
{
  return g_strdup (account != NULL ? petrel_account_get_jid (account) : "");
}

static void
add_action_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PetrelContactsPage *self = PETREL_CONTACTS_PAGE (widget);
  AdwMessageDialog *dialog;
  GtkWidget *list = new_boxed_list ();
  GtkWidget *jid_row = new_entry_row (_("Address"));
  GtkWidget *name_row = new_entry_row (_("Name (optional)"));
  GtkWidget *account_row = adw_combo_row_new ();
  DialogData *d = dialog_data_new (self, NULL, NULL);

  if (self->accounts == NULL)
    {
      dialog_data_free (d);
      return;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (account_row), _("Account"));
  adw_combo_row_set_model (ADW_COMBO_ROW (account_row), petrel_accounts_get_accounts (self->accounts));
  adw_combo_row_set_expression (ADW_COMBO_ROW (account_row),
                                gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                             G_CALLBACK (account_jid), NULL, NULL));
  gtk_widget_set_visible (account_row,
                          g_list_model_get_n_items (petrel_accounts_get_accounts (self->accounts)) > 1);
  gtk_list_box_append (GTK_LIST_BOX (list), jid_row);
  gtk_list_box_append (GTK_LIST_BOX (list), name_row);
  gtk_list_box_append (GTK_LIST_BOX (list), account_row);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_window (self), _("Add Contact"),
                                                       _("Enter the address of the person you want to chat with. "
                                                         "They will be asked to share their presence with you.")));
  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "add", _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "add", FALSE);
  adw_message_dialog_set_default_response (dialog, "add");
  adw_message_dialog_set_close_response (dialog, "cancel");

  d->jid_entry = GTK_EDITABLE (jid_row);
  d->name_entry = GTK_EDITABLE (name_row);
  d->account_row = ADW_COMBO_ROW (account_row);
  g_signal_connect (jid_row, "changed", G_CALLBACK (add_address_changed_cb), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (add_response_cb), d,
                         (GClosureNotify) (void (*) (void)) dialog_data_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rename_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (PetrelContactsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!petrel_accounts_rename_contact_finish (PETREL_ACCOUNTS (source), result, &error))
    {
      /* Translators: %s says why, from the server or the network. */
      g_autofree char *title = g_strdup_printf (_("Could not rename the contact: %s"), error->message);

      toast (self, title);
    }
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    DialogData       *d)
{
  const char *name;

  if (g_strcmp0 (response, "rename") != 0 || d->page->accounts == NULL)
    return;

  name = gtk_editable_get_text (d->name_entry);
  petrel_accounts_rename_contact_async (d->page->accounts, d->account, d->jid,
                                        *name != '\0' ? name : NULL, NULL,
                                        rename_done_cb, g_object_ref (d->page));
}

static void
rename_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PetrelContactsPage *self = PETREL_CONTACTS_PAGE (widget);
  const char *account;
  const char *jid;
  PetrelContactList *list;
  PetrelContact *contact = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *box = new_boxed_list ();
  GtkWidget *name_row = new_entry_row (_("Name"));
  DialogData *d;

  g_variant_get (parameter, "(&s&s)", &account, &jid);
  list = self->accounts != NULL ? petrel_accounts_get_contacts (self->accounts, account) : NULL;
  if (list != NULL)
    contact = petrel_contact_list_lookup (list, jid);
  if (contact != NULL && petrel_contact_get_name (contact) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (name_row), petrel_contact_get_name (contact));
  gtk_list_box_append (GTK_LIST_BOX (box), name_row);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_window (self), _("Rename Contact"), NULL));
  /* Translators: %s is a contact's address. */
  adw_message_dialog_format_body (dialog, _("The name you see for %s. Leave it empty to show the address."), jid);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "rename", _("_Rename"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "rename");
  adw_message_dialog_set_close_response (dialog, "cancel");

  d = dialog_data_new (self, account, jid);
  d->name_entry = GTK_EDITABLE (name_row);
  g_signal_connect_data (dialog, "response", G_CALLBACK (rename_response_cb), d,
                         (GClosureNotify) (void (*) (void)) dialog_data_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
remove_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (PetrelContactsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!petrel_accounts_remove_contact_finish (PETREL_ACCOUNTS (source), result, &error))
    {
      /* Translators: %s says why, from the server or the network. */
      g_autofree char *title = g_strdup_printf (_("Could not remove the contact: %s"), error->message);

      toast (self, title);
    }
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    DialogData       *d)
{
  if (g_strcmp0 (response, "remove") != 0 || d->page->accounts == NULL)
    return;

  petrel_accounts_remove_contact_async (d->page->accounts, d->account, d->jid, NULL,
                                        remove_done_cb, g_object_ref (d->page));
}

static void
remove_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PetrelContactsPage *self = PETREL_CONTACTS_PAGE (widget);
  const char *account;
  const char *jid;
  AdwMessageDialog *dialog;

  g_variant_get (parameter, "(&s&s)", &account, &jid);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_window (self), _("Remove Contact?"), NULL));
  /* Translators: %s is a contact's address. */
  adw_message_dialog_format_body (dialog, _("%s will be removed from your contacts, and you will stop "
                                            "sharing your presence with each other."), jid);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (remove_response_cb),
                         dialog_data_new (self, account, jid),
                         (GClosureNotify) (void (*) (void)) dialog_data_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject */

static void
petrel_contacts_page_dispose (GObject *object)
{
  PetrelContactsPage *self = PETREL_CONTACTS_PAGE (object);

  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_func (self->accounts, subscription_request_cb, self);
  if (self->contacts != NULL)
    g_signal_handlers_disconnect_by_func (self->contacts, contacts_changed_cb, self);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_CONTACTS_PAGE);
  g_clear_object (&self->contacts);
  g_clear_object (&self->accounts);
  g_clear_object (&self->requests);

  G_OBJECT_CLASS (petrel_contacts_page_parent_class)->dispose (object);
}

static void
petrel_contacts_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PetrelContactsPage *self = PETREL_CONTACTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS: g_value_set_object (value, self->accounts); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_contacts_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  PetrelContactsPage *self = PETREL_CONTACTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS: set_accounts (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_contacts_page_class_init (PetrelContactsPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = petrel_contacts_page_dispose;
  object_class->get_property = petrel_contacts_page_get_property;
  object_class->set_property = petrel_contacts_page_set_property;
  widget_class->map = petrel_contacts_page_map;

  properties[PROP_ACCOUNTS] =
    g_param_spec_object ("accounts", NULL, NULL, PETREL_TYPE_ACCOUNTS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PetrelContactsPage::contact-activated:
   * @account: the account
   * @jid: the contact's bare JID
   *
   * The user chose a contact to chat with.
   */
  signals[SIGNAL_CONTACT_ACTIVATED] =
    g_signal_new ("contact-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-contacts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelContactsPage, requests_revealer);
  gtk_widget_class_bind_template_child (widget_class, PetrelContactsPage, requests_list);
  gtk_widget_class_bind_template_child (widget_class, PetrelContactsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PetrelContactsPage, list_view);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);

  gtk_widget_class_install_action (widget_class, "contacts.add", NULL, add_action_cb);
  gtk_widget_class_install_action (widget_class, "contacts.rename", "(ss)", rename_action_cb);
  gtk_widget_class_install_action (widget_class, "contacts.remove", "(ss)", remove_action_cb);
  gtk_widget_class_install_action (widget_class, "contacts.accept", "(ss)", accept_action_cb);
  gtk_widget_class_install_action (widget_class, "contacts.deny", "(ss)", deny_action_cb);
}

static void
petrel_contacts_page_init (PetrelContactsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->requests = g_list_store_new (PETREL_TYPE_CONTACT_REQUEST);
  g_signal_connect (self->requests, "items-changed", G_CALLBACK (requests_changed_cb), self);
  gtk_list_box_bind_model (self->requests_list, G_LIST_MODEL (self->requests),
                           create_request_row, NULL, NULL);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}
