/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * HttpEventQueue: the reading side the HTTP transports (WebSocket, BOSH)
 * share for XmppTransport.
 *
 *   - events (STREAM_OPEN, STANZA, STREAM_CLOSE) wait in order until read;
 *   - one read may be pending; it completes with the next event, or, once
 *     the queue is empty, with the error the transport failed with;
 *   - the first error is kept: what was received before a failure is
 *     still read, then that error, at every read after;
 *   - cancelling the read's GCancellable completes it with
 *     G_IO_ERROR_CANCELLED at once.
 *
 * The queue is owned by its transport, which is the source object of the
 * read and flush tasks.
 */
#pragma once

#include "xmpp-transport.h"

G_BEGIN_DECLS

typedef struct _HttpEventQueue HttpEventQueue;

/**
 * HttpEventQueueReadOver:
 * @user_data: the data given to http_event_queue_new()
 *
 * Called when the pending read has been completed (with an event, the
 * error or a cancellation), after its task returned.
 */
typedef void (*HttpEventQueueReadOver) (gpointer user_data);

/**
 * http_event_queue_new:
 * @read_over: (nullable): called each time a read has been completed
 * @user_data: data for @read_over
 *
 * Returns: (transfer full): an empty queue, neither failed nor held
 */
G_GNUC_WARN_UNUSED_RESULT
HttpEventQueue *http_event_queue_new (HttpEventQueueReadOver read_over,
                                      gpointer               user_data);

/**
 * http_event_queue_free:
 *
 * Frees the queue, its unread events and its error.  No read may be
 * pending: the read task keeps the transport, and so the queue, alive.
 */
void http_event_queue_free (HttpEventQueue *self);

/**
 * http_event_queue_push:
 * @event: STREAM_OPEN, STANZA or STREAM_CLOSE
 * @node: (transfer full) (nullable): the stanza, or the stream attributes
 *   for STREAM_OPEN
 *
 * Appends an event and hands it over when a read is waiting for it.
 */
void http_event_queue_push (HttpEventQueue  *self,
                            XmppReaderEvent  event,
                            XmppNode        *node);

/**
 * http_event_queue_clear:
 *
 * Drops the events not read yet (those of a stream being restarted).
 */
void http_event_queue_clear (HttpEventQueue *self);

/**
 * http_event_queue_take_error:
 * @error: (transfer full): why the transport failed
 *
 * Records the failure that reads return once the queue is empty.  Only
 * the first is kept.  Nothing is delivered: call
 * http_event_queue_deliver() when the transport is ready.
 *
 * Returns: %TRUE when @error is now the queue's error, %FALSE when the
 *   queue had already failed (@error is then freed)
 */
gboolean http_event_queue_take_error (HttpEventQueue *self,
                                      GError         *error);

/**
 * http_event_queue_get_error:
 *
 * Returns: (transfer none) (nullable): the error the transport failed
 *   with, or %NULL while it works
 */
const GError *http_event_queue_get_error (HttpEventQueue *self);

/**
 * http_event_queue_set_held:
 * @held: whether reads must wait
 *
 * While held (a connection being replaced), the pending read receives
 * nothing, not even the error.  Releasing delivers nothing by itself: call
 * http_event_queue_deliver().
 */
void http_event_queue_set_held (HttpEventQueue *self,
                                gboolean        held);

/**
 * http_event_queue_deliver:
 *
 * Completes the pending read with the next event, or with the error when
 * no event is left; does nothing when no read is pending, nothing is
 * there to return, or the queue is held.
 */
void http_event_queue_deliver (HttpEventQueue *self);

/**
 * http_event_queue_is_reading:
 *
 * Returns: whether a read is pending
 */
gboolean http_event_queue_is_reading (HttpEventQueue *self);

/**
 * http_event_queue_read_async:
 * @transport: the transport owning the queue, the task's source object
 *
 * Starts a read, for xmpp_transport_read_async(): only one may be pending.
 */
void http_event_queue_read_async (HttpEventQueue      *self,
                                  XmppTransport       *transport,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);

/**
 * http_event_queue_read_finish:
 *
 * The read_finish of both transports' XmppTransportInterface: see
 * xmpp_transport_read_finish().
 */
XmppReaderEvent http_event_queue_read_finish (XmppTransport  *transport,
                                              GAsyncResult   *result,
                                              XmppNode      **node,
                                              GError        **error);

/**
 * http_event_queue_return_flush:
 * @task: a flush task of the transport
 *
 * Completes @task for xmpp_transport_flush_async(): with a copy of the
 * queue's error when the transport failed, else with %TRUE.
 */
void http_event_queue_return_flush (HttpEventQueue *self,
                                    GTask          *task);

/**
 * http_event_queue_flush_finish:
 *
 * The flush_finish of both transports' XmppTransportInterface: see
 * xmpp_transport_flush_finish().
 */
gboolean http_event_queue_flush_finish (XmppTransport  *transport,
                                        GAsyncResult   *result,
                                        GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HttpEventQueue, http_event_queue_free)

G_END_DECLS
