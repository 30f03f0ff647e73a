/** The loop's machinery: passes, selection and registrations, tasks, timers, the guard and the blocked-loop watch. */
package dev.asyncore.internal.loop;
