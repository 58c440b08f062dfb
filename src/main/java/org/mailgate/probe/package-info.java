/**
 * `mailgate probe`: a submission server checked the way a mail client meets it (DNS, TCP, the
 * greeting, EHLO, TLS, AUTH, a test message), each result with what it means and the fix, in
 * plain words. Blocking JDK sockets, one port at a time: a diagnosis, not a load.
 */
package org.mailgate.probe;
