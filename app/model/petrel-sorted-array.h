/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelSortedArray: the mechanism behind the sorted GListModels of
 * app/model.  A GPtrArray kept sorted by a GCompareDataFunc, whose
 * changes return the exact positions a model announces in items-changed,
 * and an index of the items by a string key (an item's key must not
 * change while it is in the array).
 * Not a GObject: a list embeds it and owns it.
 *
 * The compare function must be a total order, and an item's sort key must
 * not change while the item is in the array, except between
 * petrel_sorted_array_position () and petrel_sorted_array_reposition ().
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Returns: (transfer none): @item's key in the index */
typedef const char *(*PetrelSortedArrayKeyFunc) (gconstpointer item);

typedef struct
{
  GPtrArray       *items; /* sorted; frees them with the free func */
  GCompareDataFunc compare;
  gpointer         compare_data;
  GDestroyNotify   free_func;
  gsize            object_offset; /* of the GObject * the list shows, in an item */
  PetrelSortedArrayKeyFunc key_func;
  GHashTable      *index; /* key → item */
} PetrelSortedArray;

void petrel_sorted_array_init (PetrelSortedArray *self,
                               GCompareDataFunc   compare,
                               gpointer           compare_data,
                               GDestroyNotify     free_func,
                               gsize              object_offset,
                               PetrelSortedArrayKeyFunc key_func);
/* Frees every item and the array. */
void petrel_sorted_array_clear (PetrelSortedArray *self);
/* Frees every item. */
void petrel_sorted_array_remove_all (PetrelSortedArray *self);

static inline guint
petrel_sorted_array_get_length (const PetrelSortedArray *self)
{
  return self->items->len;
}

/* Returns: (transfer none) (nullable): %NULL past the end */
static inline gpointer
petrel_sorted_array_get (const PetrelSortedArray *self,
                         guint                    position)
{
  return position < self->items->len ? g_ptr_array_index (self->items, position) : NULL;
}

/*
 * For GListModel.get_item ().
 *
 * Returns: (transfer full) (nullable): the object of the item at
 *   @position, %NULL past the end
 */
gpointer petrel_sorted_array_dup_object (const PetrelSortedArray *self,
                                         guint                    position);

/*
 * petrel_sorted_array_items_changed:
 * @n_items: the model's "n-items" property
 *
 * Emits items-changed on @model, and notifies @n_items when the length
 * changed.
 */
void petrel_sorted_array_items_changed (GListModel *model,
                                        GParamSpec *n_items,
                                        guint       position,
                                        guint       removed,
                                        guint       added);

/* Returns: (transfer none) (nullable): the item with @key */
static inline gpointer
petrel_sorted_array_lookup (const PetrelSortedArray *self,
                            const char              *key)
{
  return g_hash_table_lookup (self->index, key);
}

/* The first position whose item does not sort before @item. */
guint petrel_sorted_array_lower_bound (const PetrelSortedArray *self,
                                       gconstpointer            item);
/* Where @item is; it must be in the array. */
guint petrel_sorted_array_position (const PetrelSortedArray *self,
                                    gconstpointer            item);
/* Takes @item, whose key must not be in the array; returns where it went. */
guint petrel_sorted_array_insert (PetrelSortedArray *self,
                                  gpointer           item);
/* Frees @item, which must be in the array; returns where it was. */
guint petrel_sorted_array_remove (PetrelSortedArray *self,
                                  gpointer           item);

/*
 * petrel_sorted_array_reposition:
 * @old_position: where the item was before its sort key changed, from
 *   petrel_sorted_array_position ()
 * @model: (nullable): the model to announce a move on
 *
 * Moves the item at @old_position to where its new key belongs.  A move is
 * announced on @model as items-changed (old, 1, 0) then (new, 0, 1), each
 * describing the array as it is when it is emitted; none when the item
 * stays.
 *
 * Returns: the item's new position
 */
guint petrel_sorted_array_reposition (PetrelSortedArray *self,
                                      guint              old_position,
                                      GListModel        *model);

/*
 * petrel_sorted_array_steal_all:
 * @index: (out) (transfer full): the index of the stolen items
 *
 * Returns: (transfer container): every item, in order, for the caller to
 * free or keep; the array is left empty
 */
GPtrArray *petrel_sorted_array_steal_all (PetrelSortedArray *self,
                                          GHashTable       **index) G_GNUC_WARN_UNUSED_RESULT;
/* Takes @item (its key must not be in the array) at the end;
 * petrel_sorted_array_sort () must follow. */
void petrel_sorted_array_append_unsorted (PetrelSortedArray *self,
                                          gpointer           item);
/* Sorts the whole array after keys changed or items were appended. */
void petrel_sorted_array_sort (PetrelSortedArray *self);

/*
 * PETREL_SORTED_ARRAY_DEFINE_LIST_MODEL:
 * @cast: the instance cast macro, e.g. PETREL_CONTACT_LIST
 * @field: the PetrelSortedArray member of the instance struct
 * @item_type: the GType of the objects the items show
 *
 * Defines `static void list_model_iface_init (GListModelInterface *)`
 * for a GListModel that shows the items of @field in order.
 */
#define PETREL_SORTED_ARRAY_DEFINE_LIST_MODEL(cast, field, item_type)           \
  static GType                                                                 \
  list_get_item_type (GListModel *model)                                       \
  {                                                                            \
    return item_type;                                                          \
  }                                                                            \
  static guint                                                                 \
  list_get_n_items (GListModel *model)                                         \
  {                                                                            \
    return petrel_sorted_array_get_length (&cast (model)->field);              \
  }                                                                            \
  static gpointer                                                              \
  list_get_item (GListModel *model,                                            \
                 guint       position)                                         \
  {                                                                            \
    return petrel_sorted_array_dup_object (&cast (model)->field, position);    \
  }                                                                            \
  static void                                                                  \
  list_model_iface_init (GListModelInterface *iface)                           \
  {                                                                            \
    iface->get_item_type = list_get_item_type;                                 \
    iface->get_n_items = list_get_n_items;                                     \
    iface->get_item = list_get_item;                                           \
  }

G_END_DECLS
