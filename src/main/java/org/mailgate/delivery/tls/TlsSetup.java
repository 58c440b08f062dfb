package org.mailgate.delivery.tls;

import javax.net.ssl.SSLContext;

/** A TLS context for one connection, the name sent as SNI, and whether the JDK checks the certificate's name. */
public record TlsSetup(SSLContext context, String sniName, boolean checkHostname) {}
