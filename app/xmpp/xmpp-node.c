/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppNode: an XML element tree for stanzas.
 *
 * Layout, chosen for the reader's throughput (tests/bench/bench-reader.c):
 * a parsed node is one allocation holding the node, its attribute array,
 * the bytes of its attributes (each "name\0value\0"), of names that are
 * not interned and, when the reader could tell its size in advance, of its
 * text.  Attributes added later, and an attribute array or a text that
 * outgrows its room, move to separate allocations; in_block() tells the
 * two apart when freeing.  Otherwise the text buffer and the children
 * array are created on first use.
 *
 * Names and namespaces given by code are interned.  Names read from the
 * wire reuse GLib's interned string when one exists and are otherwise
 * copied into the node, so a peer sending endless new element names cannot
 * grow GLib's never-freed quark table.
 *
 * The reference count is atomic, so a finished tree may be handed to
 * another thread; mutating a shared tree is not thread safe.
 */
#define G_LOG_DOMAIN "xmpp-node"

#include "xmpp-node.h"
#include "xmpp-reader.h"
#include "xmpp-writer.h"

#include <string.h>

typedef struct {
  char *name;   /* name, NUL, value, NUL in one run of bytes */
  char *value;  /* points just after the name's NUL */
} XmppAttr;

struct _XmppNode {
  int ref_count;
  guint n_attrs;
  guint attrs_size;
  guint n_children;
  guint children_size;
  gsize text_len;
  gsize text_size;
  const char *name;
  const char *ns;
  XmppAttr *attrs;
  XmppNode **children;
  char *text;
  const char *block_end;  /* end of the allocation that starts at the node */
};

G_DEFINE_BOXED_TYPE (XmppNode, xmpp_node, xmpp_node_ref, xmpp_node_unref)

static inline gboolean
in_block (const XmppNode *self,
          const void     *p)
{
  return (guintptr) p > (guintptr) self && (guintptr) p < (guintptr) self->block_end;
}

static inline XmppAttr *
inline_attrs (const XmppNode *self)
{
  return (XmppAttr *) (self + 1);
}

static inline char *
copy_string (char       *tail,
             const char *str,
             gsize       len)
{
  memcpy (tail, str, len);
  tail[len] = '\0';
  return tail + len + 1;
}

/*
 * Allocates a node with room for @n_attrs attributes and @extra bytes for
 * their strings, which start at *@tail.  A name or namespace to copy goes
 * into the same block.
 */
static XmppNode *
node_alloc (const char  *name,
            gboolean     copy_name,
            const char  *ns,
            gboolean     copy_ns,
            guint        n_attrs,
            gsize        extra,
            char       **tail)
{
  gsize name_size = copy_name ? strlen (name) + 1 : 0;
  gsize ns_size = ns != NULL && copy_ns ? strlen (ns) + 1 : 0;
  gsize size = sizeof (XmppNode) + n_attrs * sizeof (XmppAttr) + name_size + ns_size + extra;
  XmppNode *self;
  char *p;

  self = g_malloc (size);
  self->ref_count = 1;
  self->n_attrs = 0;
  self->attrs_size = n_attrs;
  self->n_children = 0;
  self->children_size = 0;
  self->text_len = 0;
  self->text_size = 0;
  self->attrs = inline_attrs (self);
  self->children = NULL;
  self->text = NULL;
  self->block_end = (const char *) self + size;

  p = (char *) (self->attrs + n_attrs);
  if (name_size > 0)
    {
      self->name = p;
      p = copy_string (p, name, name_size - 1);
    }
  else
    self->name = name;

  if (ns_size > 0)
    {
      self->ns = p;
      p = copy_string (p, ns, ns_size - 1);
    }
  else
    self->ns = ns;

  *tail = p;

  return self;
}

static void
attrs_reserve (XmppNode *self,
               guint     n)
{
  guint size;

  if (self->n_attrs + n <= self->attrs_size)
    return;

  size = MAX (4, self->attrs_size * 2);
  while (size < self->n_attrs + n)
    size *= 2;

  if (self->attrs != inline_attrs (self))
    self->attrs = g_renew (XmppAttr, self->attrs, size);
  else
    {
      XmppAttr *attrs = g_new (XmppAttr, size);

      if (self->n_attrs > 0)
        memcpy (attrs, self->attrs, self->n_attrs * sizeof (XmppAttr));
      self->attrs = attrs;
    }

  self->attrs_size = size;
}

XmppNode *
xmpp_node_new_parsed (const char         *name,
                      gboolean            copy_name,
                      const char         *ns,
                      gboolean            copy_ns,
                      const char * const *atts,
                      guint               n_attrs,
                      char                ns_sep,
                      gsize               text_room)
{
  static const char xml_ns[] = XMPP_NS_XML;
  gsize lens_on_stack[64];
  gsize *lens = lens_on_stack;
  gsize extra = 0;
  guint n_qualified = 0;
  XmppNode *self;
  char *tail;

  if (G_UNLIKELY (n_attrs > G_N_ELEMENTS (lens_on_stack) / 2))
    lens = g_new (gsize, 2 * n_attrs);

  /* Each attribute takes its name, its value, two NULs and, in the worst
   * case "{uri}local" for "uri<sep>local", one more byte.  Names are short:
   * one pass finds both their length and whether they are qualified. */
  for (guint i = 0; i < n_attrs; i++)
    {
      const char *p = atts[2 * i];

      while (*p != '\0' && *p != ns_sep)
        p++;
      if (G_UNLIKELY (*p != '\0'))
        {
          n_qualified++;
          p += strlen (p);
        }
      lens[2 * i] = p - atts[2 * i];
      lens[2 * i + 1] = strlen (atts[2 * i + 1]);
      extra += lens[2 * i] + lens[2 * i + 1];
    }
  extra += 3 * n_attrs;
  if (text_room > 0)
    extra += text_room + 1;

  self = node_alloc (name, copy_name, ns, copy_ns, n_attrs, extra, &tail);

  for (guint i = 0; i < n_attrs; i++)
    {
      const char *attr_name = atts[2 * i];
      gsize name_len = lens[2 * i];
      const char *sep = n_qualified > 0 ? memchr (attr_name, ns_sep, name_len) : NULL;
      XmppAttr *attr = &self->attrs[i];

      attr->name = tail;
      if (G_LIKELY (sep == NULL))
        {
          memcpy (tail, attr_name, name_len);
          tail += name_len;
        }
      else
        {
          gsize uri_len = sep - attr_name;
          gsize local_len = name_len - uri_len - 1;

          if (uri_len == sizeof (xml_ns) - 1 && memcmp (attr_name, xml_ns, uri_len) == 0)
            {
              memcpy (tail, "xml:", 4);
              tail += 4;
            }
          else
            {
              *tail++ = '{';
              memcpy (tail, attr_name, uri_len);
              tail += uri_len;
              *tail++ = '}';
            }
          memcpy (tail, sep + 1, local_len);
          tail += local_len;
        }
      *tail++ = '\0';
      attr->value = tail;
      tail = copy_string (tail, atts[2 * i + 1], lens[2 * i + 1]);
    }
  self->n_attrs = n_attrs;

  if (text_room > 0)
    {
      self->text = tail;
      self->text[0] = '\0';
      self->text_size = text_room + 1;
      tail += text_room + 1;
    }

  g_assert (tail <= self->block_end);

  if (G_UNLIKELY (lens != lens_on_stack))
    g_free (lens);

  return self;
}

void
xmpp_node_set_parsed_children (XmppNode        *self,
                               XmppNode *const *children,
                               guint            n_children)
{
  g_assert (self->n_children == 0 && self->children == NULL);

  self->children = g_memdup2 (children, n_children * sizeof (XmppNode *));
  self->n_children = self->children_size = n_children;
}

XmppNode *
xmpp_node_new (const char *name,
               const char *ns)
{
  char *tail;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  return node_alloc (g_intern_string (name), FALSE,
                     ns != NULL && *ns != '\0' ? g_intern_string (ns) : NULL, FALSE,
                     0, 0, &tail);
}

XmppNode *
xmpp_node_ref (XmppNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);

  return self;
}

void
xmpp_node_unref (XmppNode *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  for (guint i = 0; i < self->n_attrs; i++)
    {
      if (!in_block (self, self->attrs[i].name))
        g_free (self->attrs[i].name);
    }
  if (self->attrs != inline_attrs (self))
    g_free (self->attrs);

  if (self->children != NULL)
    {
      for (guint i = 0; i < self->n_children; i++)
        xmpp_node_unref (self->children[i]);
      g_free (self->children);
    }
  if (self->text != NULL && !in_block (self, self->text))
    g_free (self->text);

  g_free (self);
}

XmppNode *
xmpp_node_copy (const XmppNode *self)
{
  XmppNode *copy;
  gsize extra = 0;
  char *tail;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->n_attrs; i++)
    extra += (self->attrs[i].value - self->attrs[i].name) + strlen (self->attrs[i].value) + 1;

  copy = node_alloc (self->name, in_block (self, self->name),
                     self->ns, in_block (self, self->ns),
                     self->n_attrs, extra, &tail);

  for (guint i = 0; i < self->n_attrs; i++)
    {
      const XmppAttr *attr = &self->attrs[i];
      gsize size = (attr->value - attr->name) + strlen (attr->value) + 1;

      memcpy (tail, attr->name, size);
      copy->attrs[i].name = tail;
      copy->attrs[i].value = tail + (attr->value - attr->name);
      tail += size;
    }
  copy->n_attrs = self->n_attrs;

  if (self->text_len > 0)
    xmpp_node_append_text (copy, self->text, self->text_len);

  for (guint i = 0; i < self->n_children; i++)
    xmpp_node_take_child (copy, xmpp_node_copy (self->children[i]));

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

static char *
attr_new (const char  *name,
          const char  *value,
          char       **value_out)
{
  gsize name_len = strlen (name);
  gsize value_len = strlen (value);
  char *block = g_malloc (name_len + value_len + 2);

  *value_out = copy_string (block, name, name_len);
  copy_string (*value_out, value, value_len);

  return block;
}

void
xmpp_node_set_attr (XmppNode   *self,
                    const char *name,
                    const char *value)
{
  XmppAttr *attr;
  guint index;
  char *old;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL && *name != '\0');

  attr = find_attr (self, name, &index);

  if (value == NULL)
    {
      if (attr == NULL)
        return;
      if (!in_block (self, attr->name))
        g_free (attr->name);
      self->n_attrs--;
      memmove (&self->attrs[index], &self->attrs[index + 1],
               (self->n_attrs - index) * sizeof (XmppAttr));
      return;
    }

  if (attr != NULL)
    {
      /* @name and @value may point into the bytes being replaced. */
      old = attr->name;
      attr->name = attr_new (name, value, &attr->value);
      if (!in_block (self, old))
        g_free (old);
      return;
    }

  attrs_reserve (self, 1);
  attr = &self->attrs[self->n_attrs++];
  attr->name = attr_new (name, value, &attr->value);
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

  return self->text != NULL ? self->text : "";
}

void
xmpp_node_set_text (XmppNode   *self,
                    const char *text)
{
  g_return_if_fail (self != NULL);

  self->text_len = 0;
  if (self->text != NULL)
    self->text[0] = '\0';
  if (text != NULL)
    xmpp_node_append_text (self, text, -1);
}

void
xmpp_node_append_text (XmppNode   *self,
                       const char *text,
                       gssize      len)
{
  gsize needed;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (len < 0)
    len = strlen (text);
  if (len == 0)
    return;

  needed = self->text_len + len + 1;
  if (needed > self->text_size)
    {
      /* The first piece is often all there is: allocate it exactly. */
      gsize size = self->text_size == 0 ? needed : MAX (needed, self->text_size * 2);

      if (self->text != NULL && in_block (self, self->text))
        {
          char *heap = g_malloc (size);

          memcpy (heap, self->text, self->text_len + 1);
          self->text = heap;
        }
      else
        self->text = g_realloc (self->text, size);
      self->text_size = size;
    }

  memcpy (self->text + self->text_len, text, len);
  self->text_len += len;
  self->text[self->text_len] = '\0';
}

guint
xmpp_node_get_n_children (const XmppNode *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_children;
}

XmppNode *
xmpp_node_get_child_at (const XmppNode *self,
                        guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_children, NULL);

  return self->children[index];
}

XmppNode *
xmpp_node_get_child (const XmppNode *self,
                     const char     *name,
                     const char     *ns)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->n_children; i++)
    {
      if (node_is (self->children[i], name, ns))
        return self->children[i];
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

  if (self->n_children == self->children_size)
    {
      self->children_size = MAX (4, self->children_size * 2);
      self->children = g_renew (XmppNode *, self->children, self->children_size);
    }
  self->children[self->n_children++] = child;
}

XmppNode *
xmpp_node_add_child (XmppNode   *self,
                     const char *name,
                     const char *ns)
{
  XmppNode *child;
  char *tail;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  if (ns == NULL)
    child = node_alloc (g_intern_string (name), FALSE,
                        self->ns, in_block (self, self->ns), 0, 0, &tail);
  else
    child = xmpp_node_new (name, ns);

  xmpp_node_take_child (self, child);

  return child;
}

void
xmpp_node_remove_child_at (XmppNode *self,
                           guint     index)
{
  XmppNode *child;

  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->n_children);

  child = self->children[index];
  self->n_children--;
  memmove (&self->children[index], &self->children[index + 1],
           (self->n_children - index) * sizeof (XmppNode *));
  xmpp_node_unref (child);
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
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a == b)
    return TRUE;

  if (!str_equal0 (a->name, b->name) ||
      !str_equal0 (a->ns, b->ns) ||
      !attrs_equal (a, b) ||
      a->text_len != b->text_len ||
      (a->text_len > 0 && memcmp (a->text, b->text, a->text_len) != 0))
    return FALSE;

  if (a->n_children != b->n_children)
    return FALSE;

  for (guint i = 0; i < a->n_children; i++)
    {
      if (!xmpp_node_equal (a->children[i], b->children[i]))
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
