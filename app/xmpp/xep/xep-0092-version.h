/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0092: Software Version, version 1.1.
 *
 * Opt-in: nothing answers jabber:iq:version until xmpp_version_attach() is
 * called (the router answers `service-unavailable` meanwhile), and the
 * operating system is left out unless the caller passes it, since it helps
 * an attacker pick an exploit (XEP-0092, Security Considerations).
 */
#pragma once

#include "xmpp-client.h"

G_BEGIN_DECLS

#define XMPP_NS_VERSION "jabber:iq:version"

/**
 * xmpp_version_attach:
 * @client: a client
 * @name: the software name, e.g. "Petrel"
 * @version: the software version, e.g. PETREL_VERSION
 * @os: (nullable): the operating system; %NULL leaves <os/> out
 *
 * Answers jabber:iq:version requests from any entity (XEP-0092 §2) and
 * announces the namespace.  Calling it again replaces the answer.
 */
void xmpp_version_attach (XmppClient *client,
                          const char *name,
                          const char *version,
                          const char *os);

/**
 * xmpp_version_detach:
 * @client: a client
 *
 * Stops answering.  The feature stays announced for this session:
 * features are never withdrawn.
 */
void xmpp_version_detach (XmppClient *client);

G_END_DECLS
