/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-message-list"

/*
 * A conversation can hold hundreds of thousands of messages; the list
 * holds a window of them, contiguous in the history's (sort time, row id)
 * order, oldest first, and never more than max-items (default 1,000:
 * twenty pages of 50).  Memory is bounded by that, whatever the length of
 * the history.  A view may lower both (petrel_message_list_set_page_size
 * (), petrel_message_list_set_max_items ()) to what it can lay out in one
 * main-loop turn and keep alive.
 *
 *   load_newest ()   the newest page; replaces the window (items-changed
 *                    (0, old, new), the only whole-list change)
 *   load_older ()    prepends the page before the window (0, 0, k); if the
 *                    window is then too long, drops its newest end
 *                    (max, n - max, 0) and has-newer becomes TRUE
 *   load_newer ()    appends the page after the window (n, 0, k); if too
 *                    long, drops its oldest end (0, n - max, 0) and
 *                    has-older becomes TRUE
 *   append ()        a live message, at its place in the order (the end,
 *                    unless it is delayed); while has-newer the window is
 *                    not at the live end, so the message is left to the
 *                    store and comes back with load_newer ()
 *   update ()        a stored message changed (a XEP-0308 correction):
 *                    the item with its row id takes the new body in
 *                    place, so a row showing it follows "notify::body"
 *
 * So a view scrolled far back holds only the pages around what it shows,
 * and scrolling down brings the newer pages back.  Pages are fetched with
 * one row more than needed, so has-older and has-newer are exact: a view
 * never shows a spinner for history that does not exist.
 */

#include <string.h>

#include "petrel-message-list.h"

#define DEFAULT_PAGE_SIZE 50
#define DEFAULT_MAX_ITEMS 1000

struct _PetrelMessageList
{
  GObject parent_instance;

  PetrelHistorySource *source;
  guint page_size;
  guint max_items;

  GPtrArray *items; /* PetrelMessage, oldest first */
  gboolean constructed;
  gboolean loaded;
  gboolean has_older;
  gboolean has_newer;
};

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_PAGE_SIZE,
  PROP_MAX_ITEMS,
  PROP_N_ITEMS,
  PROP_HAS_OLDER,
  PROP_HAS_NEWER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PetrelMessageList, petrel_message_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
list_get_item_type (GListModel *model)
{
  return PETREL_TYPE_MESSAGE;
}

static guint
list_get_n_items (GListModel *model)
{
  return PETREL_MESSAGE_LIST (model)->items->len;
}

static gpointer
list_get_item (GListModel *model,
               guint       position)
{
  PetrelMessageList *self = PETREL_MESSAGE_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

static void
petrel_message_list_constructed (GObject *object)
{
  PetrelMessageList *self = PETREL_MESSAGE_LIST (object);

  G_OBJECT_CLASS (petrel_message_list_parent_class)->constructed (object);

  g_assert (self->source != NULL);
  /* Room for the page being read and the one it joins, so a load never
   * drops what it just loaded. */
  self->max_items = MAX (self->max_items, 2 * self->page_size);
  self->constructed = TRUE;
}

static void
petrel_message_list_dispose (GObject *object)
{
  PetrelMessageList *self = PETREL_MESSAGE_LIST (object);

  g_ptr_array_set_size (self->items, 0);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (petrel_message_list_parent_class)->dispose (object);
}

static void
petrel_message_list_finalize (GObject *object)
{
  PetrelMessageList *self = PETREL_MESSAGE_LIST (object);

  g_ptr_array_unref (self->items);

  G_OBJECT_CLASS (petrel_message_list_parent_class)->finalize (object);
}

static void
petrel_message_list_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PetrelMessageList *self = PETREL_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_SOURCE: g_value_set_object (value, self->source); break;
    case PROP_PAGE_SIZE: g_value_set_uint (value, self->page_size); break;
    case PROP_MAX_ITEMS: g_value_set_uint (value, self->max_items); break;
    case PROP_N_ITEMS: g_value_set_uint (value, self->items->len); break;
    case PROP_HAS_OLDER: g_value_set_boolean (value, self->has_older); break;
    case PROP_HAS_NEWER: g_value_set_boolean (value, self->has_newer); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_message_list_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PetrelMessageList *self = PETREL_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_SOURCE: self->source = g_value_dup_object (value); break;
    case PROP_PAGE_SIZE:
      if (self->constructed)
        petrel_message_list_set_page_size (self, g_value_get_uint (value));
      else
        self->page_size = g_value_get_uint (value);
      break;
    case PROP_MAX_ITEMS:
      if (self->constructed)
        petrel_message_list_set_max_items (self, g_value_get_uint (value));
      else
        self->max_items = g_value_get_uint (value);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_message_list_class_init (PetrelMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = petrel_message_list_constructed;
  object_class->dispose = petrel_message_list_dispose;
  object_class->finalize = petrel_message_list_finalize;
  object_class->get_property = petrel_message_list_get_property;
  object_class->set_property = petrel_message_list_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_object ("source", NULL, NULL, PETREL_TYPE_HISTORY_SOURCE, construct);
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 1, 10000, DEFAULT_PAGE_SIZE, rw);
  /* At least twice page-size; raised to that when set lower. */
  properties[PROP_MAX_ITEMS] =
    g_param_spec_uint ("max-items", NULL, NULL, 2, G_MAXUINT / 2, DEFAULT_MAX_ITEMS, rw);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_HAS_OLDER] = g_param_spec_boolean ("has-older", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_NEWER] = g_param_spec_boolean ("has-newer", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
petrel_message_list_init (PetrelMessageList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->page_size = DEFAULT_PAGE_SIZE;
  self->max_items = DEFAULT_MAX_ITEMS;
}

/**
 * petrel_message_list_new:
 *
 * An empty list; petrel_message_list_load_newest () opens the conversation.
 */
PetrelMessageList *
petrel_message_list_new (PetrelHistorySource *source)
{
  g_return_val_if_fail (PETREL_IS_HISTORY_SOURCE (source), NULL);

  return g_object_new (PETREL_TYPE_MESSAGE_LIST, "source", source, NULL);
}

PetrelHistorySource *
petrel_message_list_get_source (PetrelMessageList *self)
{
  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), NULL);

  return self->source;
}

guint
petrel_message_list_get_page_size (PetrelMessageList *self)
{
  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), 0);

  return self->page_size;
}

guint
petrel_message_list_get_max_items (PetrelMessageList *self)
{
  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), 0);

  return self->max_items;
}

/* Whether the history holds messages before the first item. */
gboolean
petrel_message_list_get_has_older (PetrelMessageList *self)
{
  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), FALSE);

  return self->has_older;
}

/* Whether the history holds messages after the last item: the window
 * was scrolled away from the live end. */
gboolean
petrel_message_list_get_has_newer (PetrelMessageList *self)
{
  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), FALSE);

  return self->has_newer;
}

/* Setters for the read-only state; each notifies only on a change. */
static void
set_has_older (PetrelMessageList *self,
               gboolean           has_older)
{
  if (self->has_older == has_older)
    return;

  self->has_older = has_older;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_OLDER]);
}

static void
set_has_newer (PetrelMessageList *self,
               gboolean           has_newer)
{
  if (self->has_newer == has_newer)
    return;

  self->has_newer = has_newer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_NEWER]);
}

static void
notify_n_items (PetrelMessageList *self,
                guint              old_n)
{
  if (self->items->len != old_n)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static int
compare_messages (PetrelMessage *a,
                  PetrelMessage *b)
{
  PetrelHistoryCursor ca, cb;

  petrel_history_cursor_init_from_message (&ca, a);
  petrel_history_cursor_init_from_message (&cb, b);

  return petrel_history_cursor_compare (&ca, &cb);
}

/* A source's page must be in order, and strictly before @before / after
 * @after when given; anything else is a bug in the source. */
static gboolean
page_is_valid (GPtrArray     *page,
               PetrelMessage *after,
               PetrelMessage *before)
{
  for (guint i = 0; i < page->len; i++)
    {
      PetrelMessage *message = g_ptr_array_index (page, i);

      if (!PETREL_IS_MESSAGE (message))
        return FALSE;
      if (i > 0 && compare_messages (g_ptr_array_index (page, i - 1), message) >= 0)
        return FALSE;
    }
  if (page->len > 0 && after != NULL && compare_messages (after, g_ptr_array_index (page, 0)) >= 0)
    return FALSE;
  if (page->len > 0 && before != NULL && compare_messages (g_ptr_array_index (page, page->len - 1), before) >= 0)
    return FALSE;

  return TRUE;
}

/* Inserts @n messages of @page from @from at @index, taking new references. */
static void
insert_messages (PetrelMessageList *self,
                 guint              index,
                 GPtrArray         *page,
                 guint              from,
                 guint              n)
{
  guint old_len = self->items->len;

  g_assert (index <= old_len);
  g_assert (from + n <= page->len);

  /* An empty array may have no storage at all: memmove on NULL is
   * undefined even for 0 bytes. */
  if (n == 0)
    return;

  g_ptr_array_set_size (self->items, old_len + n);
  memmove (self->items->pdata + index + n, self->items->pdata + index,
           (old_len - index) * sizeof (gpointer));
  for (guint i = 0; i < n; i++)
    self->items->pdata[index + i] = g_object_ref (g_ptr_array_index (page, from + i));
}

/* Drops the newest end of the window down to max-items. */
static void
trim_newer (PetrelMessageList *self)
{
  guint excess;

  if (self->items->len <= self->max_items)
    return;

  excess = self->items->len - self->max_items;
  g_ptr_array_remove_range (self->items, self->max_items, excess);
  g_list_model_items_changed (G_LIST_MODEL (self), self->max_items, excess, 0);
  set_has_newer (self, TRUE);
}

/* Drops the oldest end of the window down to max-items. */
static void
trim_older (PetrelMessageList *self)
{
  guint excess;

  if (self->items->len <= self->max_items)
    return;

  excess = self->items->len - self->max_items;
  g_ptr_array_remove_range (self->items, 0, excess);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, excess, 0);
  set_has_older (self, TRUE);
}

/**
 * petrel_message_list_load_newest:
 *
 * Opens the conversation at its newest page, or jumps back there: the
 * window becomes the newest page-size messages (one source read).
 *
 * Returns: %FALSE with @error set when the source failed; the list is
 *   then unchanged
 */
gboolean
petrel_message_list_load_newest (PetrelMessageList  *self,
                                 GError            **error)
{
  g_autoptr(GPtrArray) page = NULL;
  guint old_n;
  guint skip;

  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  page = petrel_history_source_load_before (self->source, NULL, self->page_size + 1, error);
  if (page == NULL)
    return FALSE;
  g_return_val_if_fail (page_is_valid (page, NULL, NULL), FALSE);

  old_n = self->items->len;
  skip = page->len > self->page_size ? page->len - self->page_size : 0;
  g_ptr_array_set_size (self->items, 0);
  insert_messages (self, 0, page, skip, page->len - skip);
  self->loaded = TRUE;
  if (old_n > 0 || self->items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->items->len);

  set_has_older (self, skip > 0);
  set_has_newer (self, FALSE);
  notify_n_items (self, old_n);

  return TRUE;
}

/**
 * petrel_message_list_load_older:
 *
 * Prepends the page before the first item (one source read), and drops
 * the newest end of the window if it grew past max-items.  Does nothing
 * when has-older is %FALSE; opens the conversation if it was not yet.
 *
 * Returns: %FALSE with @error set when the source failed
 */
gboolean
petrel_message_list_load_older (PetrelMessageList  *self,
                                GError            **error)
{
  g_autoptr(GPtrArray) page = NULL;
  PetrelHistoryCursor cursor;
  PetrelMessage *first;
  guint old_n;
  guint skip;

  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  old_n = self->items->len;
  if (!self->loaded)
    return petrel_message_list_load_newest (self, error);
  if (!self->has_older)
    return TRUE;

  g_assert (old_n > 0);
  first = g_ptr_array_index (self->items, 0);
  petrel_history_cursor_init_from_message (&cursor, first);
  page = petrel_history_source_load_before (self->source, &cursor, self->page_size + 1, error);
  if (page == NULL)
    return FALSE;
  g_return_val_if_fail (page_is_valid (page, NULL, first), FALSE);

  skip = page->len > self->page_size ? page->len - self->page_size : 0;
  insert_messages (self, 0, page, skip, page->len - skip);
  if (page->len > skip)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, page->len - skip);
  set_has_older (self, skip > 0);
  trim_newer (self);
  notify_n_items (self, old_n);

  return TRUE;
}

/**
 * petrel_message_list_load_newer:
 *
 * Appends the page after the last item (one source read), and drops the
 * oldest end of the window if it grew past max-items.  Does nothing when
 * has-newer is %FALSE.
 *
 * Returns: %FALSE with @error set when the source failed
 */
gboolean
petrel_message_list_load_newer (PetrelMessageList  *self,
                                GError            **error)
{
  g_autoptr(GPtrArray) page = NULL;
  PetrelHistoryCursor cursor;
  PetrelMessage *last;
  guint old_n;
  guint keep;

  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  old_n = self->items->len;
  if (!self->has_newer)
    return TRUE;

  g_assert (old_n > 0);
  last = g_ptr_array_index (self->items, old_n - 1);
  petrel_history_cursor_init_from_message (&cursor, last);
  page = petrel_history_source_load_after (self->source, &cursor, self->page_size + 1, error);
  if (page == NULL)
    return FALSE;
  g_return_val_if_fail (page_is_valid (page, last, NULL), FALSE);

  keep = MIN (page->len, self->page_size);
  insert_messages (self, old_n, page, 0, keep);
  if (keep > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, keep);
  set_has_newer (self, page->len > self->page_size);
  trim_older (self);
  notify_n_items (self, old_n);

  return TRUE;
}

/**
 * petrel_message_list_append:
 * @message: a message just stored, with its cursor (sort-time, row-id)
 *
 * Adds a live message at its place in the order: the end, or before
 * newer items when it arrived late (a delayed or caught-up message).  If
 * the window then holds more than max-items its oldest items are dropped.
 *
 * Returns: whether it was added: %FALSE when the list is not loaded, when
 *   the message lies outside the window (it is in the store, and loading
 *   pages brings it), or when the list already holds it
 */
gboolean
petrel_message_list_append (PetrelMessageList *self,
                            PetrelMessage     *message)
{
  guint old_n;
  guint position;

  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), FALSE);
  g_return_val_if_fail (PETREL_IS_MESSAGE (message), FALSE);

  old_n = position = self->items->len;
  if (!self->loaded || self->has_newer)
    return FALSE;

  /* Late messages are rare and recent, so search from the end. */
  while (position > 0)
    {
      int cmp = compare_messages (g_ptr_array_index (self->items, position - 1), message);

      if (cmp == 0)
        return FALSE;
      if (cmp < 0)
        break;
      position--;
    }
  if (position == 0 && self->has_older)
    return FALSE;

  g_ptr_array_insert (self->items, position, g_object_ref (message));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  trim_older (self);
  notify_n_items (self, old_n);

  return TRUE;
}

/**
 * petrel_message_list_update_state:
 * @origin_id: the outgoing message's origin-id
 * @state: its new delivery state
 *
 * Sets the state of the loaded outgoing message with @origin_id; a message
 * outside the window is only in the store, which already has the state.
 *
 * Returns: whether the message is in the window
 */
gboolean
petrel_message_list_update_state (PetrelMessageList *self,
                                  const char        *origin_id,
                                  const char        *state)
{
  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), FALSE);
  g_return_val_if_fail (origin_id != NULL, FALSE);

  /* Receipts and markers concern recent messages: search from the end. */
  for (guint i = self->items->len; i > 0; i--)
    {
      PetrelMessage *message = g_ptr_array_index (self->items, i - 1);

      if (petrel_message_get_outgoing (message)
          && g_strcmp0 (petrel_message_get_origin_id (message), origin_id) == 0)
        {
          petrel_message_set_state (message, state);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * petrel_message_list_update:
 * @message: the stored message as it is now (its row id names it), e.g.
 *   an original carrying the body of its newest correction (XEP-0308)
 *
 * Gives the loaded item with @message's row id the new body.  The item
 * stays the same object at the same place, so no items-changed: views
 * follow its "notify::body".  A message outside the window is only in the
 * store, and the next page read brings it as it is now.
 *
 * Returns: whether the message is in the window
 */
gboolean
petrel_message_list_update (PetrelMessageList *self,
                            PetrelMessage     *message)
{
  PetrelHistoryCursor wanted;
  guint low = 0;
  guint high;

  g_return_val_if_fail (PETREL_IS_MESSAGE_LIST (self), FALSE);
  g_return_val_if_fail (PETREL_IS_MESSAGE (message), FALSE);

  if (petrel_message_get_row_id (message) <= 0)
    return FALSE;

  /* The window is sorted by cursor: a binary search. */
  petrel_history_cursor_init_from_message (&wanted, message);
  high = self->items->len;
  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      PetrelMessage *item = g_ptr_array_index (self->items, mid);
      PetrelHistoryCursor at;
      int cmp;

      petrel_history_cursor_init_from_message (&at, item);
      cmp = petrel_history_cursor_compare (&at, &wanted);
      if (cmp == 0)
        {
          if (item != message)
            petrel_message_set_body (item, petrel_message_get_body (message));
          return TRUE;
        }
      if (cmp < 0)
        low = mid + 1;
      else
        high = mid;
    }

  return FALSE;
}

/**
 * petrel_message_list_set_page_size:
 * @page_size: messages per read from the source, at least 1
 *
 * How many messages each later load reads: a view sets what it can bind
 * and lay out in one main-loop turn.  max-items rises to twice this if it
 * was lower.
 */
void
petrel_message_list_set_page_size (PetrelMessageList *self,
                                   guint              page_size)
{
  g_return_if_fail (PETREL_IS_MESSAGE_LIST (self));
  g_return_if_fail (page_size >= 1);

  if (self->page_size == page_size)
    return;

  self->page_size = page_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_SIZE]);
  if (self->max_items < 2 * page_size)
    petrel_message_list_set_max_items (self, 2 * page_size);
}

/**
 * petrel_message_list_set_max_items:
 * @max_items: the most messages the window holds (raised to twice
 *   page-size)
 *
 * Bounds the window.  A window longer than the new bound drops the end
 * away from the live end: its oldest messages while it is at the live
 * end, else its newest.
 */
void
petrel_message_list_set_max_items (PetrelMessageList *self,
                                   guint              max_items)
{
  guint old_n;

  g_return_if_fail (PETREL_IS_MESSAGE_LIST (self));

  max_items = MAX (max_items, 2 * self->page_size);
  if (self->max_items == max_items)
    return;

  self->max_items = max_items;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ITEMS]);

  old_n = self->items->len;
  if (self->has_newer)
    trim_newer (self);
  else
    trim_older (self);
  notify_n_items (self, old_n);
}
