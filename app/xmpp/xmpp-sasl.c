/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SASL for XMPP (RFC 6120 §6): the choice of a mechanism, the state machine
 * every mechanism shares, PLAIN (RFC 4616) and the XEP-0474 downgrade
 * protection hash.  SCRAM itself is in xmpp-sasl-scram.c.
 *
 *   START --initial()--> WAIT_CHALLENGE --step()--> WAIT_SUCCESS --+
 *     |                                               |   ^         |
 *     | (PLAIN)                      step(v=…) (RFC 6120 §6.3.10:   |
 *     +---------------------------->  some servers send the         |
 *                                     server-final-message as a     |
 *                                     <challenge/>) ----+           |
 *                                                  verify_success() |
 *                                                           DONE <--+
 *   any error --> FAILED (every later call fails)
 *
 * Choice policy (see xmpp_sasl_new_for_offer()): the strongest SCRAM
 * -PLUS for which we hold channel-binding data of a type the server
 * accepts, then the strongest plain SCRAM, then PLAIN only over TLS and
 * only when the server offers no SCRAM at all.  Nothing here ever falls
 * back to a weaker mechanism after a failure (SECURITY.md, Transport).
 */
#define G_LOG_DOMAIN "xmpp-sasl"

#include <string.h>

#include "xmpp-sasl-private.h"

typedef enum {
  KIND_PLAIN,
  KIND_SCRAM,
} Kind;

typedef enum {
  STATE_START,
  STATE_WAIT_CHALLENGE,
  STATE_WAIT_SUCCESS,
  STATE_DONE,
  STATE_FAILED,
} State;

struct _XmppSasl
{
  Kind           kind;
  State          state;
  char          *mechanism;
  char          *authcid;
  /* PLAIN: as given; SCRAM: after SASLprep.  Wiped once it is no longer
   * needed (after the last message that uses it) and on free. */
  char          *password;
  XmppSaslScram *scram;
  /* SCRAM: the server-final-message arrived (in a challenge) and verified. */
  gboolean       verified;
};

G_DEFINE_QUARK (xmpp-sasl-error-quark, xmpp_sasl_error)

/* Strongest first. */
static const char * const scram_mechanisms[] = {
  "SCRAM-SHA-512",
  "SCRAM-SHA-256",
  "SCRAM-SHA-1",
};

#define CB_EXPORTER "tls-exporter"
#define CB_ENDPOINT "tls-server-end-point"

/* A plain memset() before free() is a dead store the optimiser may drop;
 * calling through a volatile function pointer keeps it. */
static void *(*const volatile wipe_memset) (void *, int, size_t) = memset;

void
xmpp_sasl_wipe (gpointer data,
                gsize    len)
{
  if (data != NULL && len > 0)
    wipe_memset (data, 0, len);
}

void
xmpp_sasl_free_secret (char *secret)
{
  if (secret == NULL)
    return;
  xmpp_sasl_wipe (secret, strlen (secret));
  g_free (secret);
}

static gboolean
strv_has (const char * const *strv,
          const char         *str)
{
  return strv != NULL && g_strv_contains (strv, str);
}

static gboolean
offer_has_plus (const XmppSaslOffer *offer)
{
  if (offer == NULL || offer->mechanisms == NULL)
    return FALSE;
  for (gsize i = 0; offer->mechanisms[i] != NULL; i++)
    {
      const char *mech = offer->mechanisms[i];

      if (g_str_has_prefix (mech, "SCRAM-") && g_str_has_suffix (mech, "-PLUS"))
        return TRUE;
    }
  return FALSE;
}

static gboolean
offer_has_any_scram (const XmppSaslOffer *offer)
{
  if (offer->mechanisms == NULL)
    return FALSE;
  for (gsize i = 0; offer->mechanisms[i] != NULL; i++)
    if (g_str_has_prefix (offer->mechanisms[i], "SCRAM-"))
      return TRUE;
  return FALSE;
}

static gboolean
has_data (GBytes *bytes)
{
  return bytes != NULL && g_bytes_get_size (bytes) > 0;
}

/*
 * Picks the channel-binding type for -PLUS.  With XEP-0440 we use only a
 * type the server listed, preferring tls-exporter (RFC 9266) to
 * tls-server-end-point (RFC 5929) as XEP-0440 §"Security Considerations"
 * recommends.  Without XEP-0440 we guess: tls-exporter when the TLS layer
 * produced exporter data (it does so only on TLS 1.3), else
 * tls-server-end-point, which XEP-0440 makes mandatory for servers.
 */
static const char *
choose_cb_type (const XmppSaslOffer  *offer,
                GBytes              **cb_data)
{
  gboolean listed = offer->cb_types != NULL;

  *cb_data = NULL;
  if (!offer->tls)
    return NULL;

  if (has_data (offer->cb_exporter) &&
      (!listed || strv_has (offer->cb_types, CB_EXPORTER)))
    {
      *cb_data = offer->cb_exporter;
      return CB_EXPORTER;
    }
  if (has_data (offer->cb_endpoint) &&
      (!listed || strv_has (offer->cb_types, CB_ENDPOINT)))
    {
      *cb_data = offer->cb_endpoint;
      return CB_ENDPOINT;
    }
  return NULL;
}

XmppSasl *
xmpp_sasl_new_for_offer (const XmppSaslOffer  *offer,
                         const char           *authcid,
                         const char           *password,
                         GError              **error)
{
  const char *cb_type;
  GBytes *cb_data;
  GBytes *any_cb_data = NULL;

  g_return_val_if_fail (offer != NULL, NULL);
  g_return_val_if_fail (authcid != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  cb_type = choose_cb_type (offer, &cb_data);
  if (cb_type != NULL)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (scram_mechanisms); i++)
        {
          g_autofree char *plus = g_strconcat (scram_mechanisms[i], "-PLUS", NULL);

          if (strv_has (offer->mechanisms, plus))
            return xmpp_sasl_new (plus, authcid, password,
                                  cb_type, cb_data, offer, error);
        }
    }

  /* Plain SCRAM.  The channel-binding data is passed along only so that
   * xmpp_sasl_new() can decide between the "y" and "n" GS2 flags. */
  if (offer->tls)
    any_cb_data = has_data (offer->cb_exporter) ? offer->cb_exporter
                                                : offer->cb_endpoint;
  for (gsize i = 0; i < G_N_ELEMENTS (scram_mechanisms); i++)
    {
      if (strv_has (offer->mechanisms, scram_mechanisms[i]))
        return xmpp_sasl_new (scram_mechanisms[i], authcid, password,
                              NULL, any_cb_data, offer, error);
    }

  if (strv_has (offer->mechanisms, "PLAIN"))
    {
      /* RFC 6120 §13.8.3 and XEP-0474 §"Business Rules": PLAIN only when
       * the server cannot do SCRAM at all, never next to a SCRAM a MITM
       * could have made unusable, and never in the clear. */
      if (offer_has_any_scram (offer))
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM,
                       "The server offers SCRAM only with channel binding "
                       "this connection cannot provide; PLAIN is not used "
                       "instead");
          return NULL;
        }
      if (!offer->tls)
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM,
                       "The server offers only PLAIN, which would send the "
                       "password over an unencrypted connection");
          return NULL;
        }
      return xmpp_sasl_new ("PLAIN", authcid, password, NULL, NULL, offer, error);
    }

  g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM,
               "The server offers no supported authentication mechanism");
  return NULL;
}

static gboolean
validate_credentials (const char  *authcid,
                      const char  *password,
                      GError     **error)
{
  if (*authcid == '\0' || !g_utf8_validate (authcid, -1, NULL))
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_FAILURE,
                   "The username is empty or not valid UTF-8");
      return FALSE;
    }
  /* A C string cannot hold NUL, so the RFC 4616 separators are safe here;
   * invalid UTF-8 is refused for both mechanisms. */
  if (!g_utf8_validate (password, -1, NULL))
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_FAILURE,
                   "The password is not valid UTF-8");
      return FALSE;
    }
  return TRUE;
}

/*
 * XEP-0440 rule 5 as amended by XEP-0474 §"Business Rules" (new rule 6):
 * the server offers -PLUS and lists channel-binding types, we can use none
 * of them, and tls-server-end-point (mandatory for servers) is missing.
 * That looks like a MITM editing the type list, so we go on with "n" only
 * as far as the server-first-message and require its XEP-0474 hash.
 */
static gboolean
needs_ssdp (const XmppSaslOffer *offer,
            gboolean             plus)
{
  return offer != NULL && !plus && offer_has_plus (offer) &&
         offer->cb_types != NULL && !strv_has (offer->cb_types, CB_ENDPOINT);
}

static XmppSasl *
new_scram (const char           *mechanism,
           GChecksumType         hash,
           gboolean              plus,
           const char           *authcid,
           const char           *password,
           const char           *cb_type,
           GBytes               *cb_data,
           const XmppSaslOffer  *offer,
           GError              **error)
{
  XmppSasl *self;
  char gs2_flag;
  char *prepped;

  if (plus)
    {
      if (g_strcmp0 (cb_type, CB_EXPORTER) != 0 &&
          g_strcmp0 (cb_type, CB_ENDPOINT) != 0)
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM,
                       "%s needs a supported channel-binding type", mechanism);
          return NULL;
        }
      if (!has_data (cb_data))
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM,
                       "%s needs channel-binding data", mechanism);
          return NULL;
        }
      gs2_flag = 'p';
    }
  else if (has_data (cb_data) && !offer_has_plus (offer))
    {
      /* RFC 5802 §6: "y" says we could bind but believe the server cannot,
       * so a server that does support it detects -PLUS being stripped. */
      gs2_flag = 'y';
    }
  else
    {
      /* No data, or the server offers -PLUS with no type we can use
       * (XEP-0440 §4 and XEP-0474 new rule 6 ask for "n" then). */
      gs2_flag = 'n';
    }

  prepped = xmpp_sasl_scram_saslprep (password, error);
  if (prepped == NULL)
    return NULL;

  self = g_new0 (XmppSasl, 1);
  self->kind = KIND_SCRAM;
  self->state = STATE_START;
  self->mechanism = g_strdup (mechanism);
  self->authcid = g_strdup (authcid);
  self->password = prepped;
  self->scram = xmpp_sasl_scram_new (hash, gs2_flag,
                                     plus ? cb_type : NULL,
                                     plus ? cb_data : NULL,
                                     offer != NULL ? xmpp_sasl_ssdp_hash (offer, hash) : NULL,
                                     needs_ssdp (offer, plus));
  return self;
}

XmppSasl *
xmpp_sasl_new (const char           *mechanism,
               const char           *authcid,
               const char           *password,
               const char           *cb_type,
               GBytes               *cb_data,
               const XmppSaslOffer  *offer,
               GError              **error)
{
  GChecksumType hash;
  gboolean plus;

  g_return_val_if_fail (mechanism != NULL, NULL);
  g_return_val_if_fail (authcid != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_credentials (authcid, password, error))
    return NULL;

  if (xmpp_sasl_scram_parse_mechanism (mechanism, &hash, &plus))
    return new_scram (mechanism, hash, plus, authcid, password,
                      cb_type, cb_data, offer, error);

  if (strcmp (mechanism, "PLAIN") == 0)
    {
      XmppSasl *self;

      if (offer != NULL && !offer->tls)
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM,
                       "PLAIN is refused on an unencrypted connection");
          return NULL;
        }
      self = g_new0 (XmppSasl, 1);
      self->kind = KIND_PLAIN;
      self->state = STATE_START;
      self->mechanism = g_strdup (mechanism);
      self->authcid = g_strdup (authcid);
      self->password = g_strdup (password);
      return self;
    }

  g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM,
               "Unsupported SASL mechanism");
  return NULL;
}

void
xmpp_sasl_free (XmppSasl *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->password, xmpp_sasl_free_secret);
  g_clear_pointer (&self->scram, xmpp_sasl_scram_free);
  g_free (self->mechanism);
  g_free (self->authcid);
  g_free (self);
}

const char *
xmpp_sasl_get_mechanism (const XmppSasl *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->mechanism;
}

void
xmpp_sasl_set_client_nonce (XmppSasl   *self,
                            const char *nonce)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (nonce != NULL);
  g_return_if_fail (self->state == STATE_START);

  if (self->kind == KIND_SCRAM)
    xmpp_sasl_scram_set_client_nonce (self->scram, nonce);
}

void
xmpp_sasl_set_max_iterations (XmppSasl *self,
                              guint     max_iterations)
{
  g_return_if_fail (self != NULL);

  if (self->kind == KIND_SCRAM)
    xmpp_sasl_scram_set_max_iterations (self->scram, max_iterations);
}

/* The GBytes of a PLAIN response holds the password; wipe it on release. */
typedef struct
{
  gsize  len;
  guint8 data[];
} Secret;

static void
secret_free (gpointer data)
{
  Secret *secret = data;

  xmpp_sasl_wipe (secret->data, secret->len);
  g_free (secret);
}

/* RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd.  We
 * never send an authzid: the account acts as itself. */
static GBytes *
plain_message (XmppSasl *self)
{
  gsize user_len = strlen (self->authcid);
  gsize pass_len = strlen (self->password);
  gsize len = 1 + user_len + 1 + pass_len;
  Secret *secret = g_malloc (sizeof (Secret) + len);

  secret->len = len;
  secret->data[0] = '\0';
  memcpy (secret->data + 1, self->authcid, user_len);
  secret->data[1 + user_len] = '\0';
  memcpy (secret->data + 2 + user_len, self->password, pass_len);
  return g_bytes_new_with_free_func (secret->data, len, secret_free, secret);
}

static gboolean
fail (XmppSasl *self)
{
  self->state = STATE_FAILED;
  g_clear_pointer (&self->password, xmpp_sasl_free_secret);
  return FALSE;
}

GBytes *
xmpp_sasl_initial (XmppSasl  *self,
                   GError   **error)
{
  GBytes *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->state == STATE_START, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->kind == KIND_PLAIN)
    {
      out = plain_message (self);
      g_clear_pointer (&self->password, xmpp_sasl_free_secret);
      self->state = STATE_WAIT_SUCCESS;
      return out;
    }

  out = xmpp_sasl_scram_client_first (self->scram, self->authcid, error);
  if (out == NULL)
    {
      fail (self);
      return NULL;
    }
  self->state = STATE_WAIT_CHALLENGE;
  return out;
}

GBytes *
xmpp_sasl_step (XmppSasl  *self,
                GBytes    *challenge,
                GError   **error)
{
  GBytes *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (challenge != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->kind == KIND_SCRAM && self->state == STATE_WAIT_CHALLENGE)
    {
      out = xmpp_sasl_scram_client_final (self->scram, self->password,
                                          challenge, error);
      /* The password is not needed after the client-final-message. */
      g_clear_pointer (&self->password, xmpp_sasl_free_secret);
      if (out == NULL)
        {
          fail (self);
          return NULL;
        }
      self->state = STATE_WAIT_SUCCESS;
      return out;
    }

  if (self->kind == KIND_SCRAM && self->state == STATE_WAIT_SUCCESS &&
      !self->verified)
    {
      /* RFC 6120 §6.3.10 allows the server-final-message to come in a
       * <challenge/>, answered by an empty <response/>, before an empty
       * <success/>. */
      if (!xmpp_sasl_scram_server_final (self->scram, challenge, error))
        {
          fail (self);
          return NULL;
        }
      self->verified = TRUE;
      return g_bytes_new (NULL, 0);
    }

  g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL,
               "Unexpected SASL challenge for %s", self->mechanism);
  fail (self);
  return NULL;
}

static gboolean
is_empty (GBytes *bytes)
{
  return bytes == NULL || g_bytes_get_size (bytes) == 0;
}

gboolean
xmpp_sasl_verify_success (XmppSasl  *self,
                          GBytes    *additional,
                          GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->kind == KIND_SCRAM && self->state == STATE_WAIT_CHALLENGE)
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                   "The server claimed success before the SCRAM exchange "
                   "was complete");
      return fail (self);
    }

  if (self->state != STATE_WAIT_SUCCESS)
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL,
                   "Unexpected SASL success");
      return fail (self);
    }

  if (self->kind == KIND_PLAIN)
    {
      if (!is_empty (additional))
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL,
                       "Unexpected data with PLAIN success");
          return fail (self);
        }
      self->state = STATE_DONE;
      return TRUE;
    }

  if (is_empty (additional))
    {
      if (!self->verified)
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                       "The server did not prove that it knows the password");
          return fail (self);
        }
    }
  else if (!xmpp_sasl_scram_server_final (self->scram, additional, error))
    {
      return fail (self);
    }

  self->state = STATE_DONE;
  return TRUE;
}

/* i;octet (RFC 4790 §9.3): strcmp() compares as unsigned char. */
static int
compare_octets (gconstpointer a,
                gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
append_sorted (GString            *s,
               const char * const *list)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  for (gsize i = 0; list != NULL && list[i] != NULL; i++)
    g_ptr_array_add (sorted, (gpointer) list[i]);
  g_ptr_array_sort (sorted, compare_octets);

  for (guint i = 0; i < sorted->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, '\x1e');
      g_string_append (s, g_ptr_array_index (sorted, i));
    }
}

char *
xmpp_sasl_ssdp_hash (const XmppSaslOffer *offer,
                     GChecksumType        hash)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[64];
  gsize len = sizeof digest;

  g_return_val_if_fail (offer != NULL, NULL);

  append_sorted (s, offer->mechanisms);
  if (offer->cb_types != NULL)
    {
      g_string_append_c (s, '\x1f');
      append_sorted (s, offer->cb_types);
    }

  checksum = g_checksum_new (hash);
  g_return_val_if_fail (checksum != NULL, NULL);
  g_checksum_update (checksum, (const guchar *) s->str, s->len);
  g_checksum_get_digest (checksum, digest, &len);
  return g_base64_encode (digest, len);
}
