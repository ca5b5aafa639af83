/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-first-frame: the desktop app, started in-process as app/ui/main.c
 * does, instrumented for bench_desktop_startup.py.
 *
 *   bench-first-frame                 start, print the first frame, quit
 *   bench-first-frame --open PEER [--account JID] [--pages N]
 *                                     also open the conversation with PEER
 *                                     and scroll back N pages (20)
 *
 * Output is KEY=VALUE lines on stdout.  Times are CLOCK_MONOTONIC
 * microseconds (g_get_monotonic_time ()), so the caller can measure from
 * before it spawned the process:
 *   MAIN_US             main () entered
 *   FIRST_FRAME_US      the first "after-paint" of any window's frame clock
 *   FIRST_WINDOW        the type of that window
 *   RSS_FIRST_FRAME_KB  VmHWM (peak RSS) at the first frame
 *   FIRST_FRAME_CPU_US  CPU time of the main thread until then: on a busy
 *                       machine the wall-clock figures include waiting
 *                       for a CPU, these do not
 * With --open:
 *   RSS_BEFORE_OPEN_KB  VmHWM just before the conversation is selected
 *   OPEN_CALL_US        petrel_window_open_conversation () itself
 *   OPEN_NEWEST_US      selection → the first frame showing the newest
 *                       message at the bottom of a full list
 *   OPEN_ITEMS          rows in the list then
 *   OPEN_CPU_US         main-thread CPU time from the selection to then
 *   SCROLL_PAGES        pages of older history loaded by scrolling to the top
 *   SCROLL_FRAME_GAPS_US  the time between consecutive frames while
 *                       scrolling back (comma separated)
 *   SCROLL_FRAME_WORK_US  per frame: "before-paint" → "after-paint"
 *   SCROLL_FRAME_CPU_US   per frame: main-thread CPU time since the
 *                       previous frame
 *   LOAD_OLDER_US       direct petrel_message_list_load_older () calls
 *                       (the model side of a page, no layout), comma separated
 * At exit:
 *   RSS_PEAK_KB         VmHWM, getrusage ru_maxrss
 *   RSS_MAP_KB          the resident memory then, by kind of mapping
 *                       (/proc/self/smaps): "mesa" the GL driver's code
 *                       (libLLVM, the DRI/gallium driver), "libs" every
 *                       other shared library, "fonts", "files" other
 *                       mapped files, "heap" malloc's heap, "anon"
 *                       anonymous maps (large mallocs, thread stacks,
 *                       llvmpipe's JIT code and buffers)
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib/gi18n.h>

#include "petrel-application.h"
#include "petrel-chat-view.h"
#include "petrel-display.h"
#include "petrel-window.h"

#define SETTLE_MS 500
#define SCROLL_TIMEOUT_US (30 * G_USEC_PER_SEC)
#define DIRECT_LOADS 20

typedef enum {
  PHASE_STARTING,
  PHASE_SETTLING,
  PHASE_WAIT_NEWEST,
  PHASE_SCROLL,
  PHASE_DONE,
} Phase;

static struct
{
  GApplication *app;
  char *peer;
  char *account;
  guint pages_wanted;
  Phase phase;
  gboolean seen_first_frame;
  PetrelWindow *window;
  PetrelChatView *chat_view;
  GtkAdjustment *vadjustment;
  PetrelMessageList *messages;
  gint64 t_select;
  gint64 cpu_select;
  gint64 last_cpu;
  GString *cpu;
  gint64 t_scroll_start;
  gint64 last_after_paint;
  gint64 before_paint;
  guint pages;
  guint tick_id;
  GString *gaps;
  GString *work;
} S;

static long
vm_hwm_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

/* CPU time of the calling thread, µs. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static const char *
mapping_kind (const char *path)
{
  if (path == NULL || *path == '\0')
    return "anon";
  if (g_str_equal (path, "[heap]"))
    return "heap";
  if (path[0] == '[')
    return "anon";
  if (strstr (path, "/dri/") != NULL || strstr (path, "libLLVM") != NULL
      || strstr (path, "libgallium") != NULL || strstr (path, "mesa") != NULL
      || strstr (path, "libglapi") != NULL)
    return "mesa";
  if (strstr (path, ".so") != NULL)
    return "libs";
  if (strstr (path, "/fonts/") != NULL || strstr (path, "fontconfig") != NULL)
    return "fonts";
  return "files";
}

/* Resident memory by kind of mapping, "kind:kB,…". */
static char *
dup_rss_by_mapping (void)
{
  static const char *kinds[] = { "mesa", "libs", "fonts", "files", "heap", "anon" };
  long totals[G_N_ELEMENTS (kinds)] = { 0 };
  g_autofree char *smaps = NULL;
  g_auto (GStrv) lines = NULL;
  const char *kind = "anon";
  GString *out = g_string_new (NULL);

  if (!g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    return g_string_free (out, FALSE);

  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_ascii_isxdigit (line[0]) && strchr (line, '-') != NULL && strchr (line, ' ') != NULL)
        {
          /* address perms offset dev inode [path] */
          g_auto (GStrv) fields = g_strsplit_set (line, " ", 6);
          const char *path = g_strv_length (fields) == 6 ? g_strstrip (fields[5]) : NULL;

          kind = mapping_kind (path);
        }
      else if (g_str_has_prefix (line, "Rss:"))
        {
          for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
            if (g_str_equal (kind, kinds[k]))
              totals[k] += strtol (line + 4, NULL, 10);
        }
    }

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    g_string_append_printf (out, "%s%s:%ld", k > 0 ? "," : "", kinds[k], totals[k]);

  return g_string_free (out, FALSE);
}

static void
append_us (GString *s, gint64 us)
{
  g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len > 0 ? "," : "", us);
}

static gboolean
quit_idle_cb (gpointer user_data)
{
  g_application_quit (S.app);
  return G_SOURCE_REMOVE;
}

static void
finish (void)
{
  S.phase = PHASE_DONE;
  g_idle_add (quit_idle_cb, NULL);
}

static GtkWidget *
find_descendant (GtkWidget *widget, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  if (S.phase == PHASE_SCROLL && position == 0 && added > 0)
    S.pages++;
}

static void
finish_scrolling (void)
{
  g_autoptr (GString) loads = g_string_new (NULL);

  if (S.tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (S.chat_view), S.tick_id);
  S.tick_id = 0;
  S.phase = PHASE_DONE;

  g_print ("SCROLL_PAGES=%u\n", S.pages);
  g_print ("SCROLL_FRAME_GAPS_US=%s\n", S.gaps->str);
  g_print ("SCROLL_FRAME_WORK_US=%s\n", S.work->str);
  g_print ("SCROLL_FRAME_CPU_US=%s\n", S.cpu->str);

  /* The model side alone: one page each, straight from the store. */
  for (guint i = 0; i < DIRECT_LOADS && petrel_message_list_get_has_older (S.messages); i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 t = g_get_monotonic_time ();

      if (!petrel_message_list_load_older (S.messages, &error))
        {
          g_printerr ("load_older: %s\n", error != NULL ? error->message : "failed");
          break;
        }
      append_us (loads, g_get_monotonic_time () - t);
    }
  g_print ("LOAD_OLDER_US=%s\n", loads->str);
  finish ();
}

static gboolean
scroll_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  if (S.phase != PHASE_SCROLL)
    return G_SOURCE_REMOVE;

  if (S.pages >= S.pages_wanted || !petrel_message_list_get_has_older (S.messages)
      || g_get_monotonic_time () - S.t_scroll_start > SCROLL_TIMEOUT_US)
    {
      S.tick_id = 0;
      finish_scrolling ();
      return G_SOURCE_REMOVE;
    }

  /* The user drags the scrollbar to the top, again and again. */
  gtk_adjustment_set_value (S.vadjustment, gtk_adjustment_get_lower (S.vadjustment));
  return G_SOURCE_CONTINUE;
}

static gboolean select_cb (gpointer user_data);

static void
before_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  S.before_paint = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock, GtkWidget *window)
{
  gint64 now = g_get_monotonic_time ();

  if (!S.seen_first_frame)
    {
      S.seen_first_frame = TRUE;
      g_print ("FIRST_FRAME_US=%" G_GINT64_FORMAT "\n", now);
      g_print ("FIRST_WINDOW=%s\n", G_OBJECT_TYPE_NAME (window));
      g_print ("RSS_FIRST_FRAME_KB=%ld\n", vm_hwm_kb ());
      g_print ("FIRST_FRAME_CPU_US=%" G_GINT64_FORMAT "\n", thread_cpu_us ());
      if (S.peer == NULL)
        finish ();
      else
        {
          /* Counted from the first frame, not from the window's creation:
           * a slow first frame must not overlap the selection. */
          S.phase = PHASE_SETTLING;
          g_timeout_add (SETTLE_MS, select_cb, NULL);
        }
      return;
    }

  if (S.phase == PHASE_WAIT_NEWEST && GTK_WIDGET (S.window) == window)
    {
      double value = gtk_adjustment_get_value (S.vadjustment);
      double upper = gtk_adjustment_get_upper (S.vadjustment);
      double page = gtk_adjustment_get_page_size (S.vadjustment);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (S.messages));

      if (n > 0 && page > 0 && upper > page && value + page >= upper - 1)
        {
          g_print ("OPEN_NEWEST_US=%" G_GINT64_FORMAT "\n", now - S.t_select);
          g_print ("OPEN_ITEMS=%u\n", n);
          g_print ("OPEN_CPU_US=%" G_GINT64_FORMAT "\n", thread_cpu_us () - S.cpu_select);
          S.last_cpu = thread_cpu_us ();
          S.phase = PHASE_SCROLL;
          S.t_scroll_start = now;
          S.last_after_paint = now;
          S.tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (S.chat_view), scroll_tick_cb, NULL, NULL);
        }
      else if (now - S.t_select > 10 * G_USEC_PER_SEC)
        {
          g_print ("OPEN_NEWEST_US=-1\n");
          finish ();
        }
      return;
    }

  if (S.phase == PHASE_SCROLL && GTK_WIDGET (S.window) == window)
    {
      append_us (S.gaps, now - S.last_after_paint);
      append_us (S.work, now - S.before_paint);
      append_us (S.cpu, thread_cpu_us () - S.last_cpu);
      S.last_after_paint = now;
      S.last_cpu = thread_cpu_us ();
    }
}

static gboolean
select_cb (gpointer user_data)
{
  gint64 t;

  if (S.window == NULL)
    {
      g_printerr ("bench-first-frame: no main window (is there an account?)\n");
      finish ();
      return G_SOURCE_REMOVE;
    }

  S.chat_view = PETREL_CHAT_VIEW (find_descendant (GTK_WIDGET (S.window), PETREL_TYPE_CHAT_VIEW));
  {
    GtkWidget *sw = find_descendant (GTK_WIDGET (S.chat_view), GTK_TYPE_SCROLLED_WINDOW);
    S.vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (sw));
  }

  g_print ("RSS_BEFORE_OPEN_KB=%ld\n", vm_hwm_kb ());
  S.t_select = g_get_monotonic_time ();
  S.cpu_select = thread_cpu_us ();
  petrel_window_open_conversation (S.window, S.account, S.peer);
  t = g_get_monotonic_time ();
  g_print ("OPEN_CALL_US=%" G_GINT64_FORMAT "\n", t - S.t_select);

  S.messages = petrel_chat_view_get_messages (S.chat_view);
  if (S.messages == NULL)
    {
      g_printerr ("bench-first-frame: the conversation did not open\n");
      finish ();
      return G_SOURCE_REMOVE;
    }
  g_signal_connect (S.messages, "items-changed", G_CALLBACK (items_changed_cb), NULL);
  S.phase = PHASE_WAIT_NEWEST;
  gtk_widget_queue_draw (GTK_WIDGET (S.window));
  return G_SOURCE_REMOVE;
}

static void
realize_cb (GtkWidget *window, gpointer user_data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), window);
}

static void
window_added_cb (GtkApplication *app, GtkWindow *window, gpointer user_data)
{
  if (PETREL_IS_WINDOW (window) && S.window == NULL)
    {
      S.window = PETREL_WINDOW (window);
    }
  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    realize_cb (GTK_WIDGET (window), NULL);
  else
    g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
}

int
main (int argc, char *argv[])
{
  gint64 t_main = g_get_monotonic_time ();
  g_autoptr (PetrelApplication) app = NULL;
  char *app_argv[] = { argv[0], NULL };
  struct rusage usage;
  int status;

  S.account = g_strdup ("bench@example.invalid");
  S.pages_wanted = 20;
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--open") && i + 1 < argc)
        S.peer = g_strdup (argv[++i]);
      else if (g_str_equal (argv[i], "--account") && i + 1 < argc)
        {
          g_free (S.account);
          S.account = g_strdup (argv[++i]);
        }
      else if (g_str_equal (argv[i], "--pages") && i + 1 < argc)
        S.pages_wanted = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else
        {
          g_printerr ("usage: %s [--open PEER [--account JID] [--pages N]]\n", argv[0]);
          return 2;
        }
    }
  S.gaps = g_string_new (NULL);
  S.work = g_string_new (NULL);
  S.cpu = g_string_new (NULL);

  setlocale (LC_ALL, "");
  g_set_application_name (_("Petrel"));
  g_print ("MAIN_US=%" G_GINT64_FORMAT "\n", t_main);
  petrel_init_display ();

  app = petrel_application_new ();
  S.app = G_APPLICATION (app);
  /* Never hand over to (or interfere with) a Petrel already running. */
  g_application_set_flags (S.app, g_application_get_flags (S.app) | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);

  status = g_application_run (S.app, 1, app_argv);

  getrusage (RUSAGE_SELF, &usage);
  g_print ("RSS_PEAK_KB=%ld\n", vm_hwm_kb ());
  g_print ("MAXRSS_KB=%ld\n", usage.ru_maxrss);
  {
    g_autofree char *by_mapping = dup_rss_by_mapping ();

    g_print ("RSS_MAP_KB=%s\n", by_mapping);
  }
  fflush (stdout);
  return status;
}
