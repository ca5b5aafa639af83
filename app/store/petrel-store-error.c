/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-store-error"

#include "petrel-store-error.h"

/**
 * petrel_store_error_quark:
 *
 * Returns: the #GQuark of the %PETREL_STORE_ERROR domain
 */
G_DEFINE_QUARK (petrel-store-error-quark, petrel_store_error)
