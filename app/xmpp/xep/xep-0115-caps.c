/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0115: Entity Capabilities, version 1.6.0.
 *
 * Three parts: the verification-string algorithm (§5.1, §5.4), the cache
 * of verified answers, and the per-client presence watcher that fills it.
 *
 * The watcher is built to stay cheap under a presence flood (a large MUC,
 * or somebody cycling through fake `ver` values): one query per unknown
 * `ver`, at most MAX_IN_FLIGHT queries at once and MAX_WAITING queued, a
 * JID that gave a bad answer is not asked again for the same `ver`, and
 * every table is bounded.  Nothing reaches the cache without the hash
 * recomputed from the answer matching the advertised `ver` (§5.4 step 3.8),
 * so a lying entity can only fail to be cached, never poison the cache.
 */
#define G_LOG_DOMAIN "xep-0115-caps"

#include "xep-0115-caps.h"

#include <string.h>

#include "xep-0030-disco.h"

#define ATTACH_KEY "xep-0115-caps-state"

#define MAX_CACHE_ENTRIES 4096   /* distinct verified (hash, ver) pairs */
#define MAX_JIDS          16384  /* JIDs whose advertised ver we remember */
#define MAX_IN_FLIGHT     8      /* disco#info queries at once */
#define MAX_WAITING       32     /* queries queued behind them */
#define MAX_FAILED        256    /* (JID, ver) pairs not to ask again */
#define MAX_VER_LEN       256    /* SHA-512 in Base64 is 88 bytes */
#define MAX_NODE_LEN      1024

/* Verification string (§5.1) */

gboolean
xmpp_caps_hash_from_name (const char    *name,
                          GChecksumType *type)
{
  static const struct {
    const char *name;
    GChecksumType type;
  } hashes[] = {
    { "sha-1", G_CHECKSUM_SHA1 },
    { "sha-256", G_CHECKSUM_SHA256 },
    { "sha-384", G_CHECKSUM_SHA384 },
    { "sha-512", G_CHECKSUM_SHA512 },
  };

  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (hashes); i++)
    if (strcmp (name, hashes[i].name) == 0)
      {
        if (type != NULL)
          *type = hashes[i].type;
        return TRUE;
      }

  return FALSE;
}

typedef struct {
  const char *category;
  const char *type;
  const char *lang;
  const char *name;
} Identity;

typedef struct {
  const char *form_type;
  const XmppNode *x;
} Form;

/* All sorting is "i;octet" (§5.1 note): strcmp() compares unsigned bytes. */
static int
compare_identities (gconstpointer a,
                    gconstpointer b)
{
  const Identity *x = a;
  const Identity *y = b;
  int r;

  if ((r = strcmp (x->category, y->category)) != 0)
    return r;
  if ((r = strcmp (x->type, y->type)) != 0)
    return r;
  if ((r = strcmp (x->lang, y->lang)) != 0)
    return r;
  /* Not a sort key in §5.1, but it makes the order total, so that equal
   * category/type/lang triples (ill-formed anyway) sort the same way. */
  return strcmp (x->name, y->name);
}

static int
compare_string_ptrs (gconstpointer a,
                     gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_forms (gconstpointer a,
               gconstpointer b)
{
  return strcmp (((const Form *) a)->form_type, ((const Form *) b)->form_type);
}

static int
compare_fields (gconstpointer a,
                gconstpointer b)
{
  const XmppNode *x = *(const XmppNode * const *) a;
  const XmppNode *y = *(const XmppNode * const *) b;

  return strcmp (xmpp_node_get_attr (x, "var"), xmpp_node_get_attr (y, "var"));
}

/* The texts of the <value/> children of @field, sorted. */
static GPtrArray *
field_dup_values (const XmppNode *field)
{
  GPtrArray *values = g_ptr_array_new ();
  guint n = xmpp_node_get_n_children (field);

  for (guint i = 0; i < n; i++)
    {
      const XmppNode *value = xmpp_node_get_child_at (field, i);

      if (xmpp_node_is (value, "value", XMPP_NS_DATA))
        g_ptr_array_add (values, (gpointer) xmpp_node_get_text (value));
    }
  g_ptr_array_sort (values, compare_string_ptrs);

  return values;
}

/*
 * Reads the FORM_TYPE of a XEP-0128 form.  Returns FALSE when the form
 * makes the answer ill-formed; otherwise sets *form_type, to NULL when the
 * form must be ignored (§5.4 step 3.6).
 */
static gboolean
form_get_type (const XmppNode  *x,
               const char     **form_type)
{
  const XmppNode *type_field = NULL;
  g_autoptr (GPtrArray) values = NULL;
  guint n = xmpp_node_get_n_children (x);

  *form_type = NULL;

  for (guint i = 0; i < n; i++)
    {
      const XmppNode *field = xmpp_node_get_child_at (x, i);

      if (xmpp_node_is (field, "field", XMPP_NS_DATA) &&
          g_strcmp0 (xmpp_node_get_attr (field, "var"), "FORM_TYPE") == 0)
        {
          if (type_field != NULL)
            return FALSE;
          type_field = field;
        }
    }

  if (type_field == NULL ||
      g_strcmp0 (xmpp_node_get_attr (type_field, "type"), "hidden") != 0)
    return TRUE;

  /* §5.4 step 3.5: several values are fine only when they are equal. */
  values = field_dup_values (type_field);
  if (values->len == 0)
    return FALSE;
  for (guint i = 1; i < values->len; i++)
    if (strcmp (g_ptr_array_index (values, 0), g_ptr_array_index (values, i)) != 0)
      return FALSE;

  *form_type = g_ptr_array_index (values, 0);
  return TRUE;
}

/* Appends the fields of one form (§5.1 step 7); FALSE when ill-formed. */
static gboolean
append_form (GString    *s,
             const Form *form)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new ();
  guint n = xmpp_node_get_n_children (form->x);

  g_string_append (s, form->form_type);
  g_string_append_c (s, '<');

  for (guint i = 0; i < n; i++)
    {
      const XmppNode *field = xmpp_node_get_child_at (form->x, i);
      const char *var;

      if (!xmpp_node_is (field, "field", XMPP_NS_DATA))
        continue;
      var = xmpp_node_get_attr (field, "var");
      if (var == NULL)
        return FALSE;
      if (strcmp (var, "FORM_TYPE") != 0)
        g_ptr_array_add (fields, (gpointer) field);
    }
  g_ptr_array_sort (fields, compare_fields);

  for (guint i = 0; i < fields->len; i++)
    {
      const XmppNode *field = g_ptr_array_index (fields, i);
      g_autoptr (GPtrArray) values = NULL;

      if (i > 0 && compare_fields (&g_ptr_array_index (fields, i - 1),
                                   &g_ptr_array_index (fields, i)) == 0)
        return FALSE;

      g_string_append (s, xmpp_node_get_attr (field, "var"));
      g_string_append_c (s, '<');

      values = field_dup_values (field);
      for (guint j = 0; j < values->len; j++)
        {
          g_string_append (s, g_ptr_array_index (values, j));
          g_string_append_c (s, '<');
        }
    }

  return TRUE;
}

char *
xmpp_caps_compute_ver (const XmppNode *disco_info_query,
                       GChecksumType   type)
{
  g_autoptr (GArray) identities = g_array_new (FALSE, FALSE, sizeof (Identity));
  g_autoptr (GPtrArray) features = g_ptr_array_new ();
  g_autoptr (GArray) forms = g_array_new (FALSE, FALSE, sizeof (Form));
  g_autoptr (GString) s = g_string_new (NULL);
  g_autoptr (GChecksum) checksum = NULL;
  g_autofree guint8 *digest = NULL;
  gssize digest_len;
  gsize len;
  guint n;

  g_return_val_if_fail (disco_info_query != NULL, NULL);

  digest_len = g_checksum_type_get_length (type);
  g_return_val_if_fail (digest_len > 0, NULL);

  n = xmpp_node_get_n_children (disco_info_query);
  for (guint i = 0; i < n; i++)
    {
      const XmppNode *child = xmpp_node_get_child_at (disco_info_query, i);

      if (xmpp_node_is (child, "identity", XMPP_NS_DISCO_INFO))
        {
          Identity identity = {
            xmpp_node_get_attr (child, "category"),
            xmpp_node_get_attr (child, "type"),
            xmpp_node_get_attr (child, "xml:lang"),
            xmpp_node_get_attr (child, "name"),
          };

          if (identity.category == NULL || identity.type == NULL)
            return NULL;
          /* Absent parts are empty; the slashes stay (§5.1 step 2). */
          if (identity.lang == NULL)
            identity.lang = "";
          if (identity.name == NULL)
            identity.name = "";
          g_array_append_val (identities, identity);
        }
      else if (xmpp_node_is (child, "feature", XMPP_NS_DISCO_INFO))
        {
          const char *var = xmpp_node_get_attr (child, "var");

          if (var == NULL)
            return NULL;
          g_ptr_array_add (features, (gpointer) var);
        }
      else if (xmpp_node_is (child, "x", XMPP_NS_DATA))
        {
          Form form = { NULL, child };

          if (!form_get_type (child, &form.form_type))
            return NULL;
          if (form.form_type != NULL)
            g_array_append_val (forms, form);
          else
            g_debug ("ignoring a form without a hidden FORM_TYPE");
        }
    }

  /* Steps 2 and 3, with §5.4 step 3.3 (no two equal identities). */
  g_array_sort (identities, compare_identities);
  for (guint i = 0; i < identities->len; i++)
    {
      const Identity *identity = &g_array_index (identities, Identity, i);

      if (i > 0 && compare_identities (identity - 1, identity) == 0)
        return NULL;
      g_string_append_printf (s, "%s/%s/%s/%s<", identity->category,
                              identity->type, identity->lang, identity->name);
    }

  /* Steps 4 and 5, with §5.4 step 3.4 (no two equal features). */
  g_ptr_array_sort (features, compare_string_ptrs);
  for (guint i = 0; i < features->len; i++)
    {
      if (i > 0 && compare_string_ptrs (&g_ptr_array_index (features, i - 1),
                                        &g_ptr_array_index (features, i)) == 0)
        return NULL;
      g_string_append (s, g_ptr_array_index (features, i));
      g_string_append_c (s, '<');
    }

  /* Steps 6 and 7, with §5.4 step 3.5 (no two forms of one FORM_TYPE). */
  g_array_sort (forms, compare_forms);
  for (guint i = 0; i < forms->len; i++)
    {
      const Form *form = &g_array_index (forms, Form, i);

      if (i > 0 && compare_forms (form - 1, form) == 0)
        return NULL;
      if (!append_form (s, form))
        return NULL;
    }

  /* Steps 8 and 9: the node text is UTF-8 already; the '&lt;' warning of
   * §5.1 holds by construction, since we hash parsed text, never XML. */
  checksum = g_checksum_new (type);
  g_checksum_update (checksum, (const guchar *) s->str, s->len);
  digest = g_malloc (digest_len);
  len = digest_len;
  g_checksum_get_digest (checksum, digest, &len);

  return g_base64_encode (digest, len);
}

/* The cache */

struct _XmppCapsCache
{
  GObject parent_instance;

  GHashTable *entries;   /* "hash\nver" → sorted features (char **) */
  GHashTable *jids;      /* XmppJid → "hash\nver" */

  XmppCapsPersistFunc persist_func;
  gpointer persist_data;
  GDestroyNotify persist_destroy;

  XmppCapsLoadFunc load_func;
  gpointer load_data;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (XmppCapsCache, xmpp_caps_cache, G_TYPE_OBJECT)

enum {
  SIGNAL_JID_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The hash name never contains '\n' (it is one of ours), so the key is
 * unambiguous whatever the `ver` holds. */
static char *
make_key (const char *hash,
          const char *ver)
{
  return g_strconcat (hash, "\n", ver, NULL);
}

static void
xmpp_caps_cache_finalize (GObject *object)
{
  XmppCapsCache *self = XMPP_CAPS_CACHE (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->jids, g_hash_table_unref);
  if (self->persist_destroy != NULL)
    self->persist_destroy (self->persist_data);

  G_OBJECT_CLASS (xmpp_caps_cache_parent_class)->finalize (object);
}

static void
xmpp_caps_cache_class_init (XmppCapsCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xmpp_caps_cache_finalize;

  signals[SIGNAL_JID_CHANGED] =
    g_signal_new ("jid-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_JID);
}

static void
xmpp_caps_cache_init (XmppCapsCache *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal,
                                         g_free, (GDestroyNotify) g_strfreev);
  self->jids = g_hash_table_new_full (xmpp_jid_hash, xmpp_jid_equal,
                                      (GDestroyNotify) xmpp_jid_unref, g_free);
}

XmppCapsCache *
xmpp_caps_cache_new (void)
{
  return g_object_new (XMPP_TYPE_CAPS_CACHE, NULL);
}

void
xmpp_caps_cache_set_persist_func (XmppCapsCache       *self,
                                  XmppCapsPersistFunc  func,
                                  gpointer             user_data,
                                  GDestroyNotify       destroy)
{
  g_return_if_fail (XMPP_IS_CAPS_CACHE (self));

  if (self->persist_destroy != NULL)
    self->persist_destroy (self->persist_data);

  self->persist_func = func;
  self->persist_data = user_data;
  self->persist_destroy = destroy;
}

/* Removes one entry.  The table is unordered, so this is an arbitrary one:
 * good enough for a bound that only a flood reaches. */
static void
evict_one (GHashTable *table)
{
  GHashTableIter iter;

  g_hash_table_iter_init (&iter, table);
  if (g_hash_table_iter_next (&iter, NULL, NULL))
    g_hash_table_iter_remove (&iter);
}

static char **
sorted_unique_copy (const char * const *strv)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  GPtrArray *unique;

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    g_ptr_array_add (sorted, (gpointer) strv[i]);
  g_ptr_array_sort (sorted, compare_string_ptrs);

  unique = g_ptr_array_new_full (sorted->len + 1, NULL);
  for (guint i = 0; i < sorted->len; i++)
    if (i == 0 || strcmp (g_ptr_array_index (sorted, i - 1),
                          g_ptr_array_index (sorted, i)) != 0)
      g_ptr_array_add (unique, g_strdup (g_ptr_array_index (sorted, i)));
  g_ptr_array_add (unique, NULL);

  return (char **) g_ptr_array_free (unique, FALSE);
}

static void
emit_for_key (XmppCapsCache *self,
              const char    *key)
{
  g_autoptr (GPtrArray) changed = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  GHashTableIter iter;
  gpointer jid, jid_key;

  /* Collect first: a handler may change the table. */
  g_hash_table_iter_init (&iter, self->jids);
  while (g_hash_table_iter_next (&iter, &jid, &jid_key))
    if (strcmp (jid_key, key) == 0)
      g_ptr_array_add (changed, xmpp_jid_ref (jid));

  for (guint i = 0; i < changed->len; i++)
    g_signal_emit (self, signals[SIGNAL_JID_CHANGED], 0, g_ptr_array_index (changed, i));
}

/* Returns whether the entry is new. */
static gboolean
cache_insert (XmppCapsCache      *self,
              const char         *hash,
              const char         *ver,
              const char * const *features)
{
  g_autofree char *key = make_key (hash, ver);

  /* An entry never changes once verified: lent feature lists stay valid. */
  if (g_hash_table_contains (self->entries, key))
    return FALSE;

  if (g_hash_table_size (self->entries) >= MAX_CACHE_ENTRIES)
    evict_one (self->entries);

  g_hash_table_insert (self->entries, g_strdup (key), sorted_unique_copy (features));
  emit_for_key (self, key);
  return TRUE;
}

void
xmpp_caps_cache_insert (XmppCapsCache      *self,
                        const char         *hash,
                        const char         *ver,
                        const char * const *features)
{
  g_return_if_fail (XMPP_IS_CAPS_CACHE (self));
  g_return_if_fail (hash != NULL && xmpp_caps_hash_from_name (hash, NULL));
  g_return_if_fail (ver != NULL);

  cache_insert (self, hash, ver, features);
}

/* An answer verified over the network: cache it and let the store know. */
static void
cache_add_verified (XmppCapsCache      *self,
                    const char         *hash,
                    const char         *ver,
                    const char * const *features)
{
  const char * const *stored;

  if (!cache_insert (self, hash, ver, features))
    return;

  stored = xmpp_caps_cache_lookup (self, hash, ver);
  if (self->persist_func != NULL && stored != NULL)
    self->persist_func (self, hash, ver, stored, self->persist_data);
}

const char * const *
xmpp_caps_cache_lookup (XmppCapsCache *self,
                        const char    *hash,
                        const char    *ver)
{
  g_autofree char *key = NULL;
  const char * const *features;

  g_return_val_if_fail (XMPP_IS_CAPS_CACHE (self), NULL);
  g_return_val_if_fail (hash != NULL, NULL);
  g_return_val_if_fail (ver != NULL, NULL);

  key = make_key (hash, ver);
  features = g_hash_table_lookup (self->entries, key);

  /* A miss may still be known to the store: a known `ver` costs no disco
   * query, across restarts too. */
  if (features == NULL && self->load_func != NULL && !self->loading)
    {
      g_auto(GStrv) loaded = NULL;

      self->loading = TRUE;
      loaded = self->load_func (self, hash, ver, self->load_data);
      if (loaded != NULL && cache_insert (self, hash, ver, (const char * const *) loaded))
        features = g_hash_table_lookup (self->entries, key);
      self->loading = FALSE;
    }

  return features;
}

void
xmpp_caps_cache_set_load_func (XmppCapsCache    *self,
                               XmppCapsLoadFunc  func,
                               gpointer          user_data)
{
  g_return_if_fail (XMPP_IS_CAPS_CACHE (self));

  self->load_func = func;
  self->load_data = user_data;
}

void
xmpp_caps_cache_set_jid (XmppCapsCache *self,
                         const XmppJid *jid,
                         const char    *hash,
                         const char    *ver)
{
  g_autofree char *key = NULL;
  const char *old;

  g_return_if_fail (XMPP_IS_CAPS_CACHE (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (hash != NULL && xmpp_caps_hash_from_name (hash, NULL));
  g_return_if_fail (ver != NULL);

  key = make_key (hash, ver);
  old = g_hash_table_lookup (self->jids, jid);
  if (g_strcmp0 (old, key) == 0)
    return;

  if (old == NULL && g_hash_table_size (self->jids) >= MAX_JIDS)
    evict_one (self->jids);

  g_hash_table_replace (self->jids, xmpp_jid_ref ((XmppJid *) jid), g_steal_pointer (&key));
  g_signal_emit (self, signals[SIGNAL_JID_CHANGED], 0, jid);
}

void
xmpp_caps_cache_forget_jid (XmppCapsCache *self,
                            const XmppJid *jid)
{
  g_return_if_fail (XMPP_IS_CAPS_CACHE (self));
  g_return_if_fail (jid != NULL);

  if (g_hash_table_remove (self->jids, jid))
    g_signal_emit (self, signals[SIGNAL_JID_CHANGED], 0, jid);
}

const char * const *
xmpp_caps_cache_get_features_for (XmppCapsCache *self,
                                  const XmppJid *jid)
{
  const char *key;

  g_return_val_if_fail (XMPP_IS_CAPS_CACHE (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  key = g_hash_table_lookup (self->jids, jid);
  if (key == NULL)
    return NULL;

  return g_hash_table_lookup (self->entries, key);
}

gboolean
xmpp_caps_cache_jid_has_feature (XmppCapsCache *self,
                                 const XmppJid *jid,
                                 const char    *ns)
{
  const char * const *features;

  g_return_val_if_fail (ns != NULL, FALSE);

  features = xmpp_caps_cache_get_features_for (self, jid);
  return features != NULL && g_strv_contains (features, ns);
}

/* The presence watcher (§5.4, §6.2) */

typedef struct {
  XmppCapsCache *cache;
  char *node_uri;
  guint handler_id;
  GCancellable *cancellable;
  GHashTable *in_flight;   /* cache keys being queried */
  GQueue waiting;          /* Query */
  GHashTable *failed;      /* "jid\nhash\nver" that gave a bad answer */
} CapsState;

typedef struct {
  CapsState *state;        /* a reference */
  XmppJid *jid;
  char *hash;
  GChecksumType type;
  char *ver;
  char *node;              /* node#ver, the disco node to ask (§6.2) */
  char *key;
} Query;

static void
caps_state_clear (CapsState *self)
{
  g_clear_object (&self->cache);
  g_clear_pointer (&self->node_uri, g_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->failed, g_hash_table_unref);
  g_assert (g_queue_is_empty (&self->waiting));
}

static void
caps_state_unref (gpointer data)
{
  g_rc_box_release_full (data, (GDestroyNotify) caps_state_clear);
}

static void
query_free (Query *query)
{
  /* Queries hold a reference to the state, so the state outlives them. */
  caps_state_unref (query->state);
  xmpp_jid_unref (query->jid);
  g_free (query->hash);
  g_free (query->ver);
  g_free (query->node);
  g_free (query->key);
  g_free (query);
}

static char *
make_failed_key (const Query *query)
{
  return g_strconcat (xmpp_jid_to_string (query->jid), "\n", query->key, NULL);
}

static void start_query (XmppClient *client,
                         Query      *query);

static void
run_waiting (CapsState  *self,
             XmppClient *client)
{
  while (g_hash_table_size (self->in_flight) < MAX_IN_FLIGHT &&
         !g_queue_is_empty (&self->waiting))
    {
      Query *query = g_queue_pop_head (&self->waiting);

      /* Another query may have settled this ver in the meantime. */
      if (g_hash_table_contains (self->in_flight, query->key) ||
          xmpp_caps_cache_lookup (self->cache, query->hash, query->ver) != NULL)
        query_free (query);
      else
        start_query (client, query);
    }
}

static void
query_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  XmppClient *client = XMPP_CLIENT (source);
  Query *query = user_data;
  CapsState *self = query->state;
  g_autoptr (XmppNode) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *computed = NULL;

  info = xmpp_disco_info_finish (client, result, &error);
  g_hash_table_remove (self->in_flight, query->key);

  /* Detached: leave everything as it is. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      query_free (query);
      return;
    }

  if (info != NULL)
    computed = xmpp_caps_compute_ver (info, query->type);

  if (computed != NULL && strcmp (computed, query->ver) == 0)
    {
      g_auto (GStrv) features = xmpp_disco_info_dup_features (info);

      /* §5.4 step 3.8: valid, cache it for everybody. */
      g_debug ("verified %s %s", query->hash, query->ver);
      cache_add_verified (self->cache, query->hash, query->ver,
                          (const char * const *) features);
    }
  else
    {
      /* §5.4 step 3.9: never cache it; another entity advertising the same
       * ver will be asked when its presence arrives.  This one is not
       * asked for this ver again. */
      g_debug ("%s did not prove ver %s: %s", xmpp_jid_to_string (query->jid),
               query->ver,
               error != NULL ? error->message :
               computed != NULL ? "hash mismatch" : "ill-formed answer");

      if (g_hash_table_size (self->failed) >= MAX_FAILED)
        g_hash_table_remove_all (self->failed);
      g_hash_table_add (self->failed, make_failed_key (query));
    }

  /* run_waiting() before query_free(): the query's reference may be the
   * last one after a detach. */
  if (!g_cancellable_is_cancelled (self->cancellable))
    run_waiting (self, client);
  query_free (query);
}

static void
start_query (XmppClient *client,
             Query      *query)
{
  CapsState *self = query->state;

  g_hash_table_add (self->in_flight, g_strdup (query->key));
  xmpp_disco_info_async (client, query->jid, query->node, self->cancellable,
                         query_done_cb, query);
}

/* Our own presence comes back to us; hash our own answer instead of
 * asking ourselves. */
static void
cache_own_ver (CapsState  *self,
               XmppClient *client)
{
  g_autoptr (XmppNode) info = xmpp_disco_build_own_info (client, NULL);
  g_autofree char *ver = xmpp_caps_compute_ver (info, G_CHECKSUM_SHA1);
  g_auto (GStrv) features = NULL;

  if (ver == NULL || xmpp_caps_cache_lookup (self->cache, "sha-1", ver) != NULL)
    return;

  features = xmpp_disco_info_dup_features (info);
  cache_insert (self->cache, "sha-1", ver, (const char * const *) features);
}

static void
request_ver (CapsState     *self,
             XmppClient    *client,
             XmppJid       *jid,
             const char    *hash,
             GChecksumType  type,
             const char    *node,
             const char    *ver)
{
  g_autofree char *failed_key = NULL;
  Query *query;

  query = g_new0 (Query, 1);
  query->state = g_rc_box_acquire (self);
  query->jid = xmpp_jid_ref (jid);
  query->hash = g_strdup (hash);
  query->type = type;
  query->ver = g_strdup (ver);
  query->node = g_strconcat (node, "#", ver, NULL);
  query->key = make_key (hash, ver);

  failed_key = make_failed_key (query);
  if (g_hash_table_contains (self->in_flight, query->key) ||
      g_hash_table_contains (self->failed, failed_key))
    {
      query_free (query);
      return;
    }

  if (g_hash_table_size (self->in_flight) < MAX_IN_FLIGHT)
    {
      start_query (client, query);
      return;
    }

  for (GList *l = self->waiting.head; l != NULL; l = l->next)
    if (strcmp (((Query *) l->data)->key, query->key) == 0)
      {
        query_free (query);
        return;
      }

  if (self->waiting.length >= MAX_WAITING)
    {
      g_debug ("too many caps queries; %s waits for its next presence", ver);
      query_free (query);
      return;
    }

  g_queue_push_tail (&self->waiting, query);
}

/* The handler owns the state: removing it (xmpp_caps_detach(), or the
 * client going away) stops the watcher.  Queries in flight end with
 * G_IO_ERROR_CANCELLED and release their references then. */
static void
handler_destroyed (gpointer data)
{
  CapsState *self = data;
  Query *query;

  g_cancellable_cancel (self->cancellable);
  while ((query = g_queue_pop_head (&self->waiting)) != NULL)
    query_free (query);

  caps_state_unref (self);
}

static gboolean
presence_cb (XmppClient *client,
             XmppNode   *stanza,
             XmppJid    *from,
             gpointer    user_data)
{
  CapsState *self = user_data;
  const char *presence_type = xmpp_node_get_attr (stanza, "type");
  const char *hash;
  const char *node;
  const char *ver;
  GChecksumType type;
  XmppNode *c;

  if (from == NULL)
    return FALSE;

  if (g_strcmp0 (presence_type, "unavailable") == 0)
    {
      xmpp_caps_cache_forget_jid (self->cache, from);
      return FALSE;
    }

  /* Subscription requests, probes and errors carry no capabilities. */
  if (presence_type != NULL)
    return FALSE;

  c = xmpp_node_get_child (stanza, "c", XMPP_NS_CAPS);
  if (c == NULL)
    return FALSE;

  hash = xmpp_node_get_attr (c, "hash");
  node = xmpp_node_get_attr (c, "node");
  ver = xmpp_node_get_attr (c, "ver");

  /* §5.4 step 1 (no hash: the legacy format, §13, which we ignore) and
   * step 2 (a hash we do not support): nothing can be verified, and what
   * the JID advertised before no longer holds. */
  if (hash == NULL || !xmpp_caps_hash_from_name (hash, &type))
    {
      xmpp_caps_cache_forget_jid (self->cache, from);
      return FALSE;
    }

  if (node == NULL || ver == NULL || *ver == '\0' ||
      strlen (ver) > MAX_VER_LEN || strlen (node) > MAX_NODE_LEN)
    return FALSE;

  xmpp_caps_cache_set_jid (self->cache, from, hash, ver);
  if (xmpp_caps_cache_lookup (self->cache, hash, ver) != NULL)
    return FALSE;

  cache_own_ver (self, client);
  if (xmpp_caps_cache_lookup (self->cache, hash, ver) != NULL)
    return FALSE;

  request_ver (self, client, from, hash, type, node, ver);
  return FALSE;
}

void
xmpp_caps_attach (XmppClient    *client,
                  XmppCapsCache *cache,
                  const char    *node_uri)
{
  CapsState *self;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (XMPP_IS_CAPS_CACHE (cache));
  g_return_if_fail (node_uri != NULL && *node_uri != '\0');

  if (g_object_get_data (G_OBJECT (client), ATTACH_KEY) != NULL)
    return;

  self = g_rc_box_new0 (CapsState);
  self->cache = g_object_ref (cache);
  self->node_uri = g_strdup (node_uri);
  self->cancellable = g_cancellable_new ();
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->waiting);

  /* Early, and never consuming, so that the presence consumers that run
   * later see the JID's features already when they are known. */
  self->handler_id = xmpp_client_add_handler (client, XMPP_STANZA_PRESENCE,
                                              NULL, NULL,
                                              XMPP_SENDER_ANY, -100,
                                              presence_cb, self, handler_destroyed);
  g_object_set_data (G_OBJECT (client), ATTACH_KEY, self);

  /* Our caps node is answered by the disco#info responder (§6.2). */
  xmpp_disco_attach (client);
  xmpp_client_add_feature (client, XMPP_NS_CAPS);
}

void
xmpp_caps_detach (XmppClient *client)
{
  CapsState *self;

  g_return_if_fail (XMPP_IS_CLIENT (client));

  self = g_object_steal_data (G_OBJECT (client), ATTACH_KEY);
  if (self != NULL)
    xmpp_client_remove_handler (client, self->handler_id);
}

char *
xmpp_caps_dup_own_ver (XmppClient *client)
{
  g_autoptr (XmppNode) info = NULL;

  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);

  info = xmpp_disco_build_own_info (client, NULL);
  return xmpp_caps_compute_ver (info, G_CHECKSUM_SHA1);
}

gboolean
xmpp_caps_is_own_node (XmppClient *client,
                       const char *node)
{
  CapsState *self;
  g_autofree char *ver = NULL;
  gsize len;

  g_return_val_if_fail (XMPP_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (node != NULL, FALSE);

  self = g_object_get_data (G_OBJECT (client), ATTACH_KEY);
  if (self == NULL)
    return FALSE;

  len = strlen (self->node_uri);
  if (strncmp (node, self->node_uri, len) != 0 || node[len] != '#')
    return FALSE;

  ver = xmpp_caps_dup_own_ver (client);
  return ver != NULL && strcmp (node + len + 1, ver) == 0;
}

void
xmpp_caps_add_to_presence (XmppClient *client,
                           XmppNode   *presence)
{
  CapsState *self;
  g_autofree char *ver = NULL;
  XmppNode *c;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (presence != NULL);

  self = g_object_get_data (G_OBJECT (client), ATTACH_KEY);
  if (self == NULL)
    return;

  ver = xmpp_caps_dup_own_ver (client);
  g_return_if_fail (ver != NULL);

  for (guint i = xmpp_node_get_n_children (presence); i > 0; i--)
    if (xmpp_node_is (xmpp_node_get_child_at (presence, i - 1), "c", XMPP_NS_CAPS))
      xmpp_node_remove_child_at (presence, i - 1);

  /* §6.1 */
  c = xmpp_node_add_child (presence, "c", XMPP_NS_CAPS);
  xmpp_node_set_attr (c, "hash", "sha-1");
  xmpp_node_set_attr (c, "node", self->node_uri);
  xmpp_node_set_attr (c, "ver", ver);

  cache_own_ver (self, client);
}
