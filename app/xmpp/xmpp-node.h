/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppNode: an XML element tree for stanzas.
 *
 * A node has a local name, a resolved namespace (never a prefix), ordered
 * attributes, ordered children and one text buffer (XMPP does not use mixed
 * content in any place Petrel reads, so text interleaved with children is
 * concatenated).  Attributes are unqualified except `xml:lang`, which is kept
 * under that name; any other namespaced attribute is kept as "{ns}local".
 *
 * Nodes are reference counted and not thread safe.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XMPP_NS_CLIENT   "jabber:client"
#define XMPP_NS_STREAM   "http://etherx.jabber.org/streams"
#define XMPP_NS_TLS      "urn:ietf:params:xml:ns:xmpp-tls"
#define XMPP_NS_SASL     "urn:ietf:params:xml:ns:xmpp-sasl"
#define XMPP_NS_BIND     "urn:ietf:params:xml:ns:xmpp-bind"
#define XMPP_NS_STANZAS  "urn:ietf:params:xml:ns:xmpp-stanzas"
#define XMPP_NS_STREAMS  "urn:ietf:params:xml:ns:xmpp-streams"
#define XMPP_NS_SESSION  "urn:ietf:params:xml:ns:xmpp-session"
#define XMPP_NS_ROSTER   "jabber:iq:roster"
#define XMPP_NS_XML      "http://www.w3.org/XML/1998/namespace"

typedef struct _XmppNode XmppNode;

#define XMPP_TYPE_NODE (xmpp_node_get_type ())
GType xmpp_node_get_type (void) G_GNUC_CONST;

/**
 * xmpp_node_new:
 * @name: local name of the element
 * @ns: (nullable): namespace URI; %NULL means "no namespace"
 *
 * @name and @ns are interned (g_intern_string()), so pass names from code,
 * not from the network.  Nodes from the reader do not always carry interned
 * names: compare with xmpp_node_is(), never by pointer.
 *
 * Returns: (transfer full): a new element without attributes or children
 */
XmppNode *xmpp_node_new (const char *name,
                         const char *ns) G_GNUC_WARN_UNUSED_RESULT;

/** xmpp_node_ref: Returns: (transfer full): @self with one more reference */
XmppNode *xmpp_node_ref (XmppNode *self);
/** xmpp_node_unref: drops a reference; the last one frees the tree. */
void xmpp_node_unref (XmppNode *self);

/** xmpp_node_copy: Returns: (transfer full): a deep copy of @self */
XmppNode *xmpp_node_copy (const XmppNode *self) G_GNUC_WARN_UNUSED_RESULT;

/** xmpp_node_get_name: Returns: the local name */
const char *xmpp_node_get_name (const XmppNode *self);
/** xmpp_node_get_ns: Returns: (nullable): the namespace URI */
const char *xmpp_node_get_ns (const XmppNode *self);

/**
 * xmpp_node_is:
 * @ns: (nullable): %NULL matches any namespace
 *
 * Returns: whether @self has local name @name and namespace @ns
 */
gboolean xmpp_node_is (const XmppNode *self,
                       const char     *name,
                       const char     *ns);

/** xmpp_node_get_attr: Returns: (nullable): the value of attribute @name */
const char *xmpp_node_get_attr (const XmppNode *self,
                                const char     *name);
/**
 * xmpp_node_set_attr:
 * @value: (nullable): the new value, or %NULL to remove the attribute
 *
 * Sets or replaces an attribute, keeping the position of an existing one.
 */
void xmpp_node_set_attr (XmppNode   *self,
                         const char *name,
                         const char *value);
/** xmpp_node_get_n_attrs: Returns: the number of attributes */
guint xmpp_node_get_n_attrs (const XmppNode *self);
/**
 * xmpp_node_get_attr_at:
 * @name: (out) (transfer none)
 * @value: (out) (transfer none)
 *
 * Reads the attribute at @index in document order.
 */
void xmpp_node_get_attr_at (const XmppNode  *self,
                            guint            index,
                            const char     **name,
                            const char     **value);

/** xmpp_node_get_text: Returns: the text content of @self itself ("" when none) */
const char *xmpp_node_get_text (const XmppNode *self);
/** xmpp_node_set_text: replaces the text content (%NULL clears it) */
void xmpp_node_set_text (XmppNode   *self,
                         const char *text);
/** xmpp_node_append_text: appends @len bytes (-1: NUL-terminated) to the text */
void xmpp_node_append_text (XmppNode   *self,
                            const char *text,
                            gssize      len);

/** xmpp_node_get_n_children: Returns: the number of child elements */
guint xmpp_node_get_n_children (const XmppNode *self);
/** xmpp_node_get_child_at: Returns: (transfer none): the child at @index */
XmppNode *xmpp_node_get_child_at (const XmppNode *self,
                                  guint           index);
/**
 * xmpp_node_get_child:
 * @ns: (nullable): %NULL matches any namespace
 *
 * Returns: (transfer none) (nullable): the first child called @name in @ns
 */
XmppNode *xmpp_node_get_child (const XmppNode *self,
                               const char     *name,
                               const char     *ns);
/**
 * xmpp_node_get_child_text:
 *
 * Returns: (nullable): the text of the first matching child, %NULL if absent
 */
const char *xmpp_node_get_child_text (const XmppNode *self,
                                      const char     *name,
                                      const char     *ns);
/**
 * xmpp_node_add_child:
 * @ns: (nullable): %NULL inherits the namespace of @self
 *
 * Returns: (transfer none): the new child, appended last
 */
XmppNode *xmpp_node_add_child (XmppNode   *self,
                               const char *name,
                               const char *ns);
/** xmpp_node_take_child: appends @child, taking the caller's reference */
void xmpp_node_take_child (XmppNode *self,
                           XmppNode *child);
/** xmpp_node_remove_child_at: removes (and unrefs) the child at @index */
void xmpp_node_remove_child_at (XmppNode *self,
                                guint     index);

/**
 * XmppBuildOp:
 * @XMPP_BUILD_END: ends the argument list
 * @XMPP_BUILD_ATTR: followed by name and value; a %NULL value is skipped
 * @XMPP_BUILD_CHILD: followed by name and namespace (%NULL: inherit);
 *   opens a child, later operations apply to it
 * @XMPP_BUILD_TEXT: followed by a string appended to the current element
 * @XMPP_BUILD_UP: closes the current child, back to its parent
 */
typedef enum {
  XMPP_BUILD_END = 0,
  XMPP_BUILD_ATTR,
  XMPP_BUILD_CHILD,
  XMPP_BUILD_TEXT,
  XMPP_BUILD_UP,
} XmppBuildOp;

/**
 * xmpp_node_build:
 *
 * Builds a tree in one call:
 * |[
 * xmpp_node_build ("iq", XMPP_NS_CLIENT,
 *                  XMPP_BUILD_ATTR, "type", "get",
 *                  XMPP_BUILD_CHILD, "ping", "urn:xmpp:ping",
 *                  XMPP_BUILD_END);
 * ]|
 *
 * Returns: (transfer full): the root of the new tree
 */
XmppNode *xmpp_node_build (const char *name,
                           const char *ns,
                           ...) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_node_to_string:
 *
 * Serialises @self with xmpp_writer_append(), declaring its namespace.
 *
 * Returns: (transfer full): the XML text
 */
char *xmpp_node_to_string (const XmppNode *self) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_node_parse:
 * @xml: one complete element
 *
 * Parses a standalone element with the same restrictions and default
 * limits as the stream reader (tests, stored stanzas).  The whole input must
 * be that one element: an incomplete element or trailing data is an error.
 * @len may be -1 when @xml is NUL-terminated.
 *
 * Returns: (transfer full) (nullable): the element, or %NULL with @error set
 */
XmppNode *xmpp_node_parse (const char  *xml,
                           gssize       len,
                           GError     **error);

/**
 * xmpp_node_equal:
 *
 * Compares two trees: names, namespaces, attributes (in any order), text
 * and children (in order).
 *
 * Returns: whether @a and @b are equal
 */
gboolean xmpp_node_equal (const XmppNode *a,
                          const XmppNode *b);

/*< private >*/
/*
 * For xmpp-reader.c only: builds a node from expat output in one
 * allocation.  @name and @ns are used as they are (they must then be
 * interned) or copied when @copy_name / @copy_ns.  @atts is expat's
 * NULL-terminated name/value array with @n_attrs pairs; a name of the form
 * "uri<ns_sep>local" becomes "xml:local" for the XML namespace and
 * "{uri}local" otherwise.  Attributes are not checked for duplicates.
 * @text_room reserves room in the same allocation for that many bytes of
 * text (a hint: more text moves to its own allocation).
 */
G_GNUC_INTERNAL
XmppNode *xmpp_node_new_parsed (const char         *name,
                                gboolean            copy_name,
                                const char         *ns,
                                gboolean            copy_ns,
                                const char * const *atts,
                                guint               n_attrs,
                                char                ns_sep,
                                gsize               text_room);
/* Gives @n_children nodes, with their references, to @self, which has none. */
G_GNUC_INTERNAL
void xmpp_node_set_parsed_children (XmppNode        *self,
                                    XmppNode *const *children,
                                    guint            n_children);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppNode, xmpp_node_unref)

G_END_DECLS
