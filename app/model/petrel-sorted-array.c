/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-sorted-array"

#include "petrel-sorted-array.h"

void
petrel_sorted_array_init (PetrelSortedArray *self,
                          GCompareDataFunc   compare,
                          gpointer           compare_data,
                          GDestroyNotify     free_func,
                          gsize              object_offset,
                          PetrelSortedArrayKeyFunc key_func)
{
  self->items = g_ptr_array_new_with_free_func (free_func);
  self->compare = compare;
  self->compare_data = compare_data;
  self->free_func = free_func;
  self->object_offset = object_offset;
  self->key_func = key_func;
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
}

void
petrel_sorted_array_clear (PetrelSortedArray *self)
{
  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
}

void
petrel_sorted_array_remove_all (PetrelSortedArray *self)
{
  g_hash_table_remove_all (self->index);
  g_ptr_array_set_size (self->items, 0);
}

gpointer
petrel_sorted_array_dup_object (const PetrelSortedArray *self,
                                guint                    position)
{
  gpointer item = petrel_sorted_array_get (self, position);

  return item != NULL ? g_object_ref (G_STRUCT_MEMBER (gpointer, item, self->object_offset)) : NULL;
}

void
petrel_sorted_array_items_changed (GListModel *model,
                                   GParamSpec *n_items,
                                   guint       position,
                                   guint       removed,
                                   guint       added)
{
  g_list_model_items_changed (model, position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (model), n_items);
}

guint
petrel_sorted_array_lower_bound (const PetrelSortedArray *self,
                                 gconstpointer            item)
{
  guint lo = 0;
  guint hi = self->items->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->compare (g_ptr_array_index (self->items, mid), item, self->compare_data) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

guint
petrel_sorted_array_position (const PetrelSortedArray *self,
                              gconstpointer            item)
{
  guint position = petrel_sorted_array_lower_bound (self, item);

  g_assert (position < self->items->len);
  g_assert (g_ptr_array_index (self->items, position) == item);

  return position;
}

guint
petrel_sorted_array_insert (PetrelSortedArray *self,
                            gpointer           item)
{
  guint position = petrel_sorted_array_lower_bound (self, item);

  g_ptr_array_insert (self->items, position, item);
  g_hash_table_insert (self->index, (gpointer) self->key_func (item), item);

  return position;
}

guint
petrel_sorted_array_remove (PetrelSortedArray *self,
                            gpointer           item)
{
  guint position = petrel_sorted_array_position (self, item);

  g_hash_table_remove (self->index, self->key_func (item));
  g_ptr_array_remove_index (self->items, position);

  return position;
}

guint
petrel_sorted_array_reposition (PetrelSortedArray *self,
                                guint              old_position,
                                GListModel        *model)
{
  gpointer item;
  guint new_position;

  g_assert (old_position < self->items->len);

  item = g_ptr_array_steal_index (self->items, old_position);
  new_position = petrel_sorted_array_lower_bound (self, item);
  if (new_position == old_position)
    {
      g_ptr_array_insert (self->items, new_position, item);
      return new_position;
    }

  /* Each signal describes the list as it is when it is emitted. */
  if (model != NULL)
    g_list_model_items_changed (model, old_position, 1, 0);
  g_ptr_array_insert (self->items, new_position, item);
  if (model != NULL)
    g_list_model_items_changed (model, new_position, 0, 1);

  return new_position;
}

GPtrArray *
petrel_sorted_array_steal_all (PetrelSortedArray *self,
                               GHashTable       **index)
{
  GPtrArray *items = self->items;

  *index = self->index;
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
  self->items = g_ptr_array_new_with_free_func (self->free_func);
  g_ptr_array_set_free_func (items, NULL);

  return items;
}

void
petrel_sorted_array_append_unsorted (PetrelSortedArray *self,
                                     gpointer           item)
{
  g_ptr_array_add (self->items, item);
  g_hash_table_insert (self->index, (gpointer) self->key_func (item), item);
}

typedef struct
{
  GCompareDataFunc compare;
  gpointer         compare_data;
} SortData;

static int
compare_indirect (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const SortData *data = user_data;

  return data->compare (*(gconstpointer const *) a, *(gconstpointer const *) b, data->compare_data);
}

void
petrel_sorted_array_sort (PetrelSortedArray *self)
{
  SortData data = { self->compare, self->compare_data };

  g_ptr_array_sort_with_data (self->items, compare_indirect, &data);
}
