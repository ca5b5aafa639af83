/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "http-tls"

#include "http-tls.h"

#include "xmpp-connector.h"
#include "xmpp-error.h"
#include "xmpp-stream.h"
#include "xmpp-transport.h"

#define GUARD_KEY "petrel-http-tls-guard"

typedef struct
{
  GTlsDatabase *extra_db;
  GSocketConnectable *identity;
  GTlsCertificateFlags errors;
} Guard;

static void
guard_free (gpointer data)
{
  Guard *guard = data;

  g_clear_object (&guard->extra_db);
  g_clear_object (&guard->identity);
  g_free (guard);
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  /* GUri gives IPv6 literals without their brackets. */
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

GUri *
http_tls_check_url (const char  *url,
                    const char  *secure_scheme,
                    const char  *insecure_scheme,
                    gboolean     allow_insecure_loopback,
                    gboolean    *secure,
                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_INSECURE_URL,
                   "The URL %s names no host", url);
      return NULL;
    }

  if (g_ascii_strcasecmp (scheme, secure_scheme) == 0)
    {
      if (secure != NULL)
        *secure = TRUE;
      return g_steal_pointer (&uri);
    }

  if (g_ascii_strcasecmp (scheme, insecure_scheme) == 0 && allow_insecure_loopback &&
      host_is_loopback (g_uri_get_host (uri)))
    {
      if (secure != NULL)
        *secure = FALSE;
      return g_steal_pointer (&uri);
    }

  g_set_error (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_INSECURE_URL,
               "Refusing the unencrypted URL %s: only %s:// is allowed", url, secure_scheme);
  return NULL;
}

/* Called only when the system's trust store rejected the certificate (or
 * it does not name the host the socket connected to, which in tests is a
 * fixed loopback address).  Accepted only when the chain verifies against
 * the account's extra authority for the URL's host. */
static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *peer_cert,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Guard *guard = user_data;

  return xmpp_stream_accept_certificate (guard->extra_db, guard->identity, peer_cert, errors,
                                         &guard->errors);
}

gboolean
http_tls_guard_message (SoupMessage  *msg,
                        const char   *ca_file,
                        GError      **error)
{
  Guard *guard;
  GUri *uri;

  g_return_val_if_fail (SOUP_IS_MESSAGE (msg), FALSE);

  uri = soup_message_get_uri (msg);
  guard = g_new0 (Guard, 1);
  guard->identity = g_network_address_new (g_uri_get_host (uri), g_uri_get_port (uri) > 0
                                                                   ? g_uri_get_port (uri)
                                                                   : 443);
  if (ca_file != NULL && *ca_file != '\0')
    {
      g_autoptr(GError) local = NULL;

      guard->extra_db = g_tls_file_database_new (ca_file, &local);
      if (guard->extra_db == NULL)
        {
          guard_free (guard);
          g_set_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS,
                       "Cannot read the CA file: %s", local->message);
          return FALSE;
        }
    }

  g_object_set_data_full (G_OBJECT (msg), GUARD_KEY, guard, guard_free);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), guard);
  return TRUE;
}

static char *
describe_flags (GTlsCertificateFlags flags)
{
  static const struct { GTlsCertificateFlags flag; const char *text; } names[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, "issued by an unknown authority" },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, "not valid for this host" },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, "not valid yet" },
    { G_TLS_CERTIFICATE_EXPIRED, "expired" },
    { G_TLS_CERTIFICATE_REVOKED, "revoked" },
    { G_TLS_CERTIFICATE_INSECURE, "using an insecure algorithm" },
  };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (flags & names[i].flag)
      g_strv_builder_add (builder, names[i].text);
  parts = g_strv_builder_end (builder);

  return parts[0] != NULL ? g_strjoinv (", ", parts) : g_strdup ("invalid");
}

GError *
http_tls_classify_error (SoupMessage  *msg,
                         const GError *error,
                         const char   *what)
{
  Guard *guard = msg != NULL ? g_object_get_data (G_OBJECT (msg), GUARD_KEY) : NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (guard != NULL && guard->errors != 0)
    {
      g_autofree char *why = describe_flags (guard->errors);

      return g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS,
                          "The certificate of %s is %s", what, why);
    }

  /* Anything else than DNS, a refusal or a timeout (a TLS handshake the
   * peer broke off, an HTTP error page, a reset) says the endpoint is not
   * usable, not that it is an impostor: IO. */
  return xmpp_connector_classify_error (error, what);
}
