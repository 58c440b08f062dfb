/**
 * The durable queue, where accepting and delivering meet: a message and its envelope are on
 * disk and fsynced (file and directory, shared across sessions) before anyone hears "250".
 */
package org.mailgate.spool;
