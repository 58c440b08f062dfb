/**
 * PostgreSQL behind the spool (and, to come, the user directory and the shared counters), so
 * several nodes share one queue: the schema and its migrations, the connection pool, and the
 * implementations. JDBC blocks: nothing here runs on an event loop.
 */
package org.mailgate.postgres;
