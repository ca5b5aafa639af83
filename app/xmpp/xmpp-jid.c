/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppJid: parsing and preparation of XMPP addresses (RFC 7622).
 *
 *   "Local@Domain/Resource"
 *        │      │      └─ resourcepart: PRECIS OpaqueString (RFC 8265 §4.2)
 *        │      └──────── domainpart: IDNA2008 via libidn2, or an IP literal
 *        └─────────────── localpart: PRECIS UsernameCaseMapped (RFC 8265 §3.3)
 *                         minus the eight characters of RFC 7622 §3.3.1
 *
 * The separators are found on the raw bytes before any mapping (RFC 7622
 * §3.1, implementation note), so a fullwidth '＠' never splits a JID.
 *
 * The PRECIS string classes (RFC 8264 §8, with the exceptions of RFC 5892
 * §2.6 and the contextual rules of RFC 5892 Appendix A) are derived from
 * GLib's Unicode tables.  Two simplifications, both on the strict side:
 *  - ZERO WIDTH (NON-)JOINER is accepted only after a virama; the
 *    Arabic-joining half of the CONTEXTJ rule needs tables GLib lacks;
 *  - the Bidi Rule (RFC 5893) that UsernameCaseMapped asks for is not
 *    applied, because GLib exposes no bidirectional classes.
 */
#define G_LOG_DOMAIN "xmpp-jid"

#include "xmpp-jid.h"

#include <gio/gio.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

/* RFC 7622 §3.1: each part is 1..1023 bytes once prepared. */
#define PART_MAX 1023

/* Preparation shrinks a part at most threefold (fullwidth forms to ASCII,
 * conjoining jamo to a syllable), so a longer raw part can be refused
 * before any Unicode work is spent on it. */
#define RAW_PART_MAX (4 * PART_MAX)

/* How much of the input an error message quotes. */
#define QUOTE_MAX_CHARS 64

struct _XmppJid
{
  gatomicrefcount ref_count;
  guint hash;
  char *local;     /* nullable */
  char *domain;
  char *resource;  /* nullable */
  char *full;
  char *bare;
};

G_DEFINE_QUARK (xmpp-jid-error-quark, xmpp_jid_error)
G_DEFINE_BOXED_TYPE (XmppJid, xmpp_jid, xmpp_jid_ref, xmpp_jid_unref)

typedef enum {
  PART_LOCAL,
  PART_DOMAIN,
  PART_RESOURCE,
} Part;

static const char * const part_names[] = { "localpart", "domainpart", "resourcepart" };

/* Error messages quote the input; it may be invalid UTF-8, hold control
 * characters or be very long, none of which belongs in a log or a dialog. */
static char *
quote_for_message (const char *str)
{
  /* Enough bytes for QUOTE_MAX_CHARS characters and the ellipsis test;
   * a character cut at the end becomes U+FFFD and is never shown. */
  g_autofree char *valid = g_utf8_make_valid (str, strnlen (str, 4 * (QUOTE_MAX_CHARS + 1)));
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (n == QUOTE_MAX_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      if (g_unichar_iscntrl (c))
        c = 0xFFFD;
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static void
set_part_error (GError       **error,
                XmppJidError   code,
                Part           part,
                const char    *context,
                const char    *reason)
{
  g_autofree char *quoted = quote_for_message (context);

  switch (code)
    {
    case XMPP_JID_ERROR_EMPTY:
      g_set_error (error, XMPP_JID_ERROR, code, "Empty %s in “%s”",
                   part_names[part], quoted);
      break;
    case XMPP_JID_ERROR_TOO_LONG:
      if (reason != NULL)
        g_set_error (error, XMPP_JID_ERROR, code, "Too long %s in “%s”: %s",
                     part_names[part], quoted, reason);
      else
        g_set_error (error, XMPP_JID_ERROR, code,
                     "Too long %s in “%s”: more than %d bytes",
                     part_names[part], quoted, PART_MAX);
      break;
    case XMPP_JID_ERROR_INVALID_LOCAL:
    case XMPP_JID_ERROR_INVALID_DOMAIN:
    case XMPP_JID_ERROR_INVALID_RESOURCE:
    default:
      g_set_error (error, XMPP_JID_ERROR, code, "Invalid %s in “%s”: %s",
                   part_names[part], quoted, reason);
      break;
    }
}

static XmppJidError
invalid_code (Part part)
{
  switch (part)
    {
    case PART_LOCAL:
      return XMPP_JID_ERROR_INVALID_LOCAL;
    case PART_DOMAIN:
      return XMPP_JID_ERROR_INVALID_DOMAIN;
    case PART_RESOURCE:
    default:
      return XMPP_JID_ERROR_INVALID_RESOURCE;
    }
}

static void
set_bad_char_error (GError     **error,
                    Part         part,
                    const char  *context,
                    gunichar     c)
{
  g_autofree char *reason = NULL;

  if (c == ' ')
    reason = g_strdup ("spaces are not allowed");
  else if (g_unichar_isgraph (c) && g_unichar_type (c) != G_UNICODE_FORMAT)
    {
      char utf8[8] = { 0 };

      g_unichar_to_utf8 (c, utf8);
      reason = g_strdup_printf ("“%s” (U+%04X) is not allowed", utf8, c);
    }
  else
    reason = g_strdup_printf ("U+%04X is not allowed", c);

  set_part_error (error, invalid_code (part), part, context, reason);
}

/* Checks shared by every part before any Unicode work: not empty, not
 * absurdly long, valid UTF-8. */
static gboolean
check_raw_part (const char  *raw,
                gsize        len,
                Part         part,
                const char  *context,
                GError     **error)
{
  if (len == 0)
    {
      set_part_error (error, XMPP_JID_ERROR_EMPTY, part, context, NULL);
      return FALSE;
    }
  if (len > RAW_PART_MAX)
    {
      set_part_error (error, XMPP_JID_ERROR_TOO_LONG, part, context, NULL);
      return FALSE;
    }
  if (!g_utf8_validate_len (raw, len, NULL))
    {
      set_part_error (error, invalid_code (part), part, context,
                      "not valid UTF-8");
      return FALSE;
    }

  return TRUE;
}

/* Normalises to NFC and enforces the prepared length (RFC 7622 §3.1). */
static char *
nfc_with_limit (const char  *str,
                Part         part,
                const char  *context,
                GError     **error)
{
  g_autofree char *nfc = g_utf8_normalize (str, -1, G_NORMALIZE_NFC);
  gsize len;

  g_assert (nfc != NULL);
  len = strlen (nfc);
  if (len == 0)
    {
      set_part_error (error, XMPP_JID_ERROR_EMPTY, part, context, NULL);
      return NULL;
    }
  if (len > PART_MAX)
    {
      set_part_error (error, XMPP_JID_ERROR_TOO_LONG, part, context, NULL);
      return NULL;
    }

  return g_steal_pointer (&nfc);
}

/* PRECIS string classes (RFC 8264 §8–9) */

typedef enum {
  PRECIS_IDENTIFIER,
  PRECIS_FREEFORM,
} PrecisClass;

typedef enum {
  PV_PVALID,      /* valid in both classes */
  PV_FREE_PVAL,   /* valid in FreeformClass only (ID_DIS) */
  PV_CONTEXTJ,
  PV_CONTEXTO,
  PV_DISALLOWED,  /* includes UNASSIGNED */
} PrecisValue;

static gboolean
in_range (gunichar c,
          gunichar first,
          gunichar last)
{
  return c >= first && c <= last;
}

/* RFC 5892 §2.6, "Exceptions" (F); returns FALSE when @c is none. */
static gboolean
precis_exception (gunichar     c,
                  PrecisValue *value)
{
  switch (c)
    {
    case 0x00DF: case 0x03C2: case 0x06FD: case 0x06FE: case 0x0F0B:
    case 0x3007:
      *value = PV_PVALID;
      return TRUE;
    case 0x00B7: case 0x0375: case 0x05F3: case 0x05F4: case 0x30FB:
      *value = PV_CONTEXTO;
      return TRUE;
    case 0x0640: case 0x07FA: case 0x302E: case 0x302F: case 0x303B:
      *value = PV_DISALLOWED;
      return TRUE;
    default:
      break;
    }
  if (in_range (c, 0x0660, 0x0669) || in_range (c, 0x06F0, 0x06F9))
    {
      *value = PV_CONTEXTO;
      return TRUE;
    }
  if (in_range (c, 0x3031, 0x3035))
    {
      *value = PV_DISALLOWED;
      return TRUE;
    }

  return FALSE;
}

/* Hangul_Syllable_Type L, V or T (RFC 8264 §9.9, OldHangulJamo). */
static gboolean
is_old_hangul_jamo (gunichar c)
{
  return in_range (c, 0x1100, 0x11FF) ||
         in_range (c, 0xA960, 0xA97F) ||
         in_range (c, 0xD7B0, 0xD7FF);
}

/* Default_Ignorable_Code_Point (DerivedCoreProperties.txt) or
 * Noncharacter_Code_Point: RFC 8264 §9.13, PrecisIgnorableProperties. */
static gboolean
is_precis_ignorable (gunichar c)
{
  return c == 0x00AD || c == 0x034F || c == 0x061C ||
         in_range (c, 0x115F, 0x1160) ||
         in_range (c, 0x17B4, 0x17B5) ||
         in_range (c, 0x180B, 0x180F) ||
         in_range (c, 0x200B, 0x200F) ||
         in_range (c, 0x202A, 0x202E) ||
         in_range (c, 0x2060, 0x206F) ||
         c == 0x3164 ||
         in_range (c, 0xFE00, 0xFE0F) ||
         c == 0xFEFF || c == 0xFFA0 ||
         in_range (c, 0xFFF0, 0xFFF8) ||
         in_range (c, 0x1BCA0, 0x1BCA3) ||
         in_range (c, 0x1D173, 0x1D17A) ||
         in_range (c, 0xE0000, 0xE0FFF) ||
         in_range (c, 0xFDD0, 0xFDEF) ||
         (c & 0xFFFE) == 0xFFFE;
}

/* RFC 8264 §9.17, HasCompat: toNFKC(cp) != cp. */
static gboolean
has_compat (gunichar c)
{
  char utf8[8] = { 0 };
  g_autofree char *nfkc = NULL;

  if (c < 0x80)
    return FALSE;
  g_unichar_to_utf8 (c, utf8);
  nfkc = g_utf8_normalize (utf8, -1, G_NORMALIZE_NFKC);

  return nfkc == NULL || strcmp (nfkc, utf8) != 0;
}

/* The derivation of RFC 8264 §8, in its order. */
static PrecisValue
precis_derive (gunichar c)
{
  PrecisValue value;

  if (precis_exception (c, &value))
    return value;
  if (g_unichar_type (c) == G_UNICODE_UNASSIGNED)
    return PV_DISALLOWED;
  if (c >= 0x21 && c <= 0x7E)
    return PV_PVALID;
  if (c == 0x200C || c == 0x200D)
    return PV_CONTEXTJ;
  if (is_old_hangul_jamo (c) || is_precis_ignorable (c))
    return PV_DISALLOWED;
  if (g_unichar_type (c) == G_UNICODE_CONTROL)
    return PV_DISALLOWED;
  if (has_compat (c))
    return PV_FREE_PVAL;

  switch (g_unichar_type (c))
    {
    /* LetterDigits */
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_SPACING_MARK:
      return PV_PVALID;
    /* OtherLetterDigits, Spaces, Symbols, Punctuation */
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_SPACE_SEPARATOR:
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_CURRENCY_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
      return PV_FREE_PVAL;
    default:
      return PV_DISALLOWED;
    }
}

typedef struct {
  gboolean has_kana_han;
  gboolean has_arabic_indic;
  gboolean has_ext_arabic_indic;
} ContextFacts;

/* RFC 5892 Appendix A; @before and @after are 0 at the string's ends. */
static gboolean
context_allows (gunichar            c,
                gunichar            before,
                gunichar            after,
                const ContextFacts *facts)
{
  if (c == 0x200C || c == 0x200D)
    return before != 0 && g_unichar_combining_class (before) == 9;
  if (c == 0x00B7)
    return before == 'l' && after == 'l';
  if (c == 0x0375)
    return after != 0 &&
           g_unichar_get_script (after) == G_UNICODE_SCRIPT_GREEK;
  if (c == 0x05F3 || c == 0x05F4)
    return before != 0 &&
           g_unichar_get_script (before) == G_UNICODE_SCRIPT_HEBREW;
  if (c == 0x30FB)
    return facts->has_kana_han;
  if (in_range (c, 0x0660, 0x0669))
    return !facts->has_ext_arabic_indic;
  if (in_range (c, 0x06F0, 0x06F9))
    return !facts->has_arabic_indic;

  return FALSE;
}

/* Returns 0 when every code point of @str is allowed in @klass, or else
 * the first one that is not. */
static gunichar
precis_first_disallowed (const char  *str,
                         PrecisClass  klass)
{
  ContextFacts facts = { FALSE, FALSE, FALSE };
  gunichar before = 0;

  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeScript script = g_unichar_get_script (c);

      facts.has_kana_han |= script == G_UNICODE_SCRIPT_HIRAGANA ||
                            script == G_UNICODE_SCRIPT_KATAKANA ||
                            script == G_UNICODE_SCRIPT_HAN;
      facts.has_arabic_indic |= in_range (c, 0x0660, 0x0669);
      facts.has_ext_arabic_indic |= in_range (c, 0x06F0, 0x06F9);
    }

  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      gunichar after = *next != '\0' ? g_utf8_get_char (next) : 0;
      gboolean ok;

      switch (precis_derive (c))
        {
        case PV_PVALID:
          ok = TRUE;
          break;
        case PV_FREE_PVAL:
          ok = klass == PRECIS_FREEFORM;
          break;
        case PV_CONTEXTJ:
        case PV_CONTEXTO:
          ok = context_allows (c, before, after, &facts);
          break;
        case PV_DISALLOWED:
        default:
          ok = FALSE;
          break;
        }
      if (!ok)
        return c;
      before = c;
    }

  return 0;
}

/* Localpart: UsernameCaseMapped (RFC 8265 §3.3) */

/* Code points whose decomposition is <wide> or <narrow> (UnicodeData.txt),
 * as runs { first, last, mapping of first }; each run maps consecutively. */
static const struct {
  gunichar first;
  gunichar last;
  gunichar to;
} width_map[] = {
  { 0x3000, 0x3000, 0x0020 }, { 0xFF01, 0xFF5E, 0x0021 }, { 0xFF5F, 0xFF60, 0x2985 },
  { 0xFF61, 0xFF61, 0x3002 }, { 0xFF62, 0xFF63, 0x300C }, { 0xFF64, 0xFF64, 0x3001 },
  { 0xFF65, 0xFF65, 0x30FB }, { 0xFF66, 0xFF66, 0x30F2 }, { 0xFF67, 0xFF67, 0x30A1 },
  { 0xFF68, 0xFF68, 0x30A3 }, { 0xFF69, 0xFF69, 0x30A5 }, { 0xFF6A, 0xFF6A, 0x30A7 },
  { 0xFF6B, 0xFF6B, 0x30A9 }, { 0xFF6C, 0xFF6C, 0x30E3 }, { 0xFF6D, 0xFF6D, 0x30E5 },
  { 0xFF6E, 0xFF6E, 0x30E7 }, { 0xFF6F, 0xFF6F, 0x30C3 }, { 0xFF70, 0xFF70, 0x30FC },
  { 0xFF71, 0xFF71, 0x30A2 }, { 0xFF72, 0xFF72, 0x30A4 }, { 0xFF73, 0xFF73, 0x30A6 },
  { 0xFF74, 0xFF74, 0x30A8 }, { 0xFF75, 0xFF76, 0x30AA }, { 0xFF77, 0xFF77, 0x30AD },
  { 0xFF78, 0xFF78, 0x30AF }, { 0xFF79, 0xFF79, 0x30B1 }, { 0xFF7A, 0xFF7A, 0x30B3 },
  { 0xFF7B, 0xFF7B, 0x30B5 }, { 0xFF7C, 0xFF7C, 0x30B7 }, { 0xFF7D, 0xFF7D, 0x30B9 },
  { 0xFF7E, 0xFF7E, 0x30BB }, { 0xFF7F, 0xFF7F, 0x30BD }, { 0xFF80, 0xFF80, 0x30BF },
  { 0xFF81, 0xFF81, 0x30C1 }, { 0xFF82, 0xFF82, 0x30C4 }, { 0xFF83, 0xFF83, 0x30C6 },
  { 0xFF84, 0xFF84, 0x30C8 }, { 0xFF85, 0xFF8A, 0x30CA }, { 0xFF8B, 0xFF8B, 0x30D2 },
  { 0xFF8C, 0xFF8C, 0x30D5 }, { 0xFF8D, 0xFF8D, 0x30D8 }, { 0xFF8E, 0xFF8E, 0x30DB },
  { 0xFF8F, 0xFF93, 0x30DE }, { 0xFF94, 0xFF94, 0x30E4 }, { 0xFF95, 0xFF95, 0x30E6 },
  { 0xFF96, 0xFF9B, 0x30E8 }, { 0xFF9C, 0xFF9C, 0x30EF }, { 0xFF9D, 0xFF9D, 0x30F3 },
  { 0xFF9E, 0xFF9F, 0x3099 }, { 0xFFA0, 0xFFA0, 0x3164 }, { 0xFFA1, 0xFFBE, 0x3131 },
  { 0xFFC2, 0xFFC7, 0x314F }, { 0xFFCA, 0xFFCF, 0x3155 }, { 0xFFD2, 0xFFD7, 0x315B },
  { 0xFFDA, 0xFFDC, 0x3161 }, { 0xFFE0, 0xFFE1, 0x00A2 }, { 0xFFE2, 0xFFE2, 0x00AC },
  { 0xFFE3, 0xFFE3, 0x00AF }, { 0xFFE4, 0xFFE4, 0x00A6 }, { 0xFFE5, 0xFFE5, 0x00A5 },
  { 0xFFE6, 0xFFE6, 0x20A9 }, { 0xFFE8, 0xFFE8, 0x2502 }, { 0xFFE9, 0xFFEC, 0x2190 },
  { 0xFFED, 0xFFED, 0x25A0 }, { 0xFFEE, 0xFFEE, 0x25CB },
};

/* RFC 8264 §9.1, the width-mapping rule. */
static gunichar
map_width (gunichar c)
{
  gsize lo = 0;
  gsize hi = G_N_ELEMENTS (width_map);

  if (c < 0x3000)
    return c;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (c < width_map[mid].first)
        hi = mid;
      else if (c > width_map[mid].last)
        lo = mid + 1;
      else
        return width_map[mid].to + (c - width_map[mid].first);
    }

  return c;
}

/* Unicode §3.13 "cased" (approximated by the letter categories). */
static gboolean
is_cased (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_UPPERCASE_LETTER ||
         type == G_UNICODE_LOWERCASE_LETTER ||
         type == G_UNICODE_TITLECASE_LETTER;
}

/* Unicode §3.13 "case-ignorable": Mn, Me, Cf, Lm, Sk, or Word_Break
 * MidLetter, MidNumLet or Single_Quote. */
static gboolean
is_case_ignorable (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_FORMAT:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_MODIFIER_SYMBOL:
      return TRUE;
    default:
      return c == '\'' || c == '.' || c == ':' || c == 0x00B7 ||
             c == 0x0387 || c == 0x05F4 || c == 0x2018 || c == 0x2019 ||
             c == 0x2024 || c == 0x2027 || c == 0xFE13 || c == 0xFE52 ||
             c == 0xFE55 || c == 0xFF07 || c == 0xFF0E || c == 0xFF1A;
    }
}

/* Unicode §3.13 Final_Sigma: a cased letter before (skipping
 * case-ignorables) and none after. */
static gboolean
is_final_sigma (const char *start,
                const char *sigma)
{
  const char *p = sigma;
  gboolean cased_before = FALSE;

  while (p > start)
    {
      gunichar c;

      p = g_utf8_prev_char (p);
      c = g_utf8_get_char (p);
      if (!is_case_ignorable (c))
        {
          cased_before = is_cased (c);
          break;
        }
    }
  if (!cased_before)
    return FALSE;

  for (p = g_utf8_next_char (sigma); *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_case_ignorable (c))
        return !is_cased (c);
    }

  return TRUE;
}

/* RFC 8264 §9.3, the case-mapping rule, is Unicode toLowerCase().
 *
 * g_utf8_casefold() is not it: RFC 8264 replaced the case folding of
 * RFC 7564 with lower-casing, and folding differs (“ß” folds to “ss”,
 * so “Fuß” and “fuss” would be one account).  g_utf8_strdown() is
 * toLowerCase() but follows LC_CTYPE: under a Turkish or Azeri locale it
 * maps “I” to a dotless “ı”, so the same JID would compare differently on
 * different desktops.  Hence this locale-independent loop: the simple
 * mappings of g_unichar_tolower(), plus the two context-free or
 * context-only entries of SpecialCasing.txt (U+0130 and Final_Sigma). */
static char *
to_lower_case (const char *str)
{
  GString *out = g_string_sized_new (strlen (str));

  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x0130)
        g_string_append (out, "i\xcc\x87");
      else if (c == 0x03A3)
        g_string_append_unichar (out, is_final_sigma (str, p) ? 0x03C2 : 0x03C3);
      else
        g_string_append_unichar (out, g_unichar_tolower (c));
    }

  return g_string_free (out, FALSE);
}

static char *
prepare_local (const char  *raw,
               gsize        len,
               const char  *context,
               GError     **error)
{
  g_autoptr(GString) widened = NULL;
  g_autofree char *lowered = NULL;
  g_autofree char *prepared = NULL;
  gunichar bad;

  if (!check_raw_part (raw, len, PART_LOCAL, context, error))
    return NULL;

  /* RFC 8265 §3.3.2: width mapping, case mapping, NFC, in this order. */
  widened = g_string_sized_new (len);
  for (const char *p = raw; p < raw + len; p = g_utf8_next_char (p))
    g_string_append_unichar (widened, map_width (g_utf8_get_char (p)));
  lowered = to_lower_case (widened->str);
  prepared = nfc_with_limit (lowered, PART_LOCAL, context, error);
  if (prepared == NULL)
    return NULL;

  /* RFC 7622 §3.3.1: the separators and XML specials stay out. */
  for (const char *p = prepared; *p != '\0'; p++)
    if (strchr ("\"&'/:<>@", *p) != NULL)
      {
        set_bad_char_error (error, PART_LOCAL, context, (guchar) *p);
        return NULL;
      }

  bad = precis_first_disallowed (prepared, PRECIS_IDENTIFIER);
  if (bad != 0)
    {
      set_bad_char_error (error, PART_LOCAL, context, bad);
      return NULL;
    }

  return g_steal_pointer (&prepared);
}

/* Resourcepart: OpaqueString (RFC 8265 §4.2) */

static char *
prepare_resource (const char  *raw,
                  gsize        len,
                  const char  *context,
                  GError     **error)
{
  g_autoptr(GString) mapped = NULL;
  g_autofree char *prepared = NULL;
  gunichar bad;

  if (!check_raw_part (raw, len, PART_RESOURCE, context, error))
    return NULL;

  /* RFC 8265 §4.2.2: non-ASCII spaces become U+0020; no case mapping. */
  mapped = g_string_sized_new (len);
  for (const char *p = raw; p < raw + len; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x80 && g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR)
        c = ' ';
      g_string_append_unichar (mapped, c);
    }
  prepared = nfc_with_limit (mapped->str, PART_RESOURCE, context, error);
  if (prepared == NULL)
    return NULL;

  bad = precis_first_disallowed (prepared, PRECIS_FREEFORM);
  if (bad != 0)
    {
      set_bad_char_error (error, PART_RESOURCE, context, bad);
      return NULL;
    }

  return g_steal_pointer (&prepared);
}

/* Domainpart (RFC 7622 §3.2) */

/* An IP literal is kept in the canonical text form of GInetAddress, so
 * "[::0001]" and "[::1]" are one JID. */
static char *
canonical_ip (const char *str)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (str);

  return address != NULL ? g_inet_address_to_string (address) : NULL;
}

/* RFC 7622 §3.2 takes IP-literal from RFC 3986: an IPv6 address in
 * brackets.  IPvFuture and zone identifiers are not accepted. */
static char *
prepare_ipv6_literal (const char  *domain,
                      const char  *context,
                      GError     **error)
{
  gsize len = strlen (domain);
  g_autofree char *inner = NULL;
  g_autofree char *canonical = NULL;

  if (len < 3 || domain[len - 1] != ']')
    {
      set_part_error (error, XMPP_JID_ERROR_INVALID_DOMAIN, PART_DOMAIN,
                      context, "unterminated IP literal");
      return NULL;
    }
  inner = g_strndup (domain + 1, len - 2);
  if (strspn (inner, "0123456789abcdefABCDEF:.") != len - 2 ||
      strchr (inner, ':') == NULL ||
      !g_hostname_is_ip_address (inner) ||
      (canonical = canonical_ip (inner)) == NULL)
    {
      set_part_error (error, XMPP_JID_ERROR_INVALID_DOMAIN, PART_DOMAIN,
                      context, "not an IPv6 address");
      return NULL;
    }

  return g_strdup_printf ("[%s]", canonical);
}

/* What IDNA lets through in ASCII is checked here: letters, digits,
 * hyphens and, for the sake of old deployments, underscores, in
 * non-empty dot-separated labels. */
static gboolean
check_ascii_domain (const char  *ace,
                    const char  *context,
                    GError     **error)
{
  gboolean label_start = TRUE;

  for (const char *p = ace; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          if (label_start)
            break;
          label_start = TRUE;
          continue;
        }
      if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) &&
          *p != '-' && *p != '_')
        {
          set_bad_char_error (error, PART_DOMAIN, context, (guchar) *p);
          return FALSE;
        }
      label_start = FALSE;
    }
  if (label_start)
    {
      set_part_error (error, XMPP_JID_ERROR_INVALID_DOMAIN, PART_DOMAIN,
                      context, "empty label");
      return FALSE;
    }

  return TRUE;
}

static char *
idna_error (const char *what,
            int         rc)
{
  return g_strdup_printf ("%s (%s)", what, idn2_strerror (rc));
}

static char *
prepare_domain (const char  *raw,
                gsize        len,
                const char  *context,
                GError     **error)
{
  const int flags = IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL;
  g_autofree char *domain = NULL;
  g_autofree char *ip = NULL;
  char *ace = NULL;
  char *ulabel = NULL;
  char *again = NULL;
  char *result = NULL;
  int rc;

  if (!check_raw_part (raw, len, PART_DOMAIN, context, error))
    return NULL;

  /* RFC 7622 §3.2: one trailing dot is not part of the name. */
  domain = g_strndup (raw, len);
  if (domain[len - 1] == '.')
    domain[--len] = '\0';
  if (len == 0)
    {
      set_part_error (error, XMPP_JID_ERROR_EMPTY, PART_DOMAIN, context, NULL);
      return NULL;
    }

  /* Refused here for a clear message; non-ASCII look-alikes that IDNA
   * maps to these are caught by check_ascii_domain(). */
  for (const char *p = domain; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '@' || c == '/' || g_unichar_iscntrl (c) ||
          g_unichar_isspace (c) ||
          g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR)
        {
          set_bad_char_error (error, PART_DOMAIN, context, c);
          return NULL;
        }
    }

  if (domain[0] == '[')
    return prepare_ipv6_literal (domain, context, error);
  if (strchr (domain, ':') == NULL && g_hostname_is_ip_address (domain) &&
      (ip = canonical_ip (domain)) != NULL)
    return g_steal_pointer (&ip);

  /* IDNA2008 with the UTS #46 mapping (lower-casing, width); the A-label
   * form is then turned back into U-labels, which is what is stored and
   * compared. */
  rc = idn2_lookup_u8 ((const uint8_t *) domain, (uint8_t **) &ace, flags);
  if (rc != IDN2_OK)
    {
      /* DNS allows 253 bytes where RFC 7622 would allow 1023. */
      XmppJidError code = rc == IDN2_TOO_BIG_DOMAIN
                          ? XMPP_JID_ERROR_TOO_LONG
                          : XMPP_JID_ERROR_INVALID_DOMAIN;
      g_autofree char *reason = idna_error ("not a valid domain name", rc);

      set_part_error (error, code, PART_DOMAIN, context, reason);
      goto out;
    }
  if (!check_ascii_domain (ace, context, error))
    goto out;

  rc = idn2_to_unicode_8z8z (ace, &ulabel, 0);
  if (rc != IDN2_OK)
    {
      g_autofree char *reason = idna_error ("bad A-label", rc);

      set_part_error (error, XMPP_JID_ERROR_INVALID_DOMAIN, PART_DOMAIN,
                      context, reason);
      goto out;
    }

  /* A-labels are only decoded on the way back; the U-labels must lead to
   * the same A-labels, or the stored form would not parse to itself. */
  rc = idn2_lookup_u8 ((const uint8_t *) ulabel, (uint8_t **) &again, flags);
  if (rc != IDN2_OK || strcmp (again, ace) != 0)
    {
      set_part_error (error, XMPP_JID_ERROR_INVALID_DOMAIN, PART_DOMAIN,
                      context, "A-label does not round-trip");
      goto out;
    }
  if (strlen (ulabel) > PART_MAX)
    {
      set_part_error (error, XMPP_JID_ERROR_TOO_LONG, PART_DOMAIN, context,
                      NULL);
      goto out;
    }

  result = g_strdup (ulabel);

out:
  idn2_free (ace);
  idn2_free (ulabel);
  idn2_free (again);
  return result;
}

/* Construction */

/* Takes the prepared parts. */
static XmppJid *
jid_new_take (char *local,
              char *domain,
              char *resource)
{
  XmppJid *self = g_new0 (XmppJid, 1);

  g_assert (domain != NULL);

  g_atomic_ref_count_init (&self->ref_count);
  self->local = local;
  self->domain = domain;
  self->resource = resource;
  if (local != NULL)
    self->bare = g_strconcat (local, "@", domain, NULL);
  else
    self->bare = g_strdup (domain);
  if (resource != NULL)
    self->full = g_strconcat (self->bare, "/", resource, NULL);
  else
    self->full = g_strdup (self->bare);
  self->hash = g_str_hash (self->full);

  return self;
}

XmppJid *
xmpp_jid_parse (const char  *str,
                GError     **error)
{
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *resource = NULL;
  const char *slash;
  const char *at;
  const char *domain_start;
  const char *bare_end;
  const char *invalid;

  g_return_val_if_fail (str != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*str == '\0')
    {
      g_set_error_literal (error, XMPP_JID_ERROR, XMPP_JID_ERROR_EMPTY,
                           "Empty JID");
      return NULL;
    }

  /* RFC 7622 §3.2: the resourcepart starts at the first '/', and the
   * localpart ends at the first '@' before it.  '/' and '@' are ASCII,
   * so splitting the raw bytes is safe even in invalid UTF-8. */
  slash = strchr (str, '/');
  bare_end = slash != NULL ? slash : str + strlen (str);
  at = memchr (str, '@', bare_end - str);
  domain_start = at != NULL ? at + 1 : str;

  if (!g_utf8_validate (str, -1, &invalid))
    {
      Part part = invalid >= bare_end ? PART_RESOURCE
                  : invalid >= domain_start ? PART_DOMAIN : PART_LOCAL;

      set_part_error (error, invalid_code (part), part, str, "not valid UTF-8");
      return NULL;
    }

  if (at != NULL)
    {
      local = prepare_local (str, at - str, str, error);
      if (local == NULL)
        return NULL;
    }

  domain = prepare_domain (domain_start, bare_end - domain_start, str, error);
  if (domain == NULL)
    return NULL;

  if (slash != NULL)
    {
      resource = prepare_resource (slash + 1, strlen (slash + 1), str, error);
      if (resource == NULL)
        return NULL;
    }

  return jid_new_take (g_steal_pointer (&local),
                       g_steal_pointer (&domain),
                       g_steal_pointer (&resource));
}

XmppJid *
xmpp_jid_new (const char  *local,
              const char  *domain,
              const char  *resource,
              GError     **error)
{
  g_autofree char *prep_local = NULL;
  g_autofree char *prep_domain = NULL;
  g_autofree char *prep_resource = NULL;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (local != NULL)
    {
      prep_local = prepare_local (local, strlen (local), local, error);
      if (prep_local == NULL)
        return NULL;
    }

  prep_domain = prepare_domain (domain, strlen (domain), domain, error);
  if (prep_domain == NULL)
    return NULL;

  if (resource != NULL)
    {
      prep_resource = prepare_resource (resource, strlen (resource), resource,
                                        error);
      if (prep_resource == NULL)
        return NULL;
    }

  return jid_new_take (g_steal_pointer (&prep_local),
                       g_steal_pointer (&prep_domain),
                       g_steal_pointer (&prep_resource));
}

XmppJid *
xmpp_jid_ref (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
xmpp_jid_unref (XmppJid *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->local);
  g_free (self->domain);
  g_free (self->resource);
  g_free (self->full);
  g_free (self->bare);
  g_free (self);
}

const char *
xmpp_jid_get_local (const XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->local;
}

const char *
xmpp_jid_get_domain (const XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->domain;
}

const char *
xmpp_jid_get_resource (const XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->resource;
}

const char *
xmpp_jid_to_string (const XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->full;
}

const char *
xmpp_jid_get_bare_string (const XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->bare;
}

gboolean
xmpp_jid_is_bare (const XmppJid *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->resource == NULL;
}

XmppJid *
xmpp_jid_dup_bare (const XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  /* Immutable, so the bare JID itself can be shared. */
  if (self->resource == NULL)
    return xmpp_jid_ref ((XmppJid *) self);

  return jid_new_take (g_strdup (self->local), g_strdup (self->domain), NULL);
}

XmppJid *
xmpp_jid_with_resource (const XmppJid  *self,
                        const char     *resource,
                        GError        **error)
{
  char *prepared;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (resource == NULL)
    return xmpp_jid_dup_bare (self);

  prepared = prepare_resource (resource, strlen (resource), resource, error);
  if (prepared == NULL)
    return NULL;

  return jid_new_take (g_strdup (self->local), g_strdup (self->domain),
                       prepared);
}

gboolean
xmpp_jid_equal (gconstpointer a,
                gconstpointer b)
{
  const XmppJid *ja = a;
  const XmppJid *jb = b;

  if (ja == jb)
    return TRUE;
  if (ja == NULL || jb == NULL)
    return FALSE;

  return ja->hash == jb->hash && strcmp (ja->full, jb->full) == 0;
}

gboolean
xmpp_jid_equal_bare (const XmppJid *a,
                     const XmppJid *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return strcmp (a->bare, b->bare) == 0;
}

guint
xmpp_jid_hash (gconstpointer jid)
{
  const XmppJid *self = jid;

  g_return_val_if_fail (self != NULL, 0);

  return self->hash;
}
