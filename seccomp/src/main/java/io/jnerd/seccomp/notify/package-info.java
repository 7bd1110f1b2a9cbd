/**
 * The notification supervisor: a session per listener fd that receives, dispatches to a
 * {@link io.jnerd.seccomp.notify.NotificationHandler} and answers; counters and latencies.
 */
package io.jnerd.seccomp.notify;
