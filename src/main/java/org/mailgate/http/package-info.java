/**
 * The HTTP listener: Prometheus metrics, liveness and readiness for load balancers and systemd.
 * Netty's HTTP codec on an event loop of its own; what it serves is handed in as routes, read-only.
 */
package org.mailgate.http;
