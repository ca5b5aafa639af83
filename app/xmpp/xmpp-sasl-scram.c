/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SCRAM (RFC 5802) with SHA-1, SHA-256 (RFC 7677) and SHA-512, with and
 * without channel binding (tls-exporter, RFC 9266; tls-server-end-point,
 * RFC 5929), and the client side of XEP-0474 (SASL SCRAM Downgrade
 * Protection, version 0.5.0).
 *
 *   client-first  = gs2-header client-first-bare
 *   server-first  = [m=…,] r=cnonce+snonce, s=salt, i=count [, h=ssdp] [, ext]
 *   client-final  = c=base64(gs2-header + cb-data), r=…, p=proof
 *   server-final  = e=error / v=ServerSignature [, ext]
 *
 * Every server message is parsed strictly against the RFC 5802 §7 grammar
 * (attribute order, base64 alphabet, number syntax); anything else is
 * XMPP_SASL_ERROR_PROTOCOL.  No function here logs message contents.
 */
#define G_LOG_DOMAIN "xmpp-sasl"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "xmpp-sasl-private.h"

/* Server messages are a few hundred bytes; anything this large is hostile. */
#define MAX_MESSAGE_SIZE 16384
/* Keep a server's e= text short enough for an error banner. */
#define MAX_REASON_CHARS 64
/* 24 random bytes give a 32-character base64 nonce without padding. */
#define NONCE_BYTES 24
#define MAX_DIGEST 64

struct _XmppSaslScram
{
  GChecksumType hash;
  gsize         digest_len;
  char          gs2_flag;
  char         *cb_type;
  GBytes       *cb_data;
  char         *ssdp_expected;
  gboolean      ssdp_required;
  guint         max_iterations;
  char         *client_nonce;
  char         *client_first_bare;
  char         *gs2_header;
  /* The ServerSignature we expect in v=, computed with the proof. */
  guint8        server_signature[MAX_DIGEST];
  gboolean      have_server_signature;
};

gboolean
xmpp_sasl_scram_parse_mechanism (const char    *mechanism,
                                 GChecksumType *hash,
                                 gboolean      *plus)
{
  static const struct
  {
    const char   *name;
    GChecksumType hash;
  } table[] = {
    { "SCRAM-SHA-1", G_CHECKSUM_SHA1 },
    { "SCRAM-SHA-256", G_CHECKSUM_SHA256 },
    { "SCRAM-SHA-512", G_CHECKSUM_SHA512 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      gsize len = strlen (table[i].name);

      if (strncmp (mechanism, table[i].name, len) != 0)
        continue;
      if (mechanism[len] == '\0' || strcmp (mechanism + len, "-PLUS") == 0)
        {
          *hash = table[i].hash;
          *plus = mechanism[len] != '\0';
          return TRUE;
        }
    }
  return FALSE;
}

char *
xmpp_sasl_scram_escape_username (const char *authcid)
{
  GString *out;

  g_return_val_if_fail (authcid != NULL, NULL);

  out = g_string_sized_new (strlen (authcid));
  for (const char *p = authcid; *p != '\0'; p++)
    {
      if (*p == '=')
        g_string_append (out, "=3D");
      else if (*p == ',')
        g_string_append (out, "=2C");
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* RFC 3454 table B.1, "commonly mapped to nothing". */
static gboolean
is_mapped_to_nothing (gunichar c)
{
  return c == 0x00AD || c == 0x034F || c == 0x1806 ||
         (c >= 0x180B && c <= 0x180D) ||
         (c >= 0x200B && c <= 0x200D) || c == 0x2060 ||
         (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
}

/* RFC 3454 table C.1.2, non-ASCII space characters. */
static gboolean
is_non_ascii_space (gunichar c)
{
  return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

/* RFC 4013 §2.3 prohibited output: C.2.1/C.2.2 controls, C.3 private use,
 * C.4 non-characters, C.8 display-changing, C.9 tagging.  (C.5 surrogates
 * cannot occur in valid UTF-8; C.6, C.7 are covered by the ranges below
 * or harmless to a password.) */
static gboolean
is_prohibited (gunichar c)
{
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) ||
         c == 0x06DD || c == 0x070F || c == 0x180E ||
         (c >= 0x200C && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x2063) || (c >= 0x206A && c <= 0x206F) ||
         c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC) ||
         (c >= 0x1D173 && c <= 0x1D17A) ||
         (c >= 0xE000 && c <= 0xF8FF) || (c >= 0xF0000) ||
         (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE ||
         c == 0x0340 || c == 0x0341 ||
         c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F);
}

char *
xmpp_sasl_scram_saslprep (const char  *password,
                          GError     **error)
{
  gboolean ascii = TRUE;
  GString *mapped;
  char *normalized;

  g_return_val_if_fail (password != NULL, NULL);

  for (const char *p = password; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c < 0x20 || c == 0x7F)
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_FAILURE,
                       "The password contains a control character");
          return NULL;
        }
      if (c >= 0x80)
        ascii = FALSE;
    }
  /* Printable ASCII is its own SASLprep output; this path makes no
   * intermediate copies that could not be wiped. */
  if (ascii)
    return g_strdup (password);

  mapped = g_string_sized_new (strlen (password));
  for (const char *p = password; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_mapped_to_nothing (c))
        continue;
      g_string_append_unichar (mapped, is_non_ascii_space (c) ? ' ' : c);
    }
  normalized = g_utf8_normalize (mapped->str, mapped->len, G_NORMALIZE_NFKC);
  xmpp_sasl_wipe (mapped->str, mapped->len);
  g_string_free (mapped, TRUE);

  if (normalized == NULL)
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_FAILURE,
                   "The password cannot be normalised");
      return NULL;
    }
  for (const char *p = normalized; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (is_prohibited (g_utf8_get_char (p)))
        {
          xmpp_sasl_free_secret (normalized);
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_FAILURE,
                       "The password contains a character SASLprep prohibits");
          return NULL;
        }
    }
  return normalized;
}

XmppSaslScram *
xmpp_sasl_scram_new (GChecksumType  hash,
                     char           gs2_flag,
                     const char    *cb_type,
                     GBytes        *cb_data,
                     char          *ssdp_expected,
                     gboolean       ssdp_required)
{
  XmppSaslScram *self;

  g_return_val_if_fail (gs2_flag == 'p' || gs2_flag == 'y' || gs2_flag == 'n', NULL);
  g_return_val_if_fail (gs2_flag != 'p' || (cb_type != NULL && cb_data != NULL), NULL);

  self = g_new0 (XmppSaslScram, 1);
  self->hash = hash;
  self->digest_len = g_checksum_type_get_length (hash);
  g_assert (self->digest_len > 0 && self->digest_len <= MAX_DIGEST);
  self->gs2_flag = gs2_flag;
  self->cb_type = g_strdup (cb_type);
  self->cb_data = cb_data != NULL ? g_bytes_ref (cb_data) : NULL;
  self->ssdp_expected = ssdp_expected;
  self->ssdp_required = ssdp_required;
  self->max_iterations = XMPP_SASL_SCRAM_MAX_ITERATIONS;

  if (gs2_flag == 'p')
    self->gs2_header = g_strdup_printf ("p=%s,,", cb_type);
  else
    self->gs2_header = g_strdup_printf ("%c,,", gs2_flag);
  return self;
}

void
xmpp_sasl_scram_free (XmppSaslScram *self)
{
  if (self == NULL)
    return;
  xmpp_sasl_wipe (self->server_signature, sizeof self->server_signature);
  g_free (self->cb_type);
  g_clear_pointer (&self->cb_data, g_bytes_unref);
  g_free (self->ssdp_expected);
  g_free (self->client_nonce);
  g_free (self->client_first_bare);
  g_free (self->gs2_header);
  g_free (self);
}

/* RFC 5802 §7: printable = %x21-2B / %x2D-7E, i.e. visible ASCII but ','. */
static gboolean
is_printable (const char *s,
              gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (s[i] < 0x21 || s[i] > 0x7E || s[i] == ',')
      return FALSE;
  return TRUE;
}

void
xmpp_sasl_scram_set_client_nonce (XmppSaslScram *self,
                                  const char    *nonce)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (nonce != NULL && *nonce != '\0');
  g_return_if_fail (is_printable (nonce, strlen (nonce)));
  g_return_if_fail (self->client_first_bare == NULL);

  g_free (self->client_nonce);
  self->client_nonce = g_strdup (nonce);
}

void
xmpp_sasl_scram_set_max_iterations (XmppSaslScram *self,
                                    guint          max_iterations)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_iterations >= 1);

  self->max_iterations = max_iterations;
}

/* The nonce must be unpredictable (RFC 5802 §5.1), so it comes from the
 * kernel CSPRNG, not from g_random. */
static gboolean
fill_random (guint8  *buf,
             gsize    len,
             GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_FAILURE,
                       "Cannot get random bytes for the SCRAM nonce: %s",
                       g_strerror (saved));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

GBytes *
xmpp_sasl_scram_client_first (XmppSaslScram  *self,
                              const char     *authcid,
                              GError        **error)
{
  g_autofree char *username = NULL;
  char *message;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (authcid != NULL, NULL);
  g_return_val_if_fail (self->client_first_bare == NULL, NULL);

  if (self->client_nonce == NULL)
    {
      guint8 random[NONCE_BYTES];

      if (!fill_random (random, sizeof random, error))
        return NULL;
      self->client_nonce = g_base64_encode (random, sizeof random);
      xmpp_sasl_wipe (random, sizeof random);
    }

  /* RFC 5802 §5.1: the authzid is omitted; the account acts as itself. */
  username = xmpp_sasl_scram_escape_username (authcid);
  self->client_first_bare = g_strdup_printf ("n=%s,r=%s", username,
                                             self->client_nonce);
  message = g_strconcat (self->gs2_header, self->client_first_bare, NULL);
  return g_bytes_new_take (message, strlen (message));
}

/* ------------------------------------------------------------------ */
/* Parsing                                                              */

static gboolean
protocol_error (GError     **error,
                const char  *what)
{
  g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL,
               "Malformed SCRAM message: %s", what);
  return FALSE;
}

/*
 * Checks the common shape of a server message and splits it into
 * attributes, each "a=value" with an ASCII letter and a non-empty value
 * (RFC 5802 §7: attr-val = ALPHA "=" value; value = 1*value-char).  The
 * message must be UTF-8 without NUL.  Returns a NUL-terminated copy in
 * @text (used verbatim in AuthMessage) and the split in @attrs.
 */
static gboolean
split_message (GBytes   *bytes,
               char    **text,
               char   ***attrs,
               GError  **error)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_auto(GStrv) parts = NULL;

  if (len == 0)
    return protocol_error (error, "empty");
  if (len > MAX_MESSAGE_SIZE)
    return protocol_error (error, "too long");
  if (memchr (data, '\0', len) != NULL)
    return protocol_error (error, "contains NUL");
  if (!g_utf8_validate_len (data, len, NULL))
    return protocol_error (error, "not UTF-8");

  *text = g_strndup (data, len);
  parts = g_strsplit (*text, ",", -1);
  for (gsize i = 0; parts[i] != NULL; i++)
    {
      const char *p = parts[i];

      if (!g_ascii_isalpha (p[0]) || p[1] != '=' || p[2] == '\0')
        {
          g_clear_pointer (text, g_free);
          return protocol_error (error, "bad attribute");
        }
    }
  *attrs = g_steal_pointer (&parts);
  return TRUE;
}

/*
 * Strict RFC 4648 §4 base64: the standard alphabet, length a multiple of
 * four, '=' only as final padding.  g_base64_decode() skips invalid
 * characters silently, so it runs only on text checked here.
 */
static GBytes *
base64_decode_strict (const char *text)
{
  gsize len = strlen (text);
  gsize pad = 0;
  guchar *data;
  gsize out_len;

  if (len == 0 || len % 4 != 0)
    return NULL;
  if (text[len - 1] == '=')
    pad = text[len - 2] == '=' ? 2 : 1;
  for (gsize i = 0; i < len - pad; i++)
    {
      char c = text[i];

      if (!g_ascii_isalnum (c) && c != '+' && c != '/')
        return NULL;
    }

  data = g_base64_decode (text, &out_len);
  return g_bytes_new_take (data, out_len);
}

/* RFC 5802 §7: posit-number = %x31-39 *DIGIT. */
static gboolean
parse_iterations (const char *text,
                  guint       max,
                  guint      *out,
                  GError    **error)
{
  guint64 value = 0;

  if (text[0] < '1' || text[0] > '9')
    return protocol_error (error, "iteration count is not a positive number");
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return protocol_error (error, "iteration count is not a positive number");
      value = value * 10 + (guint64) (*p - '0');
      if (value > max)
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL,
                       "Malformed SCRAM message: iteration count above %u", max);
          return FALSE;
        }
    }
  *out = (guint) value;
  return TRUE;
}

static gboolean
equal_ct (const guint8 *a,
          const guint8 *b,
          gsize         len)
{
  volatile guint8 diff = 0;

  for (gsize i = 0; i < len; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

/*
 * RFC 5802 §7 server-error (and errata 5271, which allows it in the
 * server-first-message too).  The reason is the server's text: keep it
 * short and printable before it reaches a banner or a log.
 */
static gboolean
server_error (const char  *reason,
              GError     **error)
{
  /* g_utf8_substring() does not stop at the NUL: clamp the end first. */
  glong chars = MIN (g_utf8_strlen (reason, -1), MAX_REASON_CHARS);
  g_autofree char *clipped = g_utf8_substring (reason, 0, chars);
  XmppSaslError code = XMPP_SASL_ERROR_FAILURE;

  for (char *p = clipped; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7F)
      *p = '?';

  if (strcmp (reason, "invalid-proof") == 0 ||
      strcmp (reason, "unknown-user") == 0)
    code = XMPP_SASL_ERROR_NOT_AUTHORIZED;

  g_set_error (error, XMPP_SASL_ERROR, code,
               "The server refused authentication: %s", clipped);
  return FALSE;
}

typedef struct
{
  const char *nonce;
  GBytes     *salt;
  guint       iterations;
  const char *ssdp;
} ServerFirst;

static gboolean
parse_server_first (XmppSaslScram  *self,
                    char          **attrs,
                    ServerFirst    *sf,
                    GError        **error)
{
  gsize i = 0;
  gsize cnonce_len = strlen (self->client_nonce);

  /* reserved-mext: a mandatory extension we cannot know (RFC 5802 §5.1). */
  if (attrs[0] != NULL && attrs[0][0] == 'm')
    return protocol_error (error, "mandatory extension not supported");
  if (attrs[0] != NULL && attrs[0][0] == 'e')
    return server_error (attrs[0] + 2, error);

  if (attrs[i] == NULL || attrs[i][0] != 'r')
    return protocol_error (error, "missing nonce");
  sf->nonce = attrs[i++] + 2;
  if (!is_printable (sf->nonce, strlen (sf->nonce)))
    return protocol_error (error, "nonce is not printable");
  /* The server part must be present (RFC 5802 errata 2651: 1*printable). */
  if (strncmp (sf->nonce, self->client_nonce, cnonce_len) != 0 ||
      sf->nonce[cnonce_len] == '\0')
    return protocol_error (error, "nonce does not extend ours");

  if (attrs[i] == NULL || attrs[i][0] != 's')
    return protocol_error (error, "missing salt");
  sf->salt = base64_decode_strict (attrs[i++] + 2);
  if (sf->salt == NULL || g_bytes_get_size (sf->salt) == 0)
    return protocol_error (error, "salt is not base64");

  if (attrs[i] == NULL || attrs[i][0] != 'i')
    return protocol_error (error, "missing iteration count");
  if (!parse_iterations (attrs[i++] + 2, self->max_iterations,
                         &sf->iterations, error))
    return FALSE;

  /* Optional extensions; XEP-0474 defines "h". */
  for (; attrs[i] != NULL; i++)
    {
      if (attrs[i][0] != 'h')
        continue;
      if (sf->ssdp != NULL)
        return protocol_error (error, "duplicate downgrade-protection hash");
      sf->ssdp = attrs[i] + 2;
    }
  return TRUE;
}

/* XEP-0474 §"Client Verifies The Downgrade Protection Hash". */
static gboolean
check_ssdp (XmppSaslScram  *self,
            const char     *ssdp,
            GError        **error)
{
  if (ssdp == NULL)
    {
      if (!self->ssdp_required)
        return TRUE;
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_DOWNGRADE,
                   "The server offered channel binding only of unusable "
                   "types and did not prove the offer with XEP-0474");
      return FALSE;
    }

  /* Without the offer (explicit mechanism in a test) there is nothing to
   * compare against. */
  if (self->ssdp_expected == NULL)
    return TRUE;

  if (strlen (ssdp) != strlen (self->ssdp_expected) ||
      !equal_ct ((const guint8 *) ssdp, (const guint8 *) self->ssdp_expected,
                 strlen (ssdp)))
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_DOWNGRADE,
                   "The mechanisms or channel-binding types were altered "
                   "on the way from the server (XEP-0474)");
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Keys                                                                 */

static void
hmac (GChecksumType  type,
      const guint8  *key,
      gsize          key_len,
      const void    *data,
      gsize          data_len,
      guint8        *out,
      gsize          out_len)
{
  GHmac *h = g_hmac_new (type, key, key_len);
  gsize len = out_len;

  g_hmac_update (h, data, data_len);
  g_hmac_get_digest (h, out, &len);
  g_assert (len == out_len);
  g_hmac_unref (h);
}

/* RFC 5802 §2.2 Hi() is PBKDF2 (RFC 8018) with HMAC-H and dkLen = hLen, so
 * one block: U1 = HMAC(str, salt + INT(1)), Ui = HMAC(str, Ui-1), XORed. */
static void
hi (GChecksumType  type,
    gsize          dlen,
    const char    *password,
    GBytes        *salt,
    guint          iterations,
    guint8        *out)
{
  static const guint8 int1[4] = { 0, 0, 0, 1 };
  GHmac *keyed = g_hmac_new (type, (const guchar *) password, strlen (password));
  guint8 u[MAX_DIGEST];
  GHmac *h;
  gsize len = dlen;

  h = g_hmac_copy (keyed);
  g_hmac_update (h, g_bytes_get_data (salt, NULL), g_bytes_get_size (salt));
  g_hmac_update (h, int1, sizeof int1);
  g_hmac_get_digest (h, u, &len);
  g_hmac_unref (h);
  memcpy (out, u, dlen);

  for (guint i = 1; i < iterations; i++)
    {
      h = g_hmac_copy (keyed);
      g_hmac_update (h, u, dlen);
      len = dlen;
      g_hmac_get_digest (h, u, &len);
      g_hmac_unref (h);
      for (gsize j = 0; j < dlen; j++)
        out[j] ^= u[j];
    }
  xmpp_sasl_wipe (u, sizeof u);
  g_hmac_unref (keyed);
}

static char *
channel_binding_attr (XmppSaslScram *self)
{
  GByteArray *input = g_byte_array_new ();
  char *encoded;

  g_byte_array_append (input, (const guint8 *) self->gs2_header,
                       strlen (self->gs2_header));
  if (self->gs2_flag == 'p')
    g_byte_array_append (input, g_bytes_get_data (self->cb_data, NULL),
                         g_bytes_get_size (self->cb_data));
  encoded = g_base64_encode (input->data, input->len);
  g_byte_array_unref (input);
  return encoded;
}

GBytes *
xmpp_sasl_scram_client_final (XmppSaslScram  *self,
                              const char     *password,
                              GBytes         *server_first,
                              GError        **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) attrs = NULL;
  ServerFirst sf = { NULL, };
  g_autofree char *cbind = NULL;
  g_autofree char *without_proof = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *proof_b64 = NULL;
  guint8 salted[MAX_DIGEST], client_key[MAX_DIGEST], stored_key[MAX_DIGEST];
  guint8 client_sig[MAX_DIGEST], server_key[MAX_DIGEST], proof[MAX_DIGEST];
  gsize dlen = self->digest_len;
  gsize len = dlen;
  GChecksum *checksum;
  char *message;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (server_first != NULL, NULL);
  g_return_val_if_fail (self->client_first_bare != NULL, NULL);
  g_return_val_if_fail (!self->have_server_signature, NULL);

  if (!split_message (server_first, &text, &attrs, error))
    return NULL;
  if (!parse_server_first (self, attrs, &sf, error) ||
      !check_ssdp (self, sf.ssdp, error))
    {
      g_clear_pointer (&sf.salt, g_bytes_unref);
      return NULL;
    }

  cbind = channel_binding_attr (self);
  without_proof = g_strdup_printf ("c=%s,r=%s", cbind, sf.nonce);
  auth_message = g_strjoin (",", self->client_first_bare, text, without_proof, NULL);

  /* RFC 5802 §3. */
  hi (self->hash, dlen, password, sf.salt, sf.iterations, salted);
  g_clear_pointer (&sf.salt, g_bytes_unref);
  hmac (self->hash, salted, dlen, "Client Key", strlen ("Client Key"),
        client_key, dlen);
  checksum = g_checksum_new (self->hash);
  g_checksum_update (checksum, client_key, dlen);
  g_checksum_get_digest (checksum, stored_key, &len);
  g_checksum_free (checksum);
  hmac (self->hash, stored_key, dlen, auth_message, strlen (auth_message),
        client_sig, dlen);
  for (gsize i = 0; i < dlen; i++)
    proof[i] = client_key[i] ^ client_sig[i];
  hmac (self->hash, salted, dlen, "Server Key", strlen ("Server Key"),
        server_key, dlen);
  hmac (self->hash, server_key, dlen, auth_message, strlen (auth_message),
        self->server_signature, dlen);
  self->have_server_signature = TRUE;

  proof_b64 = g_base64_encode (proof, dlen);
  xmpp_sasl_wipe (salted, sizeof salted);
  xmpp_sasl_wipe (client_key, sizeof client_key);
  xmpp_sasl_wipe (stored_key, sizeof stored_key);
  xmpp_sasl_wipe (client_sig, sizeof client_sig);
  xmpp_sasl_wipe (server_key, sizeof server_key);
  xmpp_sasl_wipe (proof, sizeof proof);

  message = g_strconcat (without_proof, ",p=", proof_b64, NULL);
  return g_bytes_new_take (message, strlen (message));
}

gboolean
xmpp_sasl_scram_server_final (XmppSaslScram  *self,
                              GBytes         *server_final,
                              GError        **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) attrs = NULL;
  g_autoptr(GBytes) verifier = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (server_final != NULL, FALSE);

  if (!self->have_server_signature)
    return protocol_error (error, "server-final-message before server-first-message");
  if (!split_message (server_final, &text, &attrs, error))
    return FALSE;

  /* server-final-message = (server-error / verifier) ["," extensions] */
  if (attrs[0][0] == 'e')
    return server_error (attrs[0] + 2, error);
  if (attrs[0][0] != 'v')
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                   "The server did not prove that it knows the password");
      return FALSE;
    }

  verifier = base64_decode_strict (attrs[0] + 2);
  if (verifier == NULL)
    return protocol_error (error, "server signature is not base64");
  if (g_bytes_get_size (verifier) != self->digest_len ||
      !equal_ct (g_bytes_get_data (verifier, NULL), self->server_signature,
                 self->digest_len))
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                   "The server signature is wrong: the server does not know "
                   "the password, or someone is in the middle");
      return FALSE;
    }
  return TRUE;
}
