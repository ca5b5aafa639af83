/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0115: Entity Capabilities, version 1.6.0.
 *
 * Every presence carries <c hash='sha-1' node='…' ver='…'/>, where `ver`
 * is a hash of the sender's disco#info answer (§5.1).  A receiver asks
 * one entity per unknown `ver` for its disco#info, recomputes the hash and
 * caches the features only when the hash matches (§5.4), so one query
 * serves every contact running the same software.
 *
 * XmppCapsCache holds the verified (hash, ver) → features map and which
 * `ver` each full JID advertised last.  It outlives connections; a store
 * can persist it through xmpp_caps_cache_set_persist_func() and refill it
 * with xmpp_caps_cache_insert() at start-up.
 */
#pragma once

#include "xmpp-client.h"

G_BEGIN_DECLS

#define XMPP_NS_CAPS "http://jabber.org/protocol/caps"
#ifndef XMPP_NS_DATA
#define XMPP_NS_DATA "jabber:x:data"   /* XEP-0004 */
#endif

/**
 * xmpp_caps_hash_from_name:
 * @name: the `hash` attribute, an IANA hash function textual name
 * @type: (out) (optional): the matching checksum type
 *
 * Supported: "sha-1" (mandatory to implement, §9.1), "sha-256", "sha-384"
 * and "sha-512".  MD5 is refused: only preimage resistance protects the
 * cache (§9.2), and MD5 is the weakest function of the registry.
 *
 * Returns: whether @name is supported
 */
gboolean xmpp_caps_hash_from_name (const char    *name,
                                   GChecksumType *type);

/**
 * xmpp_caps_compute_ver:
 * @disco_info_query: a disco#info <query/> element
 * @type: the hash function
 *
 * Computes the verification string with the generation method of §5.1:
 * identities sorted by category, type and xml:lang, then features, then
 * XEP-0128 forms sorted by FORM_TYPE with their fields sorted by var and
 * values sorted, each item followed by '<'; sorting compares octets
 * ("i;octet", RFC 4790 §9.3); the result is the Base64 of the hash.
 *
 * The input is checked as §5.4 requires: two equal identities, two equal
 * features, two forms with the same FORM_TYPE, or a FORM_TYPE with
 * different values make the whole answer ill-formed.  A form whose
 * FORM_TYPE is not of type "hidden", or that has none, is ignored (§5.4
 * step 3.6).  Beyond §5.4, an answer that cannot be hashed unambiguously
 * is refused too: an identity without category or type, a feature without
 * var (both required by XEP-0030 §3.1), a FORM_TYPE without a value, and a
 * field without var or given twice in one form.
 *
 * Returns: (transfer full) (nullable): the verification string, or %NULL
 *   when the answer is ill-formed
 */
char *xmpp_caps_compute_ver (const XmppNode *disco_info_query,
                             GChecksumType   type) G_GNUC_WARN_UNUSED_RESULT;

#define XMPP_TYPE_CAPS_CACHE (xmpp_caps_cache_get_type ())
G_DECLARE_FINAL_TYPE (XmppCapsCache, xmpp_caps_cache, XMPP, CAPS_CACHE, GObject)

/**
 * XmppCapsPersistFunc:
 * @cache: the cache
 * @hash: the hash function name, e.g. "sha-1"
 * @ver: the verified verification string
 * @features: the features, sorted
 * @user_data: data given to xmpp_caps_cache_set_persist_func()
 *
 * Called once for every (hash, ver) verified over the network, so a store
 * can keep it across restarts.
 */
typedef void (*XmppCapsPersistFunc) (XmppCapsCache      *cache,
                                     const char         *hash,
                                     const char         *ver,
                                     const char * const *features,
                                     gpointer            user_data);

/**
 * XmppCapsLoadFunc:
 *
 * Asked on a cache miss for (@hash, @ver) verified in an earlier run.
 *
 * Returns: (transfer full) (nullable): the features, %NULL when unknown
 */
typedef GStrv (*XmppCapsLoadFunc) (XmppCapsCache *cache,
                                   const char    *hash,
                                   const char    *ver,
                                   gpointer       user_data);

/**
 * xmpp_caps_cache_new:
 *
 * Signals:
 *   "jid-changed" (XmppJid *jid): the features known for @jid changed:
 *     its advertised `ver` became known, changed, or it went offline.
 *
 * Returns: (transfer full): an empty cache
 */
XmppCapsCache *xmpp_caps_cache_new (void) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_caps_cache_set_persist_func:
 * @self: a cache
 * @func: (nullable): the function, %NULL to stop persisting
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when replaced or at finalisation
 */
void xmpp_caps_cache_set_persist_func (XmppCapsCache       *self,
                                       XmppCapsPersistFunc  func,
                                       gpointer             user_data,
                                       GDestroyNotify       destroy);

/**
 * xmpp_caps_cache_set_load_func:
 * @func: (nullable): consulted on a miss before any network query
 */
void xmpp_caps_cache_set_load_func (XmppCapsCache    *self,
                                    XmppCapsLoadFunc  func,
                                    gpointer          user_data);

/**
 * xmpp_caps_cache_insert:
 * @self: a cache
 * @hash: a supported hash function name (see xmpp_caps_hash_from_name())
 * @ver: the verification string
 * @features: the features
 *
 * Adds an entry that is already verified, e.g. loaded from the store.  The
 * persist function is not called.  The cache keeps a bounded number of
 * entries and forgets arbitrary ones beyond it.
 */
void xmpp_caps_cache_insert (XmppCapsCache      *self,
                             const char         *hash,
                             const char         *ver,
                             const char * const *features);

/**
 * xmpp_caps_cache_lookup:
 * @self: a cache
 * @hash: a hash function name
 * @ver: a verification string
 *
 * Returns: (transfer none) (nullable): the sorted features of (@hash,
 *   @ver), valid until the next insertion, or %NULL when unknown
 */
const char * const *xmpp_caps_cache_lookup (XmppCapsCache *self,
                                            const char    *hash,
                                            const char    *ver);

/**
 * xmpp_caps_cache_set_jid:
 * @self: a cache
 * @jid: a full JID
 * @hash: a supported hash function name
 * @ver: the verification string @jid advertised
 *
 * Records the `ver` that @jid advertised last (the caps handler does this
 * for every presence).
 */
void xmpp_caps_cache_set_jid (XmppCapsCache *self,
                              const XmppJid *jid,
                              const char    *hash,
                              const char    *ver);

/**
 * xmpp_caps_cache_forget_jid:
 * @self: a cache
 * @jid: a full JID
 *
 * Forgets what @jid advertised, e.g. after its unavailable presence.
 */
void xmpp_caps_cache_forget_jid (XmppCapsCache *self,
                                 const XmppJid *jid);

/**
 * xmpp_caps_cache_get_features_for:
 * @self: a cache
 * @jid: a full JID
 *
 * Returns: (transfer none) (nullable): the verified features of the `ver`
 *   that @jid advertised last, valid until the next insertion; %NULL when
 *   @jid advertised nothing or its `ver` is not verified (yet)
 */
const char * const *xmpp_caps_cache_get_features_for (XmppCapsCache *self,
                                                      const XmppJid *jid);

/**
 * xmpp_caps_cache_jid_has_feature:
 * @self: a cache
 * @jid: a full JID
 * @ns: a feature
 *
 * Returns: whether @jid is known to support @ns; %FALSE when unknown
 *   (§8.3: without caps an entity is assumed to support nothing)
 */
gboolean xmpp_caps_cache_jid_has_feature (XmppCapsCache *self,
                                          const XmppJid *jid,
                                          const char    *ns);

/**
 * xmpp_caps_attach:
 * @client: a client
 * @cache: the cache to fill and read
 * @node_uri: the URI naming our software in <c node=''/>, e.g.
 *   "https://petrel.im"
 *
 * Watches every presence (it never consumes one).  For an available
 * presence with a <c/> using a supported hash, records the JID's `ver` and,
 * when the `ver` is unknown, sends one disco#info query for `node#ver` to
 * that JID (§6.2).  At most one query per `ver` is in flight and at most
 * 8 in all, with up to 32 more waiting; beyond that a `ver` is left for
 * the next presence that carries it, so a presence flood costs bounded
 * traffic.  The answer is cached only when its recomputed hash equals the
 * `ver` (§5.4); a JID whose answer failed is not asked for that `ver` again.
 * An unavailable presence forgets the JID's `ver`.  A presence without
 * <c/> changes nothing (§8.4: servers may strip repeated caps).
 *
 * Also makes our own caps node answerable through disco#info (attaching
 * the XEP-0030 responder when it is not yet) and announces
 * `http://jabber.org/protocol/caps`.  Calling it again does nothing.
 */
void xmpp_caps_attach (XmppClient    *client,
                       XmppCapsCache *cache,
                       const char    *node_uri);

/**
 * xmpp_caps_detach:
 * @client: a client
 *
 * Stops watching presences and cancels the queries in flight.
 */
void xmpp_caps_detach (XmppClient *client);

/**
 * xmpp_caps_dup_own_ver:
 * @client: a client
 *
 * Returns: (transfer full): the SHA-1 verification string of our own
 *   disco#info answer (xmpp_disco_build_own_info())
 */
char *xmpp_caps_dup_own_ver (XmppClient *client) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_caps_is_own_node:
 * @client: a client
 * @node: a disco node
 *
 * Returns: whether @node is "node_uri#ver" for our current `ver`, with
 *   xmpp_caps_attach() called
 */
gboolean xmpp_caps_is_own_node (XmppClient *client,
                                const char *node);

/**
 * xmpp_caps_add_to_presence:
 * @client: a client with xmpp_caps_attach() called
 * @presence: an outgoing presence
 *
 * Adds our <c/> to @presence (§6.1), replacing one already there.  Does
 * nothing when caps are not attached.
 */
void xmpp_caps_add_to_presence (XmppClient *client,
                                XmppNode   *presence);

G_END_DECLS
