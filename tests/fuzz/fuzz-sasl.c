/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the SCRAM client (app/xmpp/xmpp-sasl-scram.c).
 *
 * The input is split at NUL bytes (which no valid SCRAM message contains):
 *   server-first NUL server-final                 -> step(), verify_success()
 *   server-first NUL server-final NUL success     -> step(), step(), verify_success()
 * fed to SCRAM-SHA-256-PLUS (tls-exporter) with the fixed client nonce
 * "fuzz", user "user", password "pencil", and an offer so that the XEP-0474
 * hash is checked.  The iteration limit is lowered to keep inputs cheap.
 * tests/fuzz/corpus/sasl/ holds seeds, including one complete valid exchange.
 */
#define G_LOG_DOMAIN "fuzz-sasl"

#include <stdint.h>
#include <string.h>

#include "xmpp-sasl-private.h"

#define FUZZ_NONCE "fuzz"
#define FUZZ_MAX_ITERATIONS 64
#define FUZZ_CB_DATA "fuzz-exporter-data"

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A g_return_if_fail() reached from server input is a bug: crash on it. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

/* Splits off the part before the next NUL (or the rest); @more says
 * whether a NUL ended it. */
static GBytes *
next_part (const uint8_t **data,
           size_t         *size,
           gboolean       *more)
{
  const uint8_t *nul = memchr (*data, '\0', *size);
  size_t len = nul != NULL ? (size_t) (nul - *data) : *size;
  GBytes *part = g_bytes_new (*data, len);

  *data += len;
  *size -= len;
  *more = nul != NULL;
  if (nul != NULL)
    {
      *data += 1;
      *size -= 1;
    }
  return part;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const mechs[] = {
    "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", NULL
  };
  static const char * const types[] = { "tls-exporter", NULL };
  g_autoptr(GBytes) cb_data = g_bytes_new_static (FUZZ_CB_DATA, strlen (FUZZ_CB_DATA));
  XmppSaslOffer offer = { mechs, types, TRUE, cb_data, NULL };
  g_autoptr(XmppSasl) sasl = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) server_first = NULL;
  g_autoptr(GBytes) client_final = NULL;
  g_autoptr(GBytes) server_final = NULL;
  g_autoptr(GBytes) success = NULL;
  gboolean more;

  sasl = xmpp_sasl_new ("SCRAM-SHA-256-PLUS", "user", "pencil",
                        "tls-exporter", cb_data, &offer, NULL);
  g_assert (sasl != NULL);
  xmpp_sasl_set_client_nonce (sasl, FUZZ_NONCE);
  xmpp_sasl_set_max_iterations (sasl, FUZZ_MAX_ITERATIONS);
  first = xmpp_sasl_initial (sasl, NULL);
  g_assert (first != NULL);

  server_first = next_part (&data, &size, &more);
  server_final = next_part (&data, &size, &more);
  if (more)
    success = next_part (&data, &size, &more);

  client_final = xmpp_sasl_step (sasl, server_first, NULL);
  if (client_final == NULL)
    return 0;

  if (success != NULL)
    {
      g_autoptr(GBytes) empty = xmpp_sasl_step (sasl, server_final, NULL);

      if (empty == NULL)
        return 0;
      g_assert (g_bytes_get_size (empty) == 0);
      (void) xmpp_sasl_verify_success (sasl, success, NULL);
    }
  else
    {
      (void) xmpp_sasl_verify_success (sasl, server_final, NULL);
    }
  return 0;
}
