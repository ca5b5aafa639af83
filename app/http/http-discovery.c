/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "http-discovery"

#include "http-discovery.h"

#include <json-glib/json-glib.h>

#include "http-tls.h"
#include "xmpp-error.h"
#include "xmpp-reader.h"

G_DEFINE_QUARK (http-discovery-error-quark, http_discovery_error)

/* XRD > Link > Title/Property is as deep as a host-meta document goes. */
#define MAX_XML_DEPTH 8
#define MAX_XML_ATTRS 16
#define MAX_JSON_DEPTH 16
/* No endpoint URL needs more. */
#define MAX_URL_LENGTH 2048

static const char * const document_paths[] = {
  "/.well-known/host-meta.json",
  "/.well-known/host-meta",
};

/* Parsing */

static char *
secure_link (const char *href,
             const char *scheme,
             const char *insecure_scheme)
{
  g_autoptr(GUri) uri = NULL;

  if (href == NULL || strlen (href) > MAX_URL_LENGTH)
    return NULL;
  uri = http_tls_check_url (href, scheme, insecure_scheme, FALSE, NULL, NULL);
  /* Credentials in a URL from a document would end up in logs. */
  if (uri == NULL || g_uri_get_userinfo (uri) != NULL)
    return NULL;
  return g_uri_to_string (uri);
}

static void
take_link (XmppTransportEndpoints *endpoints,
           const char             *rel,
           const char             *href)
{
  if (rel == NULL || href == NULL)
    return;
  if (endpoints->websocket_url == NULL && strcmp (rel, HTTP_DISCOVERY_REL_WEBSOCKET) == 0)
    endpoints->websocket_url = secure_link (href, "wss", "ws");
  else if (endpoints->bosh_url == NULL && strcmp (rel, HTTP_DISCOVERY_REL_BOSH) == 0)
    endpoints->bosh_url = secure_link (href, "https", "http");
}

static gboolean
check_size (gsize    len,
            GError **error)
{
  if (len > HTTP_DISCOVERY_MAX_SIZE)
    {
      g_set_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_TOO_LARGE,
                   "The host-meta document is larger than %u bytes", HTTP_DISCOVERY_MAX_SIZE);
      return FALSE;
    }
  return TRUE;
}

gboolean
http_discovery_parse_xrd (const char              *data,
                          gsize                    len,
                          XmppTransportEndpoints  *endpoints,
                          GError                 **error)
{
  const XmppReaderLimits limits = {
    .max_stanza_size = HTTP_DISCOVERY_MAX_SIZE,
    .max_depth = MAX_XML_DEPTH,
    .max_attrs = MAX_XML_ATTRS,
  };
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_DOCUMENT, &limits);
  g_autoptr(XmppNode) root = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (endpoints != NULL, FALSE);

  if (!check_size (len, error))
    return FALSE;

  if (!xmpp_reader_feed (reader, data, len, &local) || !xmpp_reader_finish (reader, &local))
    {
      g_set_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_MALFORMED,
                   "The host-meta document is not acceptable XML: %s", local->message);
      return FALSE;
    }
  if (xmpp_reader_pop (reader, &root) != XMPP_READER_EVENT_STANZA ||
      !xmpp_node_is (root, "XRD", HTTP_DISCOVERY_NS_XRD))
    {
      g_set_error_literal (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_MALFORMED,
                           "The host-meta document is not an XRD document");
      return FALSE;
    }

  for (guint i = 0; i < xmpp_node_get_n_children (root); i++)
    {
      XmppNode *link = xmpp_node_get_child_at (root, i);

      if (xmpp_node_is (link, "Link", HTTP_DISCOVERY_NS_XRD))
        take_link (endpoints, xmpp_node_get_attr (link, "rel"), xmpp_node_get_attr (link, "href"));
    }
  return TRUE;
}

/* json-glib parses recursively: refuse deep nesting before it sees it. */
static gboolean
json_depth_ok (const char *data,
               gsize       len)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
http_discovery_parse_json (const char              *data,
                           gsize                    len,
                           XmppTransportEndpoints  *endpoints,
                           GError                 **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonNode *links;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (endpoints != NULL, FALSE);

  if (!check_size (len, error))
    return FALSE;

  if (len == 0 || memchr (data, '\0', len) != NULL || !g_utf8_validate (data, len, NULL))
    {
      g_set_error_literal (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_MALFORMED,
                           "The host-meta document is not UTF-8 text");
      return FALSE;
    }
  if (!json_depth_ok (data, len))
    {
      g_set_error_literal (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_MALFORMED,
                           "The host-meta document is nested too deeply");
      return FALSE;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local))
    {
      g_set_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_MALFORMED,
                   "The host-meta document is not JSON: %s", local->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_MALFORMED,
                           "The host-meta document is not a JSON object");
      return FALSE;
    }

  links = json_object_get_member (json_node_get_object (root), "links");
  if (links == NULL || !JSON_NODE_HOLDS_ARRAY (links))
    return TRUE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (links)); i++)
    {
      JsonNode *link = json_array_get_element (json_node_get_array (links), i);

      if (JSON_NODE_HOLDS_OBJECT (link))
        take_link (endpoints, string_member (json_node_get_object (link), "rel"),
                   string_member (json_node_get_object (link), "href"));
    }
  return TRUE;
}

/* Fetching */

typedef struct
{
  SoupSession *session;
  char *domain;
  char *ca_file;
  guint timeout_ms;

  guint document;      /* index into document_paths */
  guint redirects;
  SoupMessage *msg;
  GInputStream *body;
  GByteArray *data;

  GCancellable *cancellable;   /* ours, cancelled by the caller's too */
  gulong cancelled_id;
  GSource *deadline;
  gboolean timed_out;

  XmppTransportEndpoints *endpoints;
} Lookup;

static void
lookup_stop_deadline (Lookup *lookup)
{
  if (lookup->deadline != NULL)
    {
      g_source_destroy (lookup->deadline);
      g_clear_pointer (&lookup->deadline, g_source_unref);
    }
}

static void
lookup_free (gpointer data)
{
  Lookup *lookup = data;

  lookup_stop_deadline (lookup);
  g_clear_object (&lookup->session);
  g_free (lookup->domain);
  g_free (lookup->ca_file);
  g_clear_object (&lookup->msg);
  g_clear_object (&lookup->body);
  g_clear_pointer (&lookup->data, g_byte_array_unref);
  g_clear_object (&lookup->cancellable);
  g_clear_pointer (&lookup->endpoints, xmpp_transport_endpoints_free);
  g_free (lookup);
}

static void fetch (GTask *task,
                   GUri  *uri);
static void fetch_document (GTask *task);

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
deadline_cb (gpointer user_data)
{
  Lookup *lookup = user_data;

  lookup->timed_out = TRUE;
  g_clear_pointer (&lookup->deadline, g_source_unref);
  g_cancellable_cancel (lookup->cancellable);
  return G_SOURCE_REMOVE;
}

static void
lookup_return (GTask  *task,
               GError *error)
{
  Lookup *lookup = g_task_get_task_data (task);
  GCancellable *caller = g_task_get_cancellable (task);

  lookup_stop_deadline (lookup);
  if (lookup->cancelled_id != 0)
    {
      g_cancellable_disconnect (caller, lookup->cancelled_id);
      lookup->cancelled_id = 0;
    }
  if (error == NULL)
    g_task_return_pointer (task, g_steal_pointer (&lookup->endpoints),
                           (GDestroyNotify) xmpp_transport_endpoints_free);
  else
    g_task_return_error (task, error);
}

/* The current document gave nothing; try the next one, or give up with
 * @error.  Failures that the next document on the same host would only
 * repeat (TLS, unreachable, timeout, cancelled) end the lookup. */
static void
document_failed (GTask  *task,
                 GError *error)
{
  Lookup *lookup = g_task_get_task_data (task);

  g_debug ("%s: %s", document_paths[lookup->document], error->message);
  if (error->domain == HTTP_DISCOVERY_ERROR && error->code != HTTP_DISCOVERY_ERROR_TIMEOUT &&
      lookup->document + 1 < G_N_ELEMENTS (document_paths))
    {
      g_error_free (error);
      lookup->document++;
      fetch_document (task);
      return;
    }
  lookup_return (task, error);
}

static GError *
fetch_error (Lookup       *lookup,
             GTask        *task,
             const GError *error)
{
  g_autofree char *what = g_strdup_printf ("https://%s%s", lookup->domain,
                                           document_paths[lookup->document]);

  if (lookup->timed_out)
    return g_error_new (HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_TIMEOUT,
                        "%s did not answer in time", what);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Discovery was cancelled");
  return http_tls_classify_error (lookup->msg, error, what);
}

static void
document_complete (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean parsed;

  lookup_stop_deadline (lookup);
  if (g_str_has_suffix (document_paths[lookup->document], ".json"))
    parsed = http_discovery_parse_json ((const char *) lookup->data->data, lookup->data->len,
                                        lookup->endpoints, &error);
  else
    parsed = http_discovery_parse_xrd ((const char *) lookup->data->data, lookup->data->len,
                                       lookup->endpoints, &error);
  if (!parsed)
    {
      document_failed (task, error);
      return;
    }
  if (lookup->endpoints->websocket_url == NULL && lookup->endpoints->bosh_url == NULL)
    {
      document_failed (task, g_error_new (HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_NOT_FOUND,
                                          "%s lists no secure WebSocket or BOSH endpoint",
                                          document_paths[lookup->document]));
      return;
    }
  lookup_return (task, NULL);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      document_failed (task, fetch_error (lookup, task, error));
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_input_stream_close (lookup->body, NULL, NULL);
      document_complete (task);
      return;
    }
  if (lookup->data->len + g_bytes_get_size (chunk) > HTTP_DISCOVERY_MAX_SIZE)
    {
      g_input_stream_close (lookup->body, NULL, NULL);
      document_failed (task, g_error_new (HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_TOO_LARGE,
                                          "%s is larger than %u bytes",
                                          document_paths[lookup->document],
                                          HTTP_DISCOVERY_MAX_SIZE));
      return;
    }
  g_byte_array_append (lookup->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (lookup->body, 16 * 1024, G_PRIORITY_DEFAULT,
                                   lookup->cancellable, read_cb, g_steal_pointer (&task));
}

/* A redirect is followed only to https:// on the domain itself. */
static GUri *
redirect_target (Lookup  *lookup,
                 GError **error)
{
  const char *location;
  g_autoptr(GUri) target = NULL;

  location = soup_message_headers_get_one (soup_message_get_response_headers (lookup->msg),
                                           "Location");
  if (location != NULL)
    target = g_uri_parse_relative (soup_message_get_uri (lookup->msg), location,
                                   SOUP_HTTP_URI_FLAGS, NULL);
  if (target == NULL)
    {
      g_set_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_REDIRECT,
                   "%s redirects nowhere", document_paths[lookup->document]);
      return NULL;
    }
  if (g_ascii_strcasecmp (g_uri_get_scheme (target), "https") != 0 ||
      g_uri_get_host (target) == NULL ||
      g_ascii_strcasecmp (g_uri_get_host (target), lookup->domain) != 0 ||
      g_uri_get_userinfo (target) != NULL)
    {
      g_set_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_REDIRECT,
                   "%s redirects away from https://%s", document_paths[lookup->document],
                   lookup->domain);
      return NULL;
    }
  if (lookup->redirects >= HTTP_DISCOVERY_MAX_REDIRECTS)
    {
      g_set_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_REDIRECT,
                   "%s redirects too often", document_paths[lookup->document]);
      return NULL;
    }
  return g_steal_pointer (&target);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) body = NULL;
  guint status;
  goffset length;

  body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      document_failed (task, fetch_error (lookup, task, error));
      return;
    }

  status = soup_message_get_status (lookup->msg);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_autoptr(GUri) target = redirect_target (lookup, &error);

      g_input_stream_close (body, NULL, NULL);
      if (target == NULL)
        {
          document_failed (task, g_steal_pointer (&error));
          return;
        }
      lookup->redirects++;
      fetch (g_steal_pointer (&task), target);
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      g_input_stream_close (body, NULL, NULL);
      document_failed (task, g_error_new (HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_NOT_FOUND,
                                          "%s: HTTP status %u", document_paths[lookup->document],
                                          status));
      return;
    }
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (lookup->msg));
  if (length > HTTP_DISCOVERY_MAX_SIZE)
    {
      g_input_stream_close (body, NULL, NULL);
      document_failed (task, g_error_new (HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_TOO_LARGE,
                                          "%s is larger than %u bytes",
                                          document_paths[lookup->document],
                                          HTTP_DISCOVERY_MAX_SIZE));
      return;
    }

  g_set_object (&lookup->body, body);
  g_input_stream_read_bytes_async (lookup->body, 16 * 1024, G_PRIORITY_DEFAULT,
                                   lookup->cancellable, read_cb, g_steal_pointer (&task));
}

static void
fetch (GTask *task,
       GUri  *uri)
{
  Lookup *lookup = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_object (&lookup->body);
  g_clear_pointer (&lookup->data, g_byte_array_unref);
  lookup->data = g_byte_array_new ();
  g_clear_object (&lookup->msg);
  lookup->msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  soup_message_add_flags (lookup->msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (lookup->msg), "Accept",
                                g_str_has_suffix (g_uri_get_path (uri), ".json")
                                  ? "application/json"
                                  : "application/xrd+xml");
  if (!http_tls_guard_message (lookup->msg, lookup->ca_file, &error))
    {
      lookup_return (task, error);
      g_object_unref (task);
      return;
    }
  soup_session_send_async (lookup->session, lookup->msg, G_PRIORITY_DEFAULT,
                           lookup->cancellable, send_cb, task);
}

static void
fetch_document (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GUri) uri = NULL;

  lookup->redirects = 0;
  lookup_stop_deadline (lookup);
  lookup->deadline = g_timeout_source_new (lookup->timeout_ms);
  g_source_set_callback (lookup->deadline, deadline_cb, lookup, NULL);
  g_source_attach (lookup->deadline, g_task_get_context (task));

  uri = g_uri_build (SOUP_HTTP_URI_FLAGS, "https", NULL, lookup->domain, -1,
                     document_paths[lookup->document], NULL, NULL);
  fetch (g_object_ref (task), uri);
}

void
http_discovery_lookup_async (SoupSession         *session,
                             const char          *domain,
                             const char          *ca_file,
                             guint                timeout_ms,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *ascii = NULL;
  Lookup *lookup;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (domain != NULL);

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, http_discovery_lookup_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  /* A JID domain is a host name; anything that would change the URL's
   * meaning (a port, a path, userinfo, a bracketed literal) is refused. */
  ascii = g_hostname_to_ascii (domain);
  if (ascii == NULL || *ascii == '\0' || strlen (ascii) > 253 ||
      strspn (ascii, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") !=
        strlen (ascii))
    {
      g_task_return_new_error (task, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_NOT_FOUND,
                               "Not a domain name for discovery");
      return;
    }

  lookup = g_new0 (Lookup, 1);
  lookup->session = g_object_ref (session);
  lookup->domain = g_steal_pointer (&ascii);
  lookup->ca_file = g_strdup (ca_file);
  lookup->timeout_ms = timeout_ms > 0 ? timeout_ms : HTTP_DISCOVERY_TIMEOUT_MS;
  lookup->cancellable = g_cancellable_new ();
  lookup->endpoints = g_new0 (XmppTransportEndpoints, 1);
  g_task_set_task_data (task, lookup, lookup_free);
  if (cancellable != NULL)
    lookup->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                  g_object_ref (lookup->cancellable),
                                                  g_object_unref);

  fetch_document (task);
}

XmppTransportEndpoints *
http_discovery_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == http_discovery_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
