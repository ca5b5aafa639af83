/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppReader: an incremental, namespace-aware expat parser for XMPP streams.
 *
 * RFC 6120 §11 restricts the XML of a stream.  Expat is told to stop as
 * soon as it reports anything outside that subset:
 *
 *   DOCTYPE                 start-doctype handler (fires before the internal
 *                           subset, so no entity can ever be declared: this
 *                           is what stops "billion laughs")
 *   entity declarations     entity-decl handlers (defence in depth)
 *   undeclared entities     expat itself, since there is no DTD
 *   comments, PIs           comment / processing-instruction handlers
 *   other encodings         the parser is created for UTF-8, which overrides
 *                           the declaration; the XML declaration handler
 *                           rejects any declared encoding but UTF-8
 *   invalid UTF-8           expat (overlong forms, surrogates, > U+10FFFF)
 *
 * No default handler is installed: it would stop expat from expanding
 * internal entities and is not needed, since every construct that is not
 * element, attribute or text either has its own handler above or is a
 * syntax error.  The predefined entities and character references are
 * expanded by expat into character data.
 *
 * Limits (see XmppReaderLimits).  `mark` is the byte index from which bytes
 * count against max_stanza_size: the start of the current stanza, or the
 * end of the last complete event outside a stanza.  After each slice given
 * to expat, the bytes fed since `mark` are checked, which also catches an
 * unfinished token that expat buffers without calling any handler (a start
 * tag with endless attributes).  Input goes to expat in slices of at most
 * SLICE_SIZE bytes, so neither expat's buffer nor a stanza's text grows
 * more than one slice past the limit; the end tag of a stanza checks its
 * exact size.  Depth and attribute counts are checked at each start tag.
 *
 * Nodes are built bottom-up: an element's finished children wait in
 * `pending` until its end tag, then move into it as one exact-size array.
 */
#define G_LOG_DOMAIN "xmpp-reader"

#include "xmpp-reader.h"

#include <expat.h>
#include <string.h>

/* 0xFF never occurs in UTF-8, so it cannot be part of a namespace URI. */
#define NS_SEP     '\xFF'
#define SLICE_SIZE (64 * 1024)
/* Bounds the per-reader name cache against a peer inventing names; the
 * table is kept at most half full. */
#define MAX_CACHED_NAMES 512
#define MIN_NAME_SLOTS   64

G_DEFINE_QUARK (xmpp-reader-error-quark, xmpp_reader_error)

typedef struct {
  XmppReaderEvent event;
  XmppNode *node;
} QueuedEvent;

/* How one expanded expat element name maps onto an XmppNode. */
typedef struct {
  char *key;            /* expat's expanded name; NULL in an empty slot */
  guint32 key_len;
  guint32 hash;
  const char *name;     /* interned, or name_copy */
  const char *ns;       /* interned, ns_copy or NULL */
  char *name_copy;
  char *ns_copy;
} ElementName;

typedef struct {
  XmppNode *node;
  guint first_child;        /* its first child in pending */
} OpenElement;

struct _XmppReader {
  XmppReaderMode mode;
  XmppReaderLimits limits;
  XML_Parser parser;

  GArray *events;           /* QueuedEvent */
  guint events_head;

  /* Open elements of the current stanza, and the finished children that
   * wait for their parent's end tag, to be given to it in one exact-size
   * array.  The reader owns every node in either. */
  OpenElement *open;
  guint n_open;
  guint open_size;
  XmppNode **pending;
  guint n_pending;
  guint pending_size;
  guint level;              /* open elements, the stream root included */
  guint depth_offset;       /* 1 in stream mode: the root is depth 0 */

  gint64 fed;               /* bytes given to expat since the reset */
  gint64 mark;              /* see the file comment */
  gint64 start_tag_end;     /* end of the current stanza's start tag */

  gboolean closed;
  GError *error;            /* the fatal error, once there is one */

  /* Open-addressing cache of element names, so that a name costs a hash
   * and a memcmp() rather than a lookup in GLib's locked quark table. */
  ElementName *names;
  guint n_names;
  guint n_name_slots;
  guint64 hash_seed;
};

/* Reuses the interned copy of @str when GLib has one, without interning. */
static const char *
known_or_copy (const char  *str,
               gsize        len,
               char       **copy)
{
  GQuark quark;

  *copy = g_strndup (str, len);
  quark = g_quark_try_string (*copy);
  if (quark != 0)
    {
      g_clear_pointer (copy, g_free);
      return g_quark_to_string (quark);
    }

  return *copy;
}

static void
element_name_resolve (const char  *expat_name,
                      gsize        len,
                      ElementName *entry)
{
  const char *sep = memchr (expat_name, NS_SEP, len);
  const char *local = sep != NULL ? sep + 1 : expat_name;

  entry->name = known_or_copy (local, len - (local - expat_name), &entry->name_copy);
  if (sep != NULL)
    entry->ns = known_or_copy (expat_name, sep - expat_name, &entry->ns_copy);
  else
    {
      entry->ns = NULL;
      entry->ns_copy = NULL;
    }
}

static void
element_name_clear (ElementName *entry)
{
  g_clear_pointer (&entry->key, g_free);
  g_clear_pointer (&entry->name_copy, g_free);
  g_clear_pointer (&entry->ns_copy, g_free);
}

/* A seeded multiplicative hash, eight bytes at a time. */
static inline guint32
name_hash (const char *s,
           gsize       len,
           guint64     seed)
{
  guint64 h = seed ^ (len * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
  guint64 v = 0;

  if (len < 8)
    {
      for (gsize i = 0; i < len; i++)
        v = (v << 8) | (guchar) s[i];
    }
  else
    {
      const char *last = s + len - 8;

      for (; s < last; s += 8)
        {
          memcpy (&v, s, 8);
          h = (h ^ v) * G_GUINT64_CONSTANT (0xFF51AFD7ED558CCD);
          h ^= h >> 32;
        }
      /* The last eight bytes, overlapping the previous word if need be. */
      memcpy (&v, last, 8);
    }
  h = (h ^ v) * G_GUINT64_CONSTANT (0xC4CEB9FE1A85EC53);
  h ^= h >> 29;

  return (guint32) h;
}

static guint
name_slot (const ElementName *slots,
           guint              n_slots,
           guint32            hash,
           const char        *key,
           gsize              len)
{
  guint mask = n_slots - 1;
  guint i;

  for (i = hash & mask; slots[i].key != NULL; i = (i + 1) & mask)
    {
      if (slots[i].hash == hash && slots[i].key_len == len &&
          memcmp (slots[i].key, key, len) == 0)
        break;
    }

  return i;
}

static void
names_grow (XmppReader *self)
{
  guint n_slots = MAX (MIN_NAME_SLOTS, self->n_name_slots * 2);
  ElementName *slots = g_new0 (ElementName, n_slots);

  for (guint i = 0; i < self->n_name_slots; i++)
    {
      ElementName *old = &self->names[i];

      if (old->key != NULL)
        slots[name_slot (slots, n_slots, old->hash, old->key, old->key_len)] = *old;
    }

  g_free (self->names);
  self->names = slots;
  self->n_name_slots = n_slots;
}

static void
names_clear (XmppReader *self)
{
  for (guint i = 0; i < self->n_name_slots; i++)
    element_name_clear (&self->names[i]);
  g_clear_pointer (&self->names, g_free);
  self->n_names = 0;
  self->n_name_slots = 0;
}

/* Returns the cached entry for @expat_name, or fills @tmp when full. */
static const ElementName *
lookup_name (XmppReader  *self,
             const char  *expat_name,
             ElementName *tmp)
{
  gsize len = strlen (expat_name);
  guint32 hash = name_hash (expat_name, len, self->hash_seed);
  ElementName *entry;
  guint i;

  i = name_slot (self->names, self->n_name_slots, hash, expat_name, len);
  if (G_LIKELY (self->names[i].key != NULL))
    return &self->names[i];

  if (self->n_names >= MAX_CACHED_NAMES || len > G_MAXUINT32)
    {
      element_name_resolve (expat_name, len, tmp);
      return tmp;
    }

  if (2 * (self->n_names + 1) > self->n_name_slots)
    {
      names_grow (self);
      i = name_slot (self->names, self->n_name_slots, hash, expat_name, len);
    }

  entry = &self->names[i];
  element_name_resolve (expat_name, len, entry);
  entry->key = g_strndup (expat_name, len);
  entry->key_len = len;
  entry->hash = hash;
  self->n_names++;

  return entry;
}

static void
stop (XmppReader      *self,
      XmppReaderError  code,
      const char      *message)
{
  if (self->error != NULL)
    return;

  g_set_error (&self->error, XMPP_READER_ERROR, code, "%s (byte %" G_GINT64_FORMAT ")",
               message, (gint64) XML_GetCurrentByteIndex (self->parser));
  XML_StopParser (self->parser, XML_FALSE);
}

static void
queue_event (XmppReader      *self,
             XmppReaderEvent  event,
             XmppNode        *node)
{
  QueuedEvent queued = { event, node };

  g_array_append_val (self->events, queued);
}

static gboolean
check_size (XmppReader *self,
            gint64      end)
{
  if (end - self->mark > (gint64) self->limits.max_stanza_size)
    {
      stop (self, XMPP_READER_ERROR_LIMIT, "Stanza too large");
      return FALSE;
    }

  return TRUE;
}

/*
 * How many bytes of text the element that just started will hold at most,
 * when it can be told from the input buffered so far: the raw bytes up to
 * the next '<' (entity and character references only get shorter).  It
 * lets the node take its text in its own allocation.
 */
static gsize
text_room (XmppReader *self)
{
  const char *buffer, *text, *lt;
  int offset, size, count;

  buffer = XML_GetInputContext (self->parser, &offset, &size);
  count = XML_GetCurrentByteCount (self->parser);
  if (buffer == NULL || count < 2 || offset + count >= size)
    return 0;

  /* An empty-element tag has no text of its own. */
  text = buffer + offset + count;
  if (text[-2] == '/')
    return 0;

  lt = memchr (text, '<', size - (offset + count));

  return lt != NULL ? (gsize) (lt - text) : 0;
}

static XmppNode *
build_node (XmppReader         *self,
            const char         *expat_name,
            const char * const *atts,
            guint               n_attrs,
            gsize               room)
{
  const ElementName *entry;
  ElementName tmp;
  XmppNode *node;

  entry = lookup_name (self, expat_name, &tmp);
  node = xmpp_node_new_parsed (entry->name, entry->name_copy != NULL,
                               entry->ns, entry->ns_copy != NULL,
                               atts, n_attrs, NS_SEP, room);
  if (entry == &tmp)
    {
      g_free (tmp.name_copy);
      g_free (tmp.ns_copy);
    }

  return node;
}

static void
start_stream (XmppReader  *self,
              const char  *expat_name,
              const char **atts,
              guint        n_attrs)
{
  static const char stream_name[] = XMPP_NS_STREAM "\xFF" "stream";

  if (strcmp (expat_name, stream_name) != 0)
    {
      stop (self, XMPP_READER_ERROR_NOT_WELL_FORMED,
            "The root element is not <stream:stream/>");
      return;
    }

  queue_event (self, XMPP_READER_EVENT_STREAM_OPEN,
               build_node (self, expat_name, atts, n_attrs, 0));
}

static void XMLCALL
start_element_cb (void        *user_data,
                  const char  *expat_name,
                  const char **atts)
{
  XmppReader *self = user_data;
  guint depth;
  guint n_attrs;

  if (G_UNLIKELY (self->error != NULL))
    return;

  self->level++;
  depth = self->level - self->depth_offset;

  for (n_attrs = 0; atts[2 * n_attrs] != NULL; n_attrs++)
    ;
  if (G_UNLIKELY (n_attrs > self->limits.max_attrs))
    {
      stop (self, XMPP_READER_ERROR_LIMIT, "Too many attributes");
      return;
    }

  if (G_UNLIKELY (depth == 0))
    {
      start_stream (self, expat_name, atts, n_attrs);
      self->mark = XML_GetCurrentByteIndex (self->parser) +
                   XML_GetCurrentByteCount (self->parser);
      return;
    }

  if (G_UNLIKELY (depth > self->limits.max_depth))
    {
      stop (self, XMPP_READER_ERROR_LIMIT, "Elements nested too deeply");
      return;
    }

  /* Sizes are checked where a stanza starts and ends; in between, the
   * check after each slice in parse() bounds them. */
  if (depth == 1)
    {
      self->mark = XML_GetCurrentByteIndex (self->parser);
      self->start_tag_end = self->mark + XML_GetCurrentByteCount (self->parser);
      if (!check_size (self, self->start_tag_end))
        return;
    }

  if (G_UNLIKELY (self->n_open == self->open_size))
    {
      self->open_size = MAX (16, self->open_size * 2);
      self->open = g_renew (OpenElement, self->open, self->open_size);
    }
  self->open[self->n_open].node = build_node (self, expat_name, atts, n_attrs,
                                              text_room (self));
  self->open[self->n_open].first_child = self->n_pending;
  self->n_open++;
}

/* The end of the current event; an empty-element tag ends with its start. */
static gint64
event_end (XmppReader *self)
{
  int count = XML_GetCurrentByteCount (self->parser);

  if (count == 0)
    return self->start_tag_end;

  return XML_GetCurrentByteIndex (self->parser) + count;
}

static void XMLCALL
end_element_cb (void       *user_data,
                const char *expat_name)
{
  XmppReader *self = user_data;
  OpenElement *element;
  XmppNode *node;
  gint64 end;

  if (G_UNLIKELY (self->error != NULL))
    return;

  self->level--;

  if (G_UNLIKELY (self->n_open == 0))
    {
      /* The end of the stream root. */
      g_assert (self->level == 0 && self->mode == XMPP_READER_MODE_STREAM);
      self->closed = TRUE;
      self->mark = XML_GetCurrentByteIndex (self->parser) +
                   XML_GetCurrentByteCount (self->parser);
      queue_event (self, XMPP_READER_EVENT_STREAM_CLOSE, NULL);
      return;
    }

  element = &self->open[--self->n_open];
  node = element->node;
  if (self->n_pending > element->first_child)
    {
      xmpp_node_set_parsed_children (node, self->pending + element->first_child,
                                     self->n_pending - element->first_child);
      self->n_pending = element->first_child;
    }

  if (self->n_open > 0)
    {
      if (G_UNLIKELY (self->n_pending == self->pending_size))
        {
          self->pending_size = MAX (16, self->pending_size * 2);
          self->pending = g_renew (XmppNode *, self->pending, self->pending_size);
        }
      self->pending[self->n_pending++] = node;
      return;
    }

  /* The end of a stanza. */
  end = event_end (self);
  if (!check_size (self, end))
    {
      xmpp_node_unref (node);
      return;
    }

  self->mark = end;
  queue_event (self, XMPP_READER_EVENT_STANZA, node);
  if (self->level == 0)
    self->closed = TRUE;
}

static void XMLCALL
character_data_cb (void       *user_data,
                   const char *s,
                   int         len)
{
  XmppReader *self = user_data;

  if (G_UNLIKELY (self->error != NULL))
    return;

  if (G_UNLIKELY (self->n_open == 0))
    {
      /* Whitespace between stanzas (RFC 6120 §4.6.1 keepalives) is
       * dropped, and does not count as part of the next stanza. */
      self->mark = XML_GetCurrentByteIndex (self->parser) +
                   XML_GetCurrentByteCount (self->parser);
      return;
    }

  xmpp_node_append_text (self->open[self->n_open - 1].node, s, len);
}

static void XMLCALL
xml_decl_cb (void       *user_data,
             const char *version,
             const char *encoding,
             int         standalone)
{
  XmppReader *self = user_data;

  /* RFC 6120 §11.6: UTF-8 only.  The parser decodes UTF-8 whatever the
   * declaration says, so a different declaration is refused here. */
  if (encoding != NULL && g_ascii_strcasecmp (encoding, "UTF-8") != 0)
    stop (self, XMPP_READER_ERROR_BAD_ENCODING, "Encoding other than UTF-8");
}

static void XMLCALL
doctype_cb (void       *user_data,
            const char *doctype_name,
            const char *sysid,
            const char *pubid,
            int         has_internal_subset)
{
  stop (user_data, XMPP_READER_ERROR_RESTRICTED_XML, "DOCTYPE not allowed");
}

static void XMLCALL
entity_decl_cb (void       *user_data,
                const char *entity_name,
                int         is_parameter_entity,
                const char *value,
                int         value_length,
                const char *base,
                const char *system_id,
                const char *public_id,
                const char *notation_name)
{
  stop (user_data, XMPP_READER_ERROR_RESTRICTED_XML, "Entity declaration not allowed");
}

static void XMLCALL
comment_cb (void       *user_data,
            const char *data)
{
  stop (user_data, XMPP_READER_ERROR_RESTRICTED_XML, "Comment not allowed");
}

static void XMLCALL
processing_instruction_cb (void       *user_data,
                           const char *target,
                           const char *data)
{
  stop (user_data, XMPP_READER_ERROR_RESTRICTED_XML, "Processing instruction not allowed");
}

static void XMLCALL
skipped_entity_cb (void       *user_data,
                   const char *entity_name,
                   int         is_parameter_entity)
{
  stop (user_data, XMPP_READER_ERROR_RESTRICTED_XML, "Entity reference not allowed");
}

static int XMLCALL
external_entity_ref_cb (XML_Parser  parser,
                        const char *context,
                        const char *base,
                        const char *system_id,
                        const char *public_id)
{
  /* Never load anything; expat reports XML_ERROR_EXTERNAL_ENTITY_HANDLING. */
  return XML_STATUS_ERROR;
}

static void
create_parser (XmppReader *self)
{
  XML_Parser parser = XML_ParserCreateNS ("UTF-8", NS_SEP);

  if (parser == NULL)
    g_error ("%s: out of memory", G_STRFUNC);

  XML_SetUserData (parser, self);
  XML_SetElementHandler (parser, start_element_cb, end_element_cb);
  XML_SetCharacterDataHandler (parser, character_data_cb);
  XML_SetXmlDeclHandler (parser, xml_decl_cb);
  XML_SetStartDoctypeDeclHandler (parser, doctype_cb);
  XML_SetEntityDeclHandler (parser, entity_decl_cb);
  XML_SetCommentHandler (parser, comment_cb);
  XML_SetProcessingInstructionHandler (parser, processing_instruction_cb);
  XML_SetSkippedEntityHandler (parser, skipped_entity_cb);
  XML_SetExternalEntityRefHandler (parser, external_entity_ref_cb);
  XML_SetParamEntityParsing (parser, XML_PARAM_ENTITY_PARSING_NEVER);

  self->parser = parser;
}

static void
clear_state (XmppReader *self)
{
  for (guint i = 0; i < self->n_open; i++)
    xmpp_node_unref (self->open[i].node);
  self->n_open = 0;
  for (guint i = 0; i < self->n_pending; i++)
    xmpp_node_unref (self->pending[i]);
  self->n_pending = 0;

  for (guint i = self->events_head; i < self->events->len; i++)
    g_clear_pointer (&g_array_index (self->events, QueuedEvent, i).node, xmpp_node_unref);
  g_array_set_size (self->events, 0);
  self->events_head = 0;

  self->level = 0;
  self->fed = 0;
  self->mark = 0;
  self->start_tag_end = 0;
  self->closed = FALSE;
  g_clear_error (&self->error);
  g_clear_pointer (&self->parser, XML_ParserFree);
}

XmppReader *
xmpp_reader_new (XmppReaderMode          mode,
                 const XmppReaderLimits *limits)
{
  XmppReader *self;

  g_return_val_if_fail (mode == XMPP_READER_MODE_STREAM ||
                        mode == XMPP_READER_MODE_DOCUMENT, NULL);

  self = g_new0 (XmppReader, 1);
  self->mode = mode;
  self->depth_offset = mode == XMPP_READER_MODE_STREAM ? 1 : 0;

  if (limits != NULL)
    self->limits = *limits;
  if (self->limits.max_stanza_size == 0)
    self->limits.max_stanza_size = XMPP_READER_DEFAULT_MAX_STANZA_SIZE;
  if (self->limits.max_depth == 0)
    self->limits.max_depth = XMPP_READER_DEFAULT_MAX_DEPTH;
  if (self->limits.max_attrs == 0)
    self->limits.max_attrs = XMPP_READER_DEFAULT_MAX_ATTRS;

  self->events = g_array_sized_new (FALSE, FALSE, sizeof (QueuedEvent), 16);
  self->hash_seed = ((guint64) g_random_int () << 32) | g_random_int ();
  names_grow (self);
  create_parser (self);

  return self;
}

void
xmpp_reader_free (XmppReader *self)
{
  if (self == NULL)
    return;

  clear_state (self);
  g_array_unref (self->events);
  g_free (self->open);
  g_free (self->pending);
  names_clear (self);
  g_free (self);
}

void
xmpp_reader_reset (XmppReader *self)
{
  g_return_if_fail (self != NULL);

  clear_state (self);
  create_parser (self);
}

/* Whether the bytes at expat's error position are not valid UTF-8. */
static gboolean
error_is_bad_utf8 (XmppReader *self)
{
  const guchar *p;
  int offset, size;
  gsize avail;
  gunichar c;

  p = (const guchar *) XML_GetInputContext (self->parser, &offset, &size);
  if (p == NULL || offset < 0 || offset >= size)
    return FALSE;

  p += offset;
  avail = size - offset;
  if (*p < 0x80)
    return FALSE;

  c = g_utf8_get_char_validated ((const char *) p, MIN (avail, 4));
  /* -2 (truncated) is not reported here: more input may complete it. */
  return c == (gunichar) -1 ||
         (c != (gunichar) -2 && (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)));
}

static void
set_expat_error (XmppReader *self)
{
  enum XML_Error code = XML_GetErrorCode (self->parser);
  XmppReaderError reader_code;

  switch (code)
    {
    case XML_ERROR_UNDEFINED_ENTITY:
    case XML_ERROR_RECURSIVE_ENTITY_REF:
    case XML_ERROR_BINARY_ENTITY_REF:
    case XML_ERROR_ATTRIBUTE_EXTERNAL_ENTITY_REF:
    case XML_ERROR_MISPLACED_XML_PI:
    case XML_ERROR_EXTERNAL_ENTITY_HANDLING:
    case XML_ERROR_NOT_STANDALONE:
    case XML_ERROR_ENTITY_DECLARED_IN_PE:
    case XML_ERROR_PARAM_ENTITY_REF:
    case XML_ERROR_FEATURE_REQUIRES_XML_DTD:
    case XML_ERROR_AMPLIFICATION_LIMIT_BREACH:
      reader_code = XMPP_READER_ERROR_RESTRICTED_XML;
      break;

    case XML_ERROR_UNKNOWN_ENCODING:
    case XML_ERROR_INCORRECT_ENCODING:
    case XML_ERROR_PARTIAL_CHAR:
      reader_code = XMPP_READER_ERROR_BAD_ENCODING;
      break;

    case XML_ERROR_INVALID_TOKEN:
      reader_code = error_is_bad_utf8 (self) ? XMPP_READER_ERROR_BAD_ENCODING
                                             : XMPP_READER_ERROR_NOT_WELL_FORMED;
      break;

    case XML_ERROR_JUNK_AFTER_DOC_ELEMENT:
      reader_code = self->closed ? XMPP_READER_ERROR_CLOSED
                                 : XMPP_READER_ERROR_NOT_WELL_FORMED;
      break;

    case XML_ERROR_NO_MEMORY:
      g_error ("%s: out of memory", G_STRFUNC);
      break;

    default:
      reader_code = XMPP_READER_ERROR_NOT_WELL_FORMED;
      break;
    }

  g_set_error (&self->error, XMPP_READER_ERROR, reader_code,
               "%s (byte %" G_GINT64_FORMAT ")",
               XML_ErrorString (code),
               (gint64) XML_GetCurrentByteIndex (self->parser));
}

static gboolean
fail (XmppReader  *self,
      GError     **error)
{
  if (error != NULL)
    *error = g_error_copy (self->error);

  return FALSE;
}

static gboolean
parse (XmppReader *self,
       const char *data,
       int         len,
       gboolean    is_final)
{
  if (XML_Parse (self->parser, data, len, is_final) != XML_STATUS_OK)
    {
      /* A handler that stopped the parser has set the error already. */
      if (self->error == NULL)
        set_expat_error (self);
      return FALSE;
    }

  self->fed += len;
  if (self->fed - self->mark > (gint64) self->limits.max_stanza_size)
    {
      g_set_error (&self->error, XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT,
                   "Stanza too large (byte %" G_GINT64_FORMAT ")", self->fed);
      return FALSE;
    }

  return TRUE;
}

gboolean
xmpp_reader_feed (XmppReader  *self,
                  const char  *data,
                  gsize        len,
                  GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->error != NULL)
    return fail (self, error);

  if (self->closed && len > 0)
    {
      g_set_error_literal (&self->error, XMPP_READER_ERROR, XMPP_READER_ERROR_CLOSED,
                           self->mode == XMPP_READER_MODE_STREAM
                           ? "Data after the end of the stream"
                           : "Data after the end of the document");
      return fail (self, error);
    }

  while (len > 0)
    {
      int slice = MIN (len, SLICE_SIZE);

      if (!parse (self, data, slice, FALSE))
        return fail (self, error);

      data += slice;
      len -= slice;
    }

  return TRUE;
}

gboolean
xmpp_reader_finish (XmppReader  *self,
                    GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->error != NULL)
    return fail (self, error);

  if (!parse (self, "", 0, TRUE))
    return fail (self, error);

  return TRUE;
}

XmppReaderEvent
xmpp_reader_pop (XmppReader  *self,
                 XmppNode   **node)
{
  QueuedEvent *queued;
  XmppReaderEvent event;

  g_return_val_if_fail (self != NULL, XMPP_READER_EVENT_NONE);

  if (node != NULL)
    *node = NULL;

  if (self->events_head >= self->events->len)
    return XMPP_READER_EVENT_NONE;

  queued = &g_array_index (self->events, QueuedEvent, self->events_head++);
  event = queued->event;
  if (node != NULL)
    *node = g_steal_pointer (&queued->node);
  else
    g_clear_pointer (&queued->node, xmpp_node_unref);

  if (self->events_head == self->events->len)
    {
      g_array_set_size (self->events, 0);
      self->events_head = 0;
    }

  return event;
}
