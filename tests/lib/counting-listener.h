/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * CountingListener: a loopback port that counts connection attempts and
 * keeps the connections open without ever answering, for tests that check
 * whether (and where) an account connects.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GSocketService *service;
  guint16 port;
  guint attempts;
  GPtrArray *connections;
} CountingListener;

/* Listens on a free port (all interfaces, so 127.0.0.1 reaches it). */
void counting_listener_init (CountingListener *listener);
/* Stops listening and drops the kept connections. */
void counting_listener_clear (CountingListener *listener);
/* For wait-until loops: @data is a CountingListener with an attempt. */
gboolean counting_listener_has_attempt (gpointer data);

G_END_DECLS
