/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for app/xmpp/xmpp-sasl.c and xmpp-sasl-scram.c: the RFC 5802 and
 * RFC 7677 vectors, a SHA-512 round trip against a server written here from
 * RFC 5802 §3 (it shares no code with the client), the mechanism choice,
 * PLAIN, XEP-0474 and every kind of malformed server message.
 */
#define G_LOG_DOMAIN "test-sasl"

#include <string.h>

#include "xmpp-sasl-private.h"

static GBytes *
str_bytes (const char *s)
{
  return g_bytes_new (s, strlen (s));
}

static char *
bytes_str (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

static void
assert_bytes_eq (GBytes     *bytes,
                 const char *expected)
{
  g_autofree char *s = bytes_str (bytes);

  g_assert_cmpuint (g_bytes_get_size (bytes), ==, strlen (expected));
  g_assert_cmpstr (s, ==, expected);
}

/* ------------------------------------------------------------------ */
/* A server, from RFC 5802 §3, sharing nothing with the client code.    */

typedef struct
{
  GChecksumType hash;
  const char   *password;
  const char   *salt_b64;
  guint         iterations;
  const char   *snonce;
  const char   *extra;        /* appended to the server-first-message */
  GBytes       *cb_data;      /* expected channel-binding data, or NULL */
  gboolean      tamper_sig;   /* send a wrong v= */
  char         *client_first_bare;
  char         *gs2_header;
  char         *server_first;
} FakeServer;

static void
fake_server_clear (FakeServer *fs)
{
  g_clear_pointer (&fs->client_first_bare, g_free);
  g_clear_pointer (&fs->gs2_header, g_free);
  g_clear_pointer (&fs->server_first, g_free);
}

static gsize
digest_len (GChecksumType hash)
{
  return (gsize) g_checksum_type_get_length (hash);
}

static void
test_hmac (GChecksumType  hash,
           const guint8  *key,
           gsize          key_len,
           const void    *data,
           gsize          data_len,
           guint8        *out)
{
  g_autoptr(GHmac) h = g_hmac_new (hash, key, key_len);
  gsize len = digest_len (hash);

  g_hmac_update (h, data, data_len);
  g_hmac_get_digest (h, out, &len);
}

/* PBKDF2 straight from RFC 8018 §5.2 with one block. */
static void
test_pbkdf2 (GChecksumType  hash,
             const char    *password,
             const guint8  *salt,
             gsize          salt_len,
             guint          iterations,
             guint8        *out)
{
  gsize dlen = digest_len (hash);
  g_autofree guint8 *first = g_malloc (salt_len + 4);
  guint8 u[64];

  memcpy (first, salt, salt_len);
  memcpy (first + salt_len, "\0\0\0\1", 4);
  test_hmac (hash, (const guint8 *) password, strlen (password),
             first, salt_len + 4, u);
  memcpy (out, u, dlen);
  for (guint i = 1; i < iterations; i++)
    {
      guint8 next[64];

      test_hmac (hash, (const guint8 *) password, strlen (password), u, dlen, next);
      memcpy (u, next, dlen);
      for (gsize j = 0; j < dlen; j++)
        out[j] ^= u[j];
    }
}

static char *
fake_server_first (FakeServer *fs,
                   GBytes     *client_first)
{
  g_autofree char *msg = bytes_str (client_first);
  const char *bare;
  const char *r;

  /* gs2-header is everything up to the second comma. */
  bare = strchr (msg, ',');
  g_assert_nonnull (bare);
  bare = strchr (bare + 1, ',');
  g_assert_nonnull (bare);
  bare++;
  fs->gs2_header = g_strndup (msg, bare - msg);
  fs->client_first_bare = g_strdup (bare);

  r = strstr (bare, ",r=");
  g_assert_nonnull (r);
  fs->server_first = g_strdup_printf ("r=%s%s,s=%s,i=%u%s", r + 3, fs->snonce,
                                      fs->salt_b64, fs->iterations,
                                      fs->extra != NULL ? fs->extra : "");
  return g_strdup (fs->server_first);
}

static char *
fake_server_final (FakeServer *fs,
                   GBytes     *client_final)
{
  g_autofree char *msg = bytes_str (client_final);
  g_autofree char *without_proof = NULL;
  g_autofree char *auth = NULL;
  g_autofree guchar *salt = NULL;
  g_autofree guchar *proof = NULL;
  g_autofree guchar *cbind = NULL;
  g_autoptr(GByteArray) cbind_expected = g_byte_array_new ();
  g_autoptr(GChecksum) checksum = g_checksum_new (fs->hash);
  gsize dlen = digest_len (fs->hash);
  gsize salt_len, proof_len, cbind_len, len = dlen;
  guint8 salted[64], client_key[64], stored_key[64], stored_again[64];
  guint8 client_sig[64], server_key[64], server_sig[64];
  g_autofree char *encoded = NULL;
  const char *p;
  char *comma;

  /* c=…,r=…,p=… in this order (RFC 5802 §7). */
  g_assert_true (g_str_has_prefix (msg, "c="));
  p = strstr (msg, ",p=");
  g_assert_nonnull (p);
  without_proof = g_strndup (msg, p - msg);
  proof = g_base64_decode (p + 3, &proof_len);
  g_assert_cmpuint (proof_len, ==, dlen);

  comma = strchr (without_proof, ',');
  g_assert_nonnull (comma);
  *comma = '\0';
  cbind = g_base64_decode (without_proof + 2, &cbind_len);
  *comma = ',';
  g_byte_array_append (cbind_expected, (const guint8 *) fs->gs2_header,
                       strlen (fs->gs2_header));
  if (fs->cb_data != NULL)
    g_byte_array_append (cbind_expected, g_bytes_get_data (fs->cb_data, NULL),
                         g_bytes_get_size (fs->cb_data));
  g_assert_cmpmem (cbind, cbind_len, cbind_expected->data, cbind_expected->len);

  auth = g_strjoin (",", fs->client_first_bare, fs->server_first, without_proof, NULL);
  salt = g_base64_decode (fs->salt_b64, &salt_len);
  test_pbkdf2 (fs->hash, fs->password, salt, salt_len, fs->iterations, salted);
  test_hmac (fs->hash, salted, dlen, "Client Key", 10, client_key);
  g_checksum_update (checksum, client_key, dlen);
  g_checksum_get_digest (checksum, stored_key, &len);
  test_hmac (fs->hash, stored_key, dlen, auth, strlen (auth), client_sig);

  /* The server's check: H(proof XOR ClientSignature) == StoredKey. */
  for (gsize i = 0; i < dlen; i++)
    client_key[i] = proof[i] ^ client_sig[i];
  g_checksum_reset (checksum);
  g_checksum_update (checksum, client_key, dlen);
  len = dlen;
  g_checksum_get_digest (checksum, stored_again, &len);
  g_assert_cmpmem (stored_again, dlen, stored_key, dlen);

  test_hmac (fs->hash, salted, dlen, "Server Key", 10, server_key);
  test_hmac (fs->hash, server_key, dlen, auth, strlen (auth), server_sig);
  if (fs->tamper_sig)
    server_sig[0] ^= 1;
  encoded = g_base64_encode (server_sig, dlen);
  return g_strconcat ("v=", encoded, NULL);
}

/* Runs a whole exchange; returns whether verify_success() accepted it. */
static gboolean
run_exchange (XmppSasl    *sasl,
              FakeServer  *fs,
              GError     **error)
{
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) final = NULL;
  g_autoptr(GBytes) success = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *server_final = NULL;

  first = xmpp_sasl_initial (sasl, error);
  g_assert_nonnull (first);
  server_first = fake_server_first (fs, first);
  challenge = str_bytes (server_first);
  final = xmpp_sasl_step (sasl, challenge, error);
  if (final == NULL)
    return FALSE;
  server_final = fake_server_final (fs, final);
  success = str_bytes (server_final);
  return xmpp_sasl_verify_success (sasl, success, error);
}

/* ------------------------------------------------------------------ */
/* Vectors                                                              */

static void
test_rfc5802_scram_sha1_vector (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) final = NULL;
  g_autoptr(GBytes) success = NULL;

  sasl = xmpp_sasl_new ("SCRAM-SHA-1", "user", "pencil", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, "SCRAM-SHA-1");
  xmpp_sasl_set_client_nonce (sasl, "fyko+d2lbbFgONRv9qkxdawL");

  first = xmpp_sasl_initial (sasl, &error);
  g_assert_no_error (error);
  assert_bytes_eq (first, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");

  challenge = str_bytes ("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                         "s=QSXCR+Q6sek8bf92,i=4096");
  final = xmpp_sasl_step (sasl, challenge, &error);
  g_assert_no_error (error);
  assert_bytes_eq (final, "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                          "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");

  success = str_bytes ("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
  g_assert_true (xmpp_sasl_verify_success (sasl, success, &error));
  g_assert_no_error (error);
}

static void
test_rfc7677_scram_sha256_vector (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) final = NULL;
  g_autoptr(GBytes) success = NULL;

  sasl = xmpp_sasl_new ("SCRAM-SHA-256", "user", "pencil", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  xmpp_sasl_set_client_nonce (sasl, "rOprNGfwEbeRWgbNEkqO");

  first = xmpp_sasl_initial (sasl, &error);
  g_assert_no_error (error);
  assert_bytes_eq (first, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");

  challenge = str_bytes ("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                         "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  final = xmpp_sasl_step (sasl, challenge, &error);
  g_assert_no_error (error);
  assert_bytes_eq (final, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                          "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");

  success = str_bytes ("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  g_assert_true (xmpp_sasl_verify_success (sasl, success, &error));
  g_assert_no_error (error);
}

static void
test_scram_sha512_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = NULL;
  FakeServer fs = {
    .hash = G_CHECKSUM_SHA512, .password = "correct horse",
    .salt_b64 = "c2FsdHNhbHRzYWx0", .iterations = 4096, .snonce = "srv-nonce",
  };

  sasl = xmpp_sasl_new ("SCRAM-SHA-512", "juliet", "correct horse",
                        NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (run_exchange (sasl, &fs, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fs.gs2_header, ==, "n,,");
  fake_server_clear (&fs);
}

static void
test_scram_sha512_plus_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = NULL;
  g_autoptr(GBytes) exporter = str_bytes ("exporter-bytes-0123456789abcdef");
  const char *mechs[] = { "SCRAM-SHA-1", "SCRAM-SHA-512-PLUS", "SCRAM-SHA-512", NULL };
  XmppSaslOffer offer = { mechs, NULL, TRUE, exporter, NULL };
  FakeServer fs = {
    .hash = G_CHECKSUM_SHA512, .password = "pencil",
    .salt_b64 = "QSXCR+Q6sek8bf92", .iterations = 4096, .snonce = "xyz",
    .cb_data = exporter,
  };

  sasl = xmpp_sasl_new_for_offer (&offer, "user", "pencil", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, "SCRAM-SHA-512-PLUS");
  g_assert_true (run_exchange (sasl, &fs, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fs.gs2_header, ==, "p=tls-exporter,,");
  fake_server_clear (&fs);
}

static void
test_random_nonce_is_fresh (void)
{
  g_autoptr(XmppSasl) a = xmpp_sasl_new ("SCRAM-SHA-256", "u", "p", NULL, NULL, NULL, NULL);
  g_autoptr(XmppSasl) b = xmpp_sasl_new ("SCRAM-SHA-256", "u", "p", NULL, NULL, NULL, NULL);
  g_autoptr(GBytes) fa = xmpp_sasl_initial (a, NULL);
  g_autoptr(GBytes) fb = xmpp_sasl_initial (b, NULL);
  g_autofree char *sa = bytes_str (fa);
  g_autofree char *sb = bytes_str (fb);

  g_assert_true (g_str_has_prefix (sa, "n,,n=u,r="));
  g_assert_cmpuint (strlen (sa), ==, strlen ("n,,n=u,r=") + 32);
  g_assert_null (strchr (sa + strlen ("n,,n=u,r="), ','));
  g_assert_cmpstr (sa, !=, sb);
}

/* ------------------------------------------------------------------ */
/* Server signature and nonce                                           */

static XmppSasl *
vector_after_step (void)
{
  XmppSasl *sasl = xmpp_sasl_new ("SCRAM-SHA-1", "user", "pencil", NULL, NULL, NULL, NULL);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) final = NULL;

  xmpp_sasl_set_client_nonce (sasl, "fyko+d2lbbFgONRv9qkxdawL");
  first = xmpp_sasl_initial (sasl, NULL);
  challenge = str_bytes ("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                         "s=QSXCR+Q6sek8bf92,i=4096");
  final = xmpp_sasl_step (sasl, challenge, NULL);
  g_assert_nonnull (final);
  return sasl;
}

static void
test_wrong_server_signature_is_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = vector_after_step ();
  /* One bit off the RFC 5802 signature. */
  g_autoptr(GBytes) success = str_bytes ("v=rmF9pqV8S7suAoZWja4dJRkFsKU=");

  g_assert_false (xmpp_sasl_verify_success (sasl, success, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
}

static void
test_fake_server_wrong_signature_sha512 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = NULL;
  FakeServer fs = {
    .hash = G_CHECKSUM_SHA512, .password = "pencil", .salt_b64 = "c2FsdA==",
    .iterations = 16, .snonce = "n", .tamper_sig = TRUE,
  };

  sasl = xmpp_sasl_new ("SCRAM-SHA-512", "user", "pencil", NULL, NULL, NULL, &error);
  g_assert_false (run_exchange (sasl, &fs, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  fake_server_clear (&fs);
}

static void
test_success_without_server_signature_is_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = vector_after_step ();

  g_assert_false (xmpp_sasl_verify_success (sasl, NULL, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
}

static void
test_success_with_other_attribute_is_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = vector_after_step ();
  g_autoptr(GBytes) success = str_bytes ("x=rmF9pqV8S7suAoZWja4dJRkFsKQ=");

  g_assert_false (xmpp_sasl_verify_success (sasl, success, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
}

static void
test_success_before_challenge_is_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new ("SCRAM-SHA-256", "u", "p", NULL, NULL, NULL, NULL);
  g_autoptr(GBytes) first = xmpp_sasl_initial (sasl, NULL);
  g_autoptr(GBytes) challenge = str_bytes ("r=abc,s=c2FsdA==,i=1");

  g_assert_nonnull (first);
  g_assert_false (xmpp_sasl_verify_success (sasl, NULL, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  g_clear_error (&error);

  /* A failed mechanism stays failed. */
  g_assert_null (xmpp_sasl_step (sasl, challenge, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
}

static void
test_server_final_in_challenge (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = vector_after_step ();
  g_autoptr(GBytes) challenge = str_bytes ("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
  g_autoptr(GBytes) response = NULL;

  response = xmpp_sasl_step (sasl, challenge, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (response), ==, 0);
  g_assert_true (xmpp_sasl_verify_success (sasl, NULL, &error));
  g_assert_no_error (error);
}

static void
test_server_final_in_challenge_wrong (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = vector_after_step ();
  g_autoptr(GBytes) challenge = str_bytes ("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=");

  g_assert_null (xmpp_sasl_step (sasl, challenge, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  g_clear_error (&error);
  g_assert_false (xmpp_sasl_verify_success (sasl, NULL, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
}

static GError *
step_error (const char *server_first)
{
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new ("SCRAM-SHA-1", "user", "pencil", NULL, NULL, NULL, NULL);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) challenge = g_bytes_new (server_first, strlen (server_first));
  g_autoptr(GBytes) final = NULL;
  GError *error = NULL;

  xmpp_sasl_set_client_nonce (sasl, "fyko+d2lbbFgONRv9qkxdawL");
  first = xmpp_sasl_initial (sasl, NULL);
  final = xmpp_sasl_step (sasl, challenge, &error);
  g_assert_null (final);
  g_assert_nonnull (error);
  return error;
}

static void
test_nonce_not_prefixed_is_rejected (void)
{
  g_autoptr(GError) error = step_error ("r=XXXX+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                                        "s=QSXCR+Q6sek8bf92,i=4096");

  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
}

static void
test_nonce_without_server_part_is_rejected (void)
{
  g_autoptr(GError) error = step_error ("r=fyko+d2lbbFgONRv9qkxdawL,"
                                        "s=QSXCR+Q6sek8bf92,i=4096");

  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
}

#define R "r=fyko+d2lbbFgONRv9qkxdawL3rfc"

static void
test_malformed_server_first (void)
{
  static const struct
  {
    const char *message;
    int         code;
  } cases[] = {
    { R ",i=4096", XMPP_SASL_ERROR_PROTOCOL },                    /* no s= */
    { R ",s=QSXCR+Q6sek8bf92", XMPP_SASL_ERROR_PROTOCOL },        /* no i= */
    { "s=QSXCR+Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL },    /* no r= */
    { "s=QSXCR+Q6sek8bf92," R ",i=4096", XMPP_SASL_ERROR_PROTOCOL }, /* order */
    { R ",s=QSXCR+Q6sek8bf92,i=0", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=QSXCR+Q6sek8bf92,i=abc", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=QSXCR+Q6sek8bf92,i=-1", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=QSXCR+Q6sek8bf92,i=+1", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=QSXCR+Q6sek8bf92,i=0100", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=QSXCR+Q6sek8bf92,i=4096x", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=QSXCR+Q6sek8bf92,i=10000001", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=QSXCR+Q6sek8bf92,i=99999999999999999999999", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=QSXCR+Q6sek8bf9,i=4096", XMPP_SASL_ERROR_PROTOCOL },  /* length */
    { R ",s=QSX!R+Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL }, /* alphabet */
    { R ",s=QSXC=+Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL }, /* inner = */
    { R ",s====,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=QSXCR+Q6sek8bf92,i=4096,", XMPP_SASL_ERROR_PROTOCOL }, /* empty attr */
    { R ",s=QSXCR+Q6sek8bf92,i=4096,xy", XMPP_SASL_ERROR_PROTOCOL },
    { R ",s=QSXCR+Q6sek8bf92,i=4096,h=a,h=a", XMPP_SASL_ERROR_PROTOCOL },
    { R "\x01,s=QSXCR+Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { R "\xff,s=QSXCR+Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { "m=ext," R ",s=QSXCR+Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { "", XMPP_SASL_ERROR_PROTOCOL },
    { ",,,", XMPP_SASL_ERROR_PROTOCOL },
    { "e=other-error", XMPP_SASL_ERROR_FAILURE },
    { "e=unknown-user", XMPP_SASL_ERROR_NOT_AUTHORIZED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = step_error (cases[i].message);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, error->message);
      g_assert_error (error, XMPP_SASL_ERROR, cases[i].code);
    }
}

static void
test_server_first_with_nul_is_rejected (void)
{
  static const char msg[] = R ",s=QSXCR+Q6sek8bf92\0,i=4096";
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new ("SCRAM-SHA-1", "user", "pencil", NULL, NULL, NULL, NULL);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) challenge = g_bytes_new (msg, sizeof msg - 1);
  g_autoptr(GError) error = NULL;

  xmpp_sasl_set_client_nonce (sasl, "fyko+d2lbbFgONRv9qkxdawL");
  first = xmpp_sasl_initial (sasl, NULL);
  g_assert_null (xmpp_sasl_step (sasl, challenge, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
}

static void
test_unknown_extension_is_ignored (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = NULL;
  FakeServer fs = {
    .hash = G_CHECKSUM_SHA256, .password = "pencil", .salt_b64 = "c2FsdA==",
    .iterations = 8, .snonce = "n", .extra = ",x=whatever=value,y=1",
  };

  sasl = xmpp_sasl_new ("SCRAM-SHA-256", "user", "pencil", NULL, NULL, NULL, &error);
  g_assert_true (run_exchange (sasl, &fs, &error));
  g_assert_no_error (error);
  fake_server_clear (&fs);
}

static void
test_malformed_server_final (void)
{
  static const struct
  {
    const char *message;
    int         code;
  } cases[] = {
    { "e=invalid-proof", XMPP_SASL_ERROR_NOT_AUTHORIZED },
    { "e=channel-bindings-dont-match", XMPP_SASL_ERROR_FAILURE },
    { "e=\x01\x02", XMPP_SASL_ERROR_FAILURE },
    { "v=rmF9pqV8S7suAoZWja4dJRkFs!Q=", XMPP_SASL_ERROR_PROTOCOL },
    { "v=rmF9pqV8S7suAoZWja4dJRkFsKQ", XMPP_SASL_ERROR_PROTOCOL },
    { "v=rmF9pqV8S7suAoZWja4dJRkF", XMPP_SASL_ERROR_SERVER_SIGNATURE },
    { "v=rmF9pqV8S7suAoZWja4dJRkFsKQA", XMPP_SASL_ERROR_SERVER_SIGNATURE },
    { "v=AAAA", XMPP_SASL_ERROR_SERVER_SIGNATURE },
    { "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=,", XMPP_SASL_ERROR_PROTOCOL },
    { "v=", XMPP_SASL_ERROR_PROTOCOL },
    { "garbage", XMPP_SASL_ERROR_PROTOCOL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppSasl) sasl = vector_after_step ();
      g_autoptr(GBytes) success = str_bytes (cases[i].message);
      g_autoptr(GError) error = NULL;

      g_assert_false (xmpp_sasl_verify_success (sasl, success, &error));
      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, error->message);
      g_assert_error (error, XMPP_SASL_ERROR, cases[i].code);
    }
}

static void
test_server_error_text_is_sanitised (void)
{
  g_autoptr(XmppSasl) sasl = vector_after_step ();
  g_autoptr(GBytes) success = str_bytes ("e=bad\x1b[31mthing");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl2 = vector_after_step ();
  g_autofree char *long_reason = g_strnfill (500, 'x');
  g_autofree char *long_error = g_strconcat ("e=", long_reason, NULL);
  g_autoptr(GBytes) success2 = str_bytes (long_error);

  g_assert_false (xmpp_sasl_verify_success (sasl, success, &error));
  g_assert_nonnull (strstr (error->message, "bad?[31mthing"));
  g_clear_error (&error);

  g_assert_false (xmpp_sasl_verify_success (sasl2, success2, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_FAILURE);
  g_assert_cmpuint (strlen (error->message), <, 200);
}

static void
test_server_final_with_extension (void)
{
  g_autoptr(XmppSasl) sasl = vector_after_step ();
  g_autoptr(GBytes) success = str_bytes ("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=,x=1");
  g_autoptr(GError) error = NULL;

  g_assert_true (xmpp_sasl_verify_success (sasl, success, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* Choice                                                               */

static XmppSasl *
choose (const char * const *mechs,
        const char * const *cb_types,
        gboolean            tls,
        GBytes             *exporter,
        GBytes             *endpoint,
        GError            **error)
{
  XmppSaslOffer offer = { mechs, cb_types, tls, exporter, endpoint };

  return xmpp_sasl_new_for_offer (&offer, "user", "pencil", error);
}

static char *
initial_of (XmppSasl *sasl)
{
  g_autoptr(GBytes) first = NULL;

  xmpp_sasl_set_client_nonce (sasl, "abc");
  first = xmpp_sasl_initial (sasl, NULL);
  return bytes_str (first);
}

static void
test_choice_strongest_scram (void)
{
  const char *mechs[] = { "PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "DIGEST-MD5", NULL };
  g_autoptr(XmppSasl) sasl = choose (mechs, NULL, TRUE, NULL, NULL, NULL);
  g_autofree char *first = initial_of (sasl);

  g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, "SCRAM-SHA-256");
  g_assert_cmpstr (first, ==, "n,,n=user,r=abc");
}

static void
test_choice_plain_never_when_scram_offered (void)
{
  const char *mechs[] = { "PLAIN", "SCRAM-SHA-1", NULL };
  const char *plus_only[] = { "PLAIN", "SCRAM-SHA-256-PLUS", NULL };
  const char *unknown_scram[] = { "PLAIN", "SCRAM-SHA3-512", NULL };
  g_autoptr(XmppSasl) sasl = choose (mechs, NULL, TRUE, NULL, NULL, NULL);
  g_autoptr(XmppSasl) none = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, "SCRAM-SHA-1");

  /* -PLUS we cannot bind to is still SCRAM: no PLAIN instead. */
  none = choose (plus_only, NULL, TRUE, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
  g_clear_error (&error);

  none = choose (unknown_scram, NULL, TRUE, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
}

static void
test_choice_plain_refused_without_tls (void)
{
  const char *mechs[] = { "PLAIN", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) none = choose (mechs, NULL, FALSE, NULL, NULL, &error);
  g_autoptr(XmppSasl) sasl = NULL;
  XmppSaslOffer offer = { mechs, NULL, FALSE, NULL, NULL };

  g_assert_null (none);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
  g_clear_error (&error);

  sasl = xmpp_sasl_new ("PLAIN", "user", "pencil", NULL, NULL, &offer, &error);
  g_assert_null (sasl);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
}

static void
test_choice_nothing_supported (void)
{
  const char *mechs[] = { "DIGEST-MD5", "EXTERNAL", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) none = choose (mechs, NULL, TRUE, NULL, NULL, &error);

  g_assert_null (none);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
}

static void
test_choice_plus_with_exporter (void)
{
  const char *mechs[] = { "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256",
                          "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512", NULL };
  g_autoptr(GBytes) exporter = str_bytes ("EXP");
  g_autoptr(GBytes) endpoint = str_bytes ("END");
  g_autoptr(XmppSasl) sasl = choose (mechs, NULL, TRUE, exporter, endpoint, NULL);
  g_autofree char *first = initial_of (sasl);

  /* -PLUS beats a stronger hash without channel binding. */
  g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, "SCRAM-SHA-256-PLUS");
  g_assert_cmpstr (first, ==, "p=tls-exporter,,n=user,r=abc");
}

static void
test_choice_plus_endpoint_without_exporter (void)
{
  const char *mechs[] = { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", NULL };
  g_autoptr(GBytes) endpoint = str_bytes ("END");
  g_autoptr(XmppSasl) sasl = choose (mechs, NULL, TRUE, NULL, endpoint, NULL);
  g_autofree char *first = initial_of (sasl);

  g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, "SCRAM-SHA-1-PLUS");
  g_assert_cmpstr (first, ==, "p=tls-server-end-point,,n=user,r=abc");
}

static void
test_choice_xep0440_types_honoured (void)
{
  const char *mechs[] = { "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", NULL };
  const char *endpoint_only[] = { "tls-server-end-point", NULL };
  const char *both[] = { "tls-server-end-point", "tls-exporter", NULL };
  g_autoptr(GBytes) exporter = str_bytes ("EXP");
  g_autoptr(GBytes) endpoint = str_bytes ("END");
  g_autoptr(XmppSasl) a = choose (mechs, endpoint_only, TRUE, exporter, endpoint, NULL);
  g_autoptr(XmppSasl) b = choose (mechs, both, TRUE, exporter, endpoint, NULL);
  g_autoptr(XmppSasl) c = choose (mechs, endpoint_only, TRUE, exporter, NULL, NULL);
  g_autofree char *fa = initial_of (a);
  g_autofree char *fb = initial_of (b);
  g_autofree char *fc = initial_of (c);

  g_assert_cmpstr (fa, ==, "p=tls-server-end-point,,n=user,r=abc");
  g_assert_cmpstr (fb, ==, "p=tls-exporter,,n=user,r=abc");
  /* Only exporter data, server lists only end-point: no -PLUS, and "n"
   * because the server does offer -PLUS (XEP-0440, XEP-0474 rule 6). */
  g_assert_cmpstr (xmpp_sasl_get_mechanism (c), ==, "SCRAM-SHA-256");
  g_assert_cmpstr (fc, ==, "n,,n=user,r=abc");
}

static void
test_choice_gs2_y_when_server_lacks_plus (void)
{
  const char *mechs[] = { "SCRAM-SHA-256", NULL };
  g_autoptr(GBytes) exporter = str_bytes ("EXP");
  g_autoptr(XmppSasl) sasl = choose (mechs, NULL, TRUE, exporter, NULL, NULL);
  g_autoptr(XmppSasl) no_cb = choose (mechs, NULL, TRUE, NULL, NULL, NULL);
  g_autofree char *first = initial_of (sasl);
  g_autofree char *first_no_cb = initial_of (no_cb);

  g_assert_cmpstr (first, ==, "y,,n=user,r=abc");
  g_assert_cmpstr (first_no_cb, ==, "n,,n=user,r=abc");
}

static void
test_choice_plus_needs_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new ("SCRAM-SHA-256-PLUS", "u", "p",
                                            "tls-exporter", NULL, NULL, &error);

  g_assert_null (sasl);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
  g_clear_error (&error);

  sasl = xmpp_sasl_new ("SCRAM-MD5", "u", "p", NULL, NULL, NULL, &error);
  g_assert_null (sasl);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
}

/* ------------------------------------------------------------------ */
/* PLAIN, usernames, passwords                                          */

static void
test_plain_encoding (void)
{
  const char *mechs[] = { "PLAIN", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = choose (mechs, NULL, TRUE, NULL, NULL, &error);
  g_autoptr(GBytes) first = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, "PLAIN");
  first = xmpp_sasl_initial (sasl, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (first, NULL), g_bytes_get_size (first),
                   "\0user\0pencil", 12);
  g_assert_true (xmpp_sasl_verify_success (sasl, NULL, &error));
  g_assert_no_error (error);
}

static void
test_plain_rejects_challenge_and_data (void)
{
  g_autoptr(XmppSasl) a = xmpp_sasl_new ("PLAIN", "u", "p", NULL, NULL, NULL, NULL);
  g_autoptr(XmppSasl) b = xmpp_sasl_new ("PLAIN", "u", "p", NULL, NULL, NULL, NULL);
  g_autoptr(GBytes) fa = xmpp_sasl_initial (a, NULL);
  g_autoptr(GBytes) fb = xmpp_sasl_initial (b, NULL);
  g_autoptr(GBytes) junk = str_bytes ("x");
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (fa);
  g_assert_nonnull (fb);
  g_assert_null (xmpp_sasl_step (a, junk, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (xmpp_sasl_verify_success (b, junk, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
}

static void
test_username_escaping (void)
{
  g_autofree char *escaped = xmpp_sasl_scram_escape_username ("a=b,c==,");
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new ("SCRAM-SHA-1", "us=er,x", "p",
                                            NULL, NULL, NULL, NULL);
  g_autofree char *first = initial_of (sasl);

  g_assert_cmpstr (escaped, ==, "a=3Db=2Cc=3D=3D=2C");
  g_assert_cmpstr (first, ==, "n,,n=us=3Der=2Cx,r=abc");
}

static void
test_password_saslprep (void)
{
  /* RFC 4013 §3 examples. */
  static const struct
  {
    const char *in;
    const char *out;
  } ok[] = {
    { "I\xc2\xad" "X", "IX" },          /* SOFT HYPHEN mapped to nothing */
    { "user", "user" },
    { "USER", "USER" },
    { "\xc2\xaa", "a" },                /* NFKC */
    { "\xe2\x85\xa8", "IX" },           /* ROMAN NUMERAL NINE */
    { "a\xc2\xa0" "b", "a b" },         /* NO-BREAK SPACE */
  };
  static const char *bad[] = {
    "\x07",                             /* control */
    "pass\tword",
    "a\xe2\x80\x8e",                    /* LEFT-TO-RIGHT MARK */
    "\xee\x80\x80",                     /* private use U+E000 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr(GError) error = NULL;
      char *out = xmpp_sasl_scram_saslprep (ok[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, ok[i].out);
      xmpp_sasl_free_secret (out);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppSasl) sasl = xmpp_sasl_new ("SCRAM-SHA-256", "u", bad[i],
                                                NULL, NULL, NULL, &error);

      g_assert_null (sasl);
      g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_FAILURE);
    }
}

static void
test_invalid_utf8_credentials_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) a = xmpp_sasl_new ("PLAIN", "u", "\xff", NULL, NULL, NULL, &error);

  g_assert_null (a);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_FAILURE);
  g_clear_error (&error);
  a = xmpp_sasl_new ("SCRAM-SHA-1", "", "p", NULL, NULL, NULL, &error);
  g_assert_null (a);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_FAILURE);
}

/* ------------------------------------------------------------------ */
/* XEP-0474                                                             */

static void
test_ssdp_hash_matches_xep_example (void)
{
  /* XEP-0474 §"Full Example": SHA-1 over
   * "SCRAM-SHA-1\x1eSCRAM-SHA-1-PLUS\x1ftls-exporter\x1etls-server-end-point",
   * fed here unsorted to check the sorting. */
  const char *mechs[] = { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", NULL };
  const char *types[] = { "tls-server-end-point", "tls-exporter", NULL };
  XmppSaslOffer offer = { mechs, types, TRUE, NULL, NULL };
  g_autofree char *hash = xmpp_sasl_ssdp_hash (&offer, G_CHECKSUM_SHA1);

  g_assert_cmpstr (hash, ==, "G6k/rBLDqgOhRRaCuuatSDFkJ08=");
}

/* The hash the real server computes over what it really advertised. */
static char *
server_ssdp (GChecksumType hash,
             const char   *input)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (hash);
  g_autofree char *encoded = NULL;
  guint8 digest[64];
  gsize len = sizeof digest;

  g_checksum_update (checksum, (const guchar *) input, strlen (input));
  g_checksum_get_digest (checksum, digest, &len);
  encoded = g_base64_encode (digest, len);
  return g_strconcat (",h=", encoded, NULL);
}

static void
test_xep0474_match (void)
{
  const char *mechs[] = { "SCRAM-SHA-256", "PLAIN", "SCRAM-SHA-1", NULL };
  g_autofree char *extra = server_ssdp (G_CHECKSUM_SHA256,
                                        "PLAIN\x1eSCRAM-SHA-1\x1eSCRAM-SHA-256");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = choose (mechs, NULL, TRUE, NULL, NULL, &error);
  FakeServer fs = {
    .hash = G_CHECKSUM_SHA256, .password = "pencil", .salt_b64 = "c2FsdA==",
    .iterations = 16, .snonce = "n", .extra = extra,
  };

  g_assert_true (run_exchange (sasl, &fs, &error));
  g_assert_no_error (error);
  fake_server_clear (&fs);
}

static void
test_xep0474_mismatch_stripped_plus_is_downgrade (void)
{
  /* The server advertised -PLUS and XEP-0440 types; a MITM stripped both. */
  const char *seen[] = { "SCRAM-SHA-1", "SCRAM-SHA-256", NULL };
  g_autofree char *extra = server_ssdp (G_CHECKSUM_SHA256,
                                        "SCRAM-SHA-1\x1eSCRAM-SHA-256\x1eSCRAM-SHA-256-PLUS"
                                        "\x1ftls-exporter");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = choose (seen, NULL, TRUE, NULL, NULL, &error);
  FakeServer fs = {
    .hash = G_CHECKSUM_SHA256, .password = "pencil", .salt_b64 = "c2FsdA==",
    .iterations = 16, .snonce = "n", .extra = extra,
  };

  g_assert_false (run_exchange (sasl, &fs, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_DOWNGRADE);
  fake_server_clear (&fs);
}

static void
test_xep0474_cb_types_are_hashed (void)
{
  /* Same mechanisms, but the MITM replaced the type list. */
  const char *mechs[] = { "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", NULL };
  const char *types[] = { "tls-unique", NULL };
  g_autofree char *extra = server_ssdp (G_CHECKSUM_SHA256,
                                        "SCRAM-SHA-256\x1eSCRAM-SHA-256-PLUS"
                                        "\x1ftls-exporter\x1etls-server-end-point");
  g_autoptr(GBytes) exporter = str_bytes ("EXP");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = choose (mechs, types, TRUE, exporter, NULL, &error);
  FakeServer fs = {
    .hash = G_CHECKSUM_SHA256, .password = "pencil", .salt_b64 = "c2FsdA==",
    .iterations = 16, .snonce = "n", .extra = extra,
  };

  g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, "SCRAM-SHA-256");
  g_assert_false (run_exchange (sasl, &fs, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_DOWNGRADE);
  fake_server_clear (&fs);
}

static void
test_xep0474_unusable_cb_types_need_proof (void)
{
  /* -PLUS offered, XEP-0440 lists only a type we cannot do and no
   * tls-server-end-point: without the server's hash this is a downgrade;
   * with a matching hash the list is genuine and "n" goes through. */
  const char *mechs[] = { "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", NULL };
  const char *types[] = { "tls-unique", NULL };
  g_autofree char *extra = server_ssdp (G_CHECKSUM_SHA256,
                                        "SCRAM-SHA-256\x1eSCRAM-SHA-256-PLUS"
                                        "\x1ftls-unique");
  g_autoptr(GBytes) exporter = str_bytes ("EXP");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) without = choose (mechs, types, TRUE, exporter, NULL, &error);
  g_autoptr(XmppSasl) with = choose (mechs, types, TRUE, exporter, NULL, &error);
  FakeServer fs = {
    .hash = G_CHECKSUM_SHA256, .password = "pencil", .salt_b64 = "c2FsdA==",
    .iterations = 16, .snonce = "n",
  };

  g_assert_false (run_exchange (without, &fs, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_DOWNGRADE);
  g_clear_error (&error);
  fake_server_clear (&fs);

  fs.extra = extra;
  g_assert_true (run_exchange (with, &fs, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fs.gs2_header, ==, "n,,");
  fake_server_clear (&fs);
}

static void
test_xep0474_with_plus (void)
{
  const char *mechs[] = { "SCRAM-SHA-512-PLUS", "SCRAM-SHA-512", "SCRAM-SHA-1", NULL };
  const char *types[] = { "tls-server-end-point", NULL };
  g_autofree char *extra = server_ssdp (G_CHECKSUM_SHA512,
                                        "SCRAM-SHA-1\x1eSCRAM-SHA-512\x1eSCRAM-SHA-512-PLUS"
                                        "\x1ftls-server-end-point");
  g_autoptr(GBytes) endpoint = str_bytes ("certificate hash");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = choose (mechs, types, TRUE, NULL, endpoint, &error);
  FakeServer fs = {
    .hash = G_CHECKSUM_SHA512, .password = "pencil", .salt_b64 = "c2FsdA==",
    .iterations = 16, .snonce = "n", .extra = extra, .cb_data = endpoint,
  };

  g_assert_true (run_exchange (sasl, &fs, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fs.gs2_header, ==, "p=tls-server-end-point,,");
  fake_server_clear (&fs);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sasl/vector/rfc5802-sha1", test_rfc5802_scram_sha1_vector);
  g_test_add_func ("/sasl/vector/rfc7677-sha256", test_rfc7677_scram_sha256_vector);
  g_test_add_func ("/sasl/scram/sha512-round-trip", test_scram_sha512_round_trip);
  g_test_add_func ("/sasl/scram/sha512-plus-round-trip", test_scram_sha512_plus_round_trip);
  g_test_add_func ("/sasl/scram/random-nonce", test_random_nonce_is_fresh);
  g_test_add_func ("/sasl/scram/wrong-server-signature", test_wrong_server_signature_is_rejected);
  g_test_add_func ("/sasl/scram/wrong-server-signature-sha512", test_fake_server_wrong_signature_sha512);
  g_test_add_func ("/sasl/scram/success-without-v", test_success_without_server_signature_is_rejected);
  g_test_add_func ("/sasl/scram/success-other-attribute", test_success_with_other_attribute_is_rejected);
  g_test_add_func ("/sasl/scram/success-before-challenge", test_success_before_challenge_is_rejected);
  g_test_add_func ("/sasl/scram/server-final-in-challenge", test_server_final_in_challenge);
  g_test_add_func ("/sasl/scram/server-final-in-challenge-wrong", test_server_final_in_challenge_wrong);
  g_test_add_func ("/sasl/scram/nonce-not-prefixed", test_nonce_not_prefixed_is_rejected);
  g_test_add_func ("/sasl/scram/nonce-without-server-part", test_nonce_without_server_part_is_rejected);
  g_test_add_func ("/sasl/scram/malformed-server-first", test_malformed_server_first);
  g_test_add_func ("/sasl/scram/server-first-with-nul", test_server_first_with_nul_is_rejected);
  g_test_add_func ("/sasl/scram/unknown-extension-ignored", test_unknown_extension_is_ignored);
  g_test_add_func ("/sasl/scram/malformed-server-final", test_malformed_server_final);
  g_test_add_func ("/sasl/scram/server-error-sanitised", test_server_error_text_is_sanitised);
  g_test_add_func ("/sasl/scram/server-final-extension", test_server_final_with_extension);
  g_test_add_func ("/sasl/choice/strongest-scram", test_choice_strongest_scram);
  g_test_add_func ("/sasl/choice/plain-never-with-scram", test_choice_plain_never_when_scram_offered);
  g_test_add_func ("/sasl/choice/plain-refused-without-tls", test_choice_plain_refused_without_tls);
  g_test_add_func ("/sasl/choice/nothing-supported", test_choice_nothing_supported);
  g_test_add_func ("/sasl/choice/plus-exporter", test_choice_plus_with_exporter);
  g_test_add_func ("/sasl/choice/plus-endpoint", test_choice_plus_endpoint_without_exporter);
  g_test_add_func ("/sasl/choice/xep0440-types", test_choice_xep0440_types_honoured);
  g_test_add_func ("/sasl/choice/gs2-y", test_choice_gs2_y_when_server_lacks_plus);
  g_test_add_func ("/sasl/choice/plus-needs-data", test_choice_plus_needs_data);
  g_test_add_func ("/sasl/plain/encoding", test_plain_encoding);
  g_test_add_func ("/sasl/plain/no-challenge", test_plain_rejects_challenge_and_data);
  g_test_add_func ("/sasl/username-escaping", test_username_escaping);
  g_test_add_func ("/sasl/password-saslprep", test_password_saslprep);
  g_test_add_func ("/sasl/invalid-utf8-credentials", test_invalid_utf8_credentials_rejected);
  g_test_add_func ("/sasl/xep0474/example-hash", test_ssdp_hash_matches_xep_example);
  g_test_add_func ("/sasl/xep0474/match", test_xep0474_match);
  g_test_add_func ("/sasl/xep0474/stripped-plus-is-downgrade", test_xep0474_mismatch_stripped_plus_is_downgrade);
  g_test_add_func ("/sasl/xep0474/cb-types-hashed", test_xep0474_cb_types_are_hashed);
  g_test_add_func ("/sasl/xep0474/unusable-cb-types-need-proof", test_xep0474_unusable_cb_types_need_proof);
  g_test_add_func ("/sasl/xep0474/with-plus", test_xep0474_with_plus);

  return g_test_run ();
}
