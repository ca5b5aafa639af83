/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppNode: an XML element tree for stanzas.
 *
 * Layout, chosen for the reader's throughput (tests/bench/bench-reader.c):
 *
 *  - one allocation holds the node and room for the attributes it was
 *    created with; xmpp_node_set_attr() moves them to the heap only when an
 *    attribute is added beyond that room;
 *  - each attribute is one block, "name\0value\0";
 *  - the children array and the text buffer are created on first use;
 *  - names and namespaces given by code are interned.  Names read from the
 *    wire reuse the interned string when one exists and are otherwise copied
 *    into the node, so a peer sending endless new element names cannot grow
 *    GLib's never-freed quark table.
 *
 * The reference count is atomic, so a finished tree may be handed to another
 * thread; mutating a shared tree is not thread safe.
 */
#define G_LOG_DOMAIN "xmpp-node"

#include "xmpp-node.h"
#include "xmpp-reader.h"
#include "xmpp-writer.h"

#include <string.h>

typedef struct {
  char *name;   /* one block: name, NUL, value, NUL */
  char *value;  /* points into the block of @name */
} XmppAttr;

enum {
  NAME_OWNED  = 1 << 0,
  NS_OWNED    = 1 << 1,
  ATTRS_HEAP  = 1 << 2,
};

struct _XmppNode {
  gatomicrefcount ref_count;
  guint flags;
  guint n_attrs;
  guint attrs_size;
  const char *name;
  const char *ns;
  XmppAttr *attrs;
  GPtrArray *children;
  GString *text;
  XmppAttr inline_attrs[];
};

G_DEFINE_BOXED_TYPE (XmppNode, xmpp_node, xmpp_node_ref, xmpp_node_unref)

static XmppNode *
node_alloc (const char *name,
            gboolean    name_owned,
            const char *ns,
            gboolean    ns_owned,
            guint       n_attrs)
{
  XmppNode *self;

  self = g_malloc (sizeof (XmppNode) + n_attrs * sizeof (XmppAttr));
  g_atomic_ref_count_init (&self->ref_count);
  self->flags = 0;
  self->n_attrs = 0;
  self->attrs_size = n_attrs;
  self->attrs = self->inline_attrs;
  self->children = NULL;
  self->text = NULL;

  if (name_owned)
    {
      self->name = g_strdup (name);
      self->flags |= NAME_OWNED;
    }
  else
    self->name = name;

  if (ns != NULL && ns_owned)
    {
      self->ns = g_strdup (ns);
      self->flags |= NS_OWNED;
    }
  else
    self->ns = ns;

  return self;
}

static char *
attr_block_new (const char  *name,
                gsize        name_len,
                const char  *value,
                gsize        value_len,
                char       **value_out)
{
  char *block = g_malloc (name_len + value_len + 2);

  memcpy (block, name, name_len);
  block[name_len] = '\0';
  memcpy (block + name_len + 1, value, value_len);
  block[name_len + 1 + value_len] = '\0';
  *value_out = block + name_len + 1;

  return block;
}

static void
attrs_reserve (XmppNode *self,
               guint     n)
{
  XmppAttr *attrs;
  guint size;

  if (self->n_attrs + n <= self->attrs_size)
    return;

  size = MAX (4, self->attrs_size * 2);
  while (size < self->n_attrs + n)
    size *= 2;

  if (self->flags & ATTRS_HEAP)
    attrs = g_renew (XmppAttr, self->attrs, size);
  else
    {
      attrs = g_new (XmppAttr, size);
      if (self->n_attrs > 0)
        memcpy (attrs, self->attrs, self->n_attrs * sizeof (XmppAttr));
      self->flags |= ATTRS_HEAP;
    }

  self->attrs = attrs;
  self->attrs_size = size;
}

XmppNode *
xmpp_node_new_parsed (const char *name,
                      gboolean    name_owned,
                      const char *ns,
                      gboolean    ns_owned,
                      guint       n_attrs)
{
  return node_alloc (name, name_owned, ns, ns_owned, n_attrs);
}

void
xmpp_node_append_parsed_attr (XmppNode   *self,
                              const char *name,
                              gsize       name_len,
                              const char *value,
                              gsize       value_len)
{
  XmppAttr *attr;

  attrs_reserve (self, 1);
  attr = &self->attrs[self->n_attrs++];
  attr->name = attr_block_new (name, name_len, value, value_len, &attr->value);
}

XmppNode *
xmpp_node_new (const char *name,
               const char *ns)
{
  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  return node_alloc (g_intern_string (name), FALSE,
                     ns != NULL && *ns != '\0' ? g_intern_string (ns) : NULL,
                     FALSE, 0);
}

XmppNode *
xmpp_node_ref (XmppNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
xmpp_node_unref (XmppNode *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < self->n_attrs; i++)
    g_free (self->attrs[i].name);
  if (self->flags & ATTRS_HEAP)
    g_free (self->attrs);
  if (self->flags & NAME_OWNED)
    g_free ((char *) self->name);
  if (self->flags & NS_OWNED)
    g_free ((char *) self->ns);
  if (self->children != NULL)
    g_ptr_array_unref (self->children);
  if (self->text != NULL)
    g_string_free (self->text, TRUE);

  g_free (self);
}

XmppNode *
xmpp_node_copy (const XmppNode *self)
{
  XmppNode *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = node_alloc (self->name, (self->flags & NAME_OWNED) != 0,
                     self->ns, (self->flags & NS_OWNED) != 0,
                     self->n_attrs);

  for (guint i = 0; i < self->n_attrs; i++)
    {
      const XmppAttr *attr = &self->attrs[i];
      gsize name_len = attr->value - attr->name - 1;

      xmpp_node_append_parsed_attr (copy, attr->name, name_len,
                                    attr->value, strlen (attr->value));
    }

  if (self->text != NULL && self->text->len > 0)
    copy->text = g_string_new_len (self->text->str, self->text->len);

  if (self->children != NULL && self->children->len > 0)
    {
      copy->children = g_ptr_array_new_full (self->children->len,
                                             (GDestroyNotify) xmpp_node_unref);
      for (guint i = 0; i < self->children->len; i++)
        g_ptr_array_add (copy->children,
                         xmpp_node_copy (g_ptr_array_index (self->children, i)));
    }

  return copy;
}

const char *
xmpp_node_get_name (const XmppNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

const char *
xmpp_node_get_ns (const XmppNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->ns;
}

static inline gboolean
str_equal0 (const char *a,
            const char *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return strcmp (a, b) == 0;
}

static inline gboolean
node_is (const XmppNode *self,
         const char     *name,
         const char     *ns)
{
  if (self->name != name && strcmp (self->name, name) != 0)
    return FALSE;

  return ns == NULL || str_equal0 (self->ns, ns);
}

gboolean
xmpp_node_is (const XmppNode *self,
              const char     *name,
              const char     *ns)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return node_is (self, name, ns);
}

static XmppAttr *
find_attr (const XmppNode *self,
           const char     *name,
           guint          *index)
{
  for (guint i = 0; i < self->n_attrs; i++)
    {
      if (strcmp (self->attrs[i].name, name) == 0)
        {
          if (index != NULL)
            *index = i;
          return &self->attrs[i];
        }
    }

  return NULL;
}

const char *
xmpp_node_get_attr (const XmppNode *self,
                    const char     *name)
{
  const XmppAttr *attr;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  attr = find_attr (self, name, NULL);

  return attr != NULL ? attr->value : NULL;
}

void
xmpp_node_set_attr (XmppNode   *self,
                    const char *name,
                    const char *value)
{
  XmppAttr *attr;
  guint index;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL && *name != '\0');

  attr = find_attr (self, name, &index);

  if (value == NULL)
    {
      if (attr == NULL)
        return;
      g_free (attr->name);
      self->n_attrs--;
      memmove (&self->attrs[index], &self->attrs[index + 1],
               (self->n_attrs - index) * sizeof (XmppAttr));
      return;
    }

  if (attr != NULL)
    {
      /* @value may point into the block being replaced. */
      char *old = attr->name;

      attr->name = attr_block_new (name, strlen (name), value, strlen (value),
                                   &attr->value);
      g_free (old);
      return;
    }

  xmpp_node_append_parsed_attr (self, name, strlen (name),
                                value, strlen (value));
}

guint
xmpp_node_get_n_attrs (const XmppNode *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_attrs;
}

void
xmpp_node_get_attr_at (const XmppNode  *self,
                       guint            index,
                       const char     **name,
                       const char     **value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->n_attrs);

  if (name != NULL)
    *name = self->attrs[index].name;
  if (value != NULL)
    *value = self->attrs[index].value;
}

const char *
xmpp_node_get_text (const XmppNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text != NULL ? self->text->str : "";
}

void
xmpp_node_set_text (XmppNode   *self,
                    const char *text)
{
  g_return_if_fail (self != NULL);

  if (self->text != NULL)
    g_string_truncate (self->text, 0);
  if (text != NULL)
    xmpp_node_append_text (self, text, -1);
}

void
xmpp_node_append_text (XmppNode   *self,
                       const char *text,
                       gssize      len)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (len < 0)
    len = strlen (text);
  if (len == 0)
    return;

  if (self->text == NULL)
    self->text = g_string_sized_new (len);
  g_string_append_len (self->text, text, len);
}

guint
xmpp_node_get_n_children (const XmppNode *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->children != NULL ? self->children->len : 0;
}

XmppNode *
xmpp_node_get_child_at (const XmppNode *self,
                        guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->children != NULL, NULL);
  g_return_val_if_fail (index < self->children->len, NULL);

  return g_ptr_array_index (self->children, index);
}

XmppNode *
xmpp_node_get_child (const XmppNode *self,
                     const char     *name,
                     const char     *ns)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->children == NULL)
    return NULL;

  for (guint i = 0; i < self->children->len; i++)
    {
      XmppNode *child = g_ptr_array_index (self->children, i);

      if (node_is (child, name, ns))
        return child;
    }

  return NULL;
}

const char *
xmpp_node_get_child_text (const XmppNode *self,
                          const char     *name,
                          const char     *ns)
{
  XmppNode *child;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  child = xmpp_node_get_child (self, name, ns);

  return child != NULL ? xmpp_node_get_text (child) : NULL;
}

void
xmpp_node_take_child (XmppNode *self,
                      XmppNode *child)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (child != NULL);
  g_return_if_fail (child != self);

  if (self->children == NULL)
    self->children = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_node_unref);
  g_ptr_array_add (self->children, child);
}

XmppNode *
xmpp_node_add_child (XmppNode   *self,
                     const char *name,
                     const char *ns)
{
  XmppNode *child;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  if (ns == NULL)
    child = node_alloc (g_intern_string (name), FALSE,
                        self->ns, (self->flags & NS_OWNED) != 0, 0);
  else
    child = xmpp_node_new (name, ns);

  xmpp_node_take_child (self, child);

  return child;
}

void
xmpp_node_remove_child_at (XmppNode *self,
                           guint     index)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->children != NULL);
  g_return_if_fail (index < self->children->len);

  g_ptr_array_remove_index (self->children, index);
}

XmppNode *
xmpp_node_build (const char *name,
                 const char *ns,
                 ...)
{
  g_autoptr(GPtrArray) stack = NULL;
  XmppNode *root;
  XmppNode *current;
  va_list args;
  XmppBuildOp op;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  root = current = xmpp_node_new (name, ns);
  stack = g_ptr_array_new ();

  va_start (args, ns);
  while ((op = va_arg (args, XmppBuildOp)) != XMPP_BUILD_END)
    {
      switch (op)
        {
        case XMPP_BUILD_ATTR:
          {
            const char *attr_name = va_arg (args, const char *);
            const char *attr_value = va_arg (args, const char *);

            if (attr_value != NULL)
              xmpp_node_set_attr (current, attr_name, attr_value);
          }
          break;

        case XMPP_BUILD_CHILD:
          {
            const char *child_name = va_arg (args, const char *);
            const char *child_ns = va_arg (args, const char *);

            g_ptr_array_add (stack, current);
            current = xmpp_node_add_child (current, child_name, child_ns);
          }
          break;

        case XMPP_BUILD_TEXT:
          xmpp_node_append_text (current, va_arg (args, const char *), -1);
          break;

        case XMPP_BUILD_UP:
          if (stack->len == 0)
            g_critical ("%s: XMPP_BUILD_UP above the root <%s/>", G_STRFUNC, name);
          else
            current = g_ptr_array_steal_index (stack, stack->len - 1);
          break;

        case XMPP_BUILD_END:
        default:
          g_critical ("%s: unknown operation %d", G_STRFUNC, (int) op);
          va_end (args);
          return root;
        }
    }
  va_end (args);

  return root;
}

static gboolean
attrs_equal (const XmppNode *a,
             const XmppNode *b)
{
  if (a->n_attrs != b->n_attrs)
    return FALSE;

  for (guint i = 0; i < a->n_attrs; i++)
    {
      const char *other = xmpp_node_get_attr (b, a->attrs[i].name);

      if (other == NULL || strcmp (other, a->attrs[i].value) != 0)
        return FALSE;
    }

  return TRUE;
}

gboolean
xmpp_node_equal (const XmppNode *a,
                 const XmppNode *b)
{
  guint n_children;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a == b)
    return TRUE;

  if (!str_equal0 (a->name, b->name) ||
      !str_equal0 (a->ns, b->ns) ||
      !attrs_equal (a, b) ||
      strcmp (xmpp_node_get_text (a), xmpp_node_get_text (b)) != 0)
    return FALSE;

  n_children = xmpp_node_get_n_children (a);
  if (n_children != xmpp_node_get_n_children (b))
    return FALSE;

  for (guint i = 0; i < n_children; i++)
    {
      if (!xmpp_node_equal (g_ptr_array_index (a->children, i),
                            g_ptr_array_index (b->children, i)))
        return FALSE;
    }

  return TRUE;
}

char *
xmpp_node_to_string (const XmppNode *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_sized_new (256);
  xmpp_writer_append (out, self, NULL);

  return g_string_free (out, FALSE);
}

XmppNode *
xmpp_node_parse (const char  *xml,
                 gssize       len,
                 GError     **error)
{
  g_autoptr(XmppReader) reader = NULL;
  g_autoptr(XmppNode) node = NULL;
  XmppReaderEvent event;

  g_return_val_if_fail (xml != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 0)
    len = strlen (xml);

  reader = xmpp_reader_new (XMPP_READER_MODE_DOCUMENT, NULL);
  if (!xmpp_reader_feed (reader, xml, len, error) ||
      !xmpp_reader_finish (reader, error))
    return NULL;

  event = xmpp_reader_pop (reader, &node);
  if (event != XMPP_READER_EVENT_STANZA || node == NULL)
    {
      /* Unreachable: a finished document always holds its root element. */
      g_set_error_literal (error, XMPP_READER_ERROR,
                           XMPP_READER_ERROR_NOT_WELL_FORMED,
                           "No element");
      return NULL;
    }

  return g_steal_pointer (&node);
}
