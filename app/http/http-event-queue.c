/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "http-event-queue"

#include "http-event-queue.h"

struct _HttpEventQueue
{
  GQueue events;
  GTask *read_task;
  gulong cancel_id;
  GError *error;
  gboolean held;

  HttpEventQueueReadOver read_over;
  gpointer user_data;
};

typedef struct
{
  XmppReaderEvent event;
  XmppNode *node;
} Event;

static void
event_free (gpointer data)
{
  Event *e = data;

  g_clear_pointer (&e->node, xmpp_node_unref);
  g_free (e);
}

HttpEventQueue *
http_event_queue_new (HttpEventQueueReadOver read_over,
                      gpointer               user_data)
{
  HttpEventQueue *self = g_new0 (HttpEventQueue, 1);

  g_queue_init (&self->events);
  self->read_over = read_over;
  self->user_data = user_data;
  return self;
}

void
http_event_queue_free (HttpEventQueue *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->read_task == NULL);

  g_queue_clear_full (&self->events, event_free);
  g_clear_error (&self->error);
  g_free (self);
}

/* Takes the pending read, forgetting its cancellation handler. */
static GTask *
steal_read_task (HttpEventQueue *self)
{
  if (self->read_task != NULL && self->cancel_id != 0)
    {
      g_signal_handler_disconnect (g_task_get_cancellable (self->read_task), self->cancel_id);
      self->cancel_id = 0;
    }
  return g_steal_pointer (&self->read_task);
}

void
http_event_queue_deliver (HttpEventQueue *self)
{
  g_autoptr(GTask) task = NULL;
  Event *e;

  g_return_if_fail (self != NULL);

  if (self->read_task == NULL || self->held)
    return;
  e = g_queue_pop_head (&self->events);
  if (e == NULL && self->error == NULL)
    return;

  task = steal_read_task (self);
  if (e != NULL)
    g_task_return_pointer (task, e, event_free);
  else
    g_task_return_error (task, g_error_copy (self->error));
  /* The task still holds the transport, and so the queue, until here. */
  if (self->read_over != NULL)
    self->read_over (self->user_data);
}

void
http_event_queue_push (HttpEventQueue  *self,
                       XmppReaderEvent  event,
                       XmppNode        *node)
{
  Event *e;

  g_return_if_fail (self != NULL);

  e = g_new0 (Event, 1);
  e->event = event;
  e->node = node;
  g_queue_push_tail (&self->events, e);
  http_event_queue_deliver (self);
}

void
http_event_queue_clear (HttpEventQueue *self)
{
  g_return_if_fail (self != NULL);

  g_queue_clear_full (&self->events, event_free);
}

gboolean
http_event_queue_take_error (HttpEventQueue *self,
                             GError         *error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error != NULL, FALSE);

  if (self->error != NULL)
    {
      g_error_free (error);
      return FALSE;
    }
  self->error = error;
  return TRUE;
}

const GError *
http_event_queue_get_error (HttpEventQueue *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->error;
}

void
http_event_queue_set_held (HttpEventQueue *self,
                           gboolean        held)
{
  g_return_if_fail (self != NULL);

  self->held = held;
}

gboolean
http_event_queue_is_reading (HttpEventQueue *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->read_task != NULL;
}

static void
read_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  HttpEventQueue *self = user_data;
  g_autoptr(GTask) task = steal_read_task (self);

  if (task != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
  if (self->read_over != NULL)
    self->read_over (self->user_data);
}

void
http_event_queue_read_async (HttpEventQueue      *self,
                             XmppTransport       *transport,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (XMPP_IS_TRANSPORT (transport));
  g_return_if_fail (self->read_task == NULL);

  task = g_task_new (transport, cancellable, callback, user_data);
  g_task_set_source_tag (task, http_event_queue_read_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  self->read_task = g_steal_pointer (&task);
  if (cancellable != NULL)
    self->cancel_id = g_signal_connect (cancellable, "cancelled",
                                        G_CALLBACK (read_cancelled_cb), self);
  http_event_queue_deliver (self);
}

XmppReaderEvent
http_event_queue_read_finish (XmppTransport  *transport,
                              GAsyncResult   *result,
                              XmppNode      **node,
                              GError        **error)
{
  Event *e;
  XmppReaderEvent event;

  g_return_val_if_fail (g_task_is_valid (result, transport), XMPP_READER_EVENT_NONE);

  e = g_task_propagate_pointer (G_TASK (result), error);
  if (e == NULL)
    return XMPP_READER_EVENT_NONE;

  event = e->event;
  if (node != NULL)
    *node = g_steal_pointer (&e->node);
  event_free (e);
  return event;
}

void
http_event_queue_return_flush (HttpEventQueue *self,
                               GTask          *task)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_TASK (task));

  if (self->error != NULL)
    g_task_return_error (task, g_error_copy (self->error));
  else
    g_task_return_boolean (task, TRUE);
}

gboolean
http_event_queue_flush_finish (XmppTransport  *transport,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, transport), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
