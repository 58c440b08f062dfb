package org.mailgate.probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.HostAddresses;
import org.mailgate.dns.MxRecord;
import org.mailgate.dns.Resolver;
import org.mailgate.dns.SrvRecord;
import org.mailgate.mail.CertificateNames;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.Extensions;
import org.mailgate.smtp.ReplyParser;

/**
 * Checks a submission server as a mail client meets it, port by port: DNS, the TCP connect
 * (a timeout, a refusal and a reset each mean something else), the greeting and EHLO, TLS
 * (STARTTLS, or from the first byte on 465) with the certificate's trust, name and expiry, AUTH
 * offered only after TLS, and, when asked, a login and a test message. Each result says what it
 * means and the fix.
 */
public final class Probe {
    /** RFC 8314 3.3: TLS from the first octet on this port; STARTTLS on the others. */
    private static final int IMPLICIT_TLS_PORT = 465;
    private static final int RELAY_PORT = 25;
    private static final int CERTIFICATE_WARNING_DAYS = 21;

    /** What to probe: a login and a recipient are optional. */
    public record Options(String host, List<Integer> ports, Duration timeout, Optional<Login> login, Optional<String> sendTo, String helo) {
        public Options {
            ports = List.copyOf(ports);
        }
    }

    public record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[" + user + "]"; // never the password
        }
    }

    /**
     * One port's findings; {@code works} when a mail client could send securely through it, with
     * TLS from the first byte when {@code implicitTls}, else STARTTLS.
     */
    public record PortResult(int port, boolean works, boolean implicitTls, List<Finding> findings) {}

    /** Everything found; {@code works} when at least one port is a secure way to send. */
    public record Report(String host, List<Finding> dns, List<PortResult> ports) {
        public boolean works() {
            return ports.stream().anyMatch(PortResult::works);
        }

        public List<Finding> findings() {
            List<Finding> all = new ArrayList<>(dns);
            ports.forEach(p -> all.addAll(p.findings()));
            return all;
        }
    }

    /** How the host's addresses are found: the system's resolver (hosts file included), as a mail client's, or a DNS server. */
    @FunctionalInterface
    public interface Addresses {
        List<InetAddress> of(String host) throws IOException;
    }

    private final Addresses addresses;
    private final Resolver dns;
    private final Clock clock;
    private final X509TrustManager trusted;

    /**
     * @param dns for the SRV records
     * @param trusted the CA store that decides whether a certificate is trusted, as a client's would
     */
    public Probe(Addresses addresses, Resolver dns, Clock clock, X509TrustManager trusted) {
        this.addresses = addresses;
        this.dns = dns;
        this.clock = clock;
        this.trusted = trusted;
    }

    /** The system's resolver, as every mail client uses it. */
    public static List<InetAddress> systemAddresses(String host) throws IOException {
        return List.of(InetAddress.getAllByName(host));
    }

    /** The AAAA and A records {@code dns} serves, as delivery looks them up. */
    public static Addresses from(Resolver dns) {
        return host -> {
            HostAddresses found = HostAddresses.lookup(dns, host);
            if (found.addresses().isEmpty()) {
                throw new UnknownHostException(found.error());
            }
            return found.addresses();
        };
    }

    /** The trust store of this machine's Java, which is what most clients trust too. */
    public static X509TrustManager systemTrust() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    public Report run(Options options) {
        List<Finding> dnsFindings = new ArrayList<>();
        Optional<InetAddress> address = resolve(options.host(), dnsFindings);
        List<PortResult> ports = new ArrayList<>();
        if (address.isPresent()) {
            for (int port : options.ports()) {
                ports.add(new Session(options, address.get(), port).run());
            }
        }
        return new Report(options.host(), dnsFindings, ports);
    }

    /**
     * Can this machine deliver to {@code domain}? Its MX looked up through {@code dns} (the
     * resolver real delivery uses), a connection to the first MX on {@code port} (25, unless
     * [delivery] port says otherwise) from this host, the greeting and EHLO as {@code helo}, and
     * whether our source address's PTR names {@code helo}, as receivers check.
     */
    public List<Finding> outbound(String domain, int port, String helo, Duration timeout) {
        List<Finding> findings = new ArrayList<>();
        DnsAnswer<MxRecord> mx = dns.mx(domain);
        List<String> hosts = mx.records().stream().sorted(Comparator.comparingInt(MxRecord::preference))
                .map(MxRecord::host).toList();
        if (mx.outcome() == DnsAnswer.Outcome.FAILED) {
            findings.add(Finding.fail("out", "the MX of " + domain + " cannot be looked up: " + mx.failure(),
                    "check [delivery] dns-servers, or this machine's resolver"));
            return findings;
        }
        if (mx.outcome() == DnsAnswer.Outcome.NO_SUCH_NAME) {
            findings.add(Finding.fail("out", domain + " does not exist in DNS (NXDOMAIN)", "check the domain for a typo"));
            return findings;
        }
        if (hosts.isEmpty()) {
            findings.add(Finding.info("out", domain + " has no MX record: mail goes to its own address (RFC 5321 5.1)"));
            hosts = List.of(domain);
        } else {
            findings.add(Finding.ok("out", domain + " has the MX " + String.join(", ", hosts)));
        }
        String host = hosts.get(0);
        List<InetAddress> found;
        try {
            found = from(dns).of(host);
        } catch (IOException e) {
            findings.add(Finding.fail("out", "the MX " + host + " has no address: " + e.getMessage(), "the domain's DNS is broken: try another domain"));
            return findings;
        }
        InetAddress target = found.get(0);
        String where = "out";
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(target, port), (int) timeout.toMillis());
            } catch (SocketTimeoutException e) {
                findings.add(Finding.fail(where, "no answer from " + host + " [" + target.getHostAddress() + "]:" + port + " within "
                                + timeout.toSeconds() + " s: outgoing port " + port + " is blocked on the way",
                        "most home ISPs and many clouds block outgoing 25: ask the provider to open it, or relay through a smart host"
                                + " ([delivery.smarthost], on 587 or 465)"));
                return findings;
            } catch (ConnectException e) {
                findings.add(Finding.fail(where, host + " [" + target.getHostAddress() + "]:" + port + " refused the connection",
                        "that MX is down or filters this address: try again later, or another domain"));
                return findings;
            }
            findings.add(Finding.ok(where, "connected to " + host + " [" + target.getHostAddress() + "]:" + port + " from "
                    + socket.getLocalAddress().getHostAddress()));
            socket.setSoTimeout((int) timeout.toMillis());
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            Reply greeting = readReply(in);
            findings.add(greeting.code() == 220 ? Finding.ok(where, "greeting: " + greeting.oneLine())
                    : Finding.fail(where, host + " refuses this machine at connect: " + greeting.oneLine(),
                            "the reply says why: often a blocklist that names this address"));
            if (greeting.code() == 220) {
                out.write(("EHLO " + helo + "\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Reply ehlo = readReply(in);
                findings.add(ehlo.code() == 250
                        ? Finding.ok(where, "EHLO " + helo + " accepted" + (Extensions.parse(ehlo.lines()).has("STARTTLS") ? ", STARTTLS offered" : ""))
                        : Finding.warn(where, "EHLO " + helo + " refused: " + ehlo.oneLine(), "the hostname in the config should be this server's DNS name"));
            }
            reverse(socket.getLocalAddress(), helo, findings);
        } catch (IOException | ReplyParser.MalformedReply e) {
            findings.add(Finding.fail(where, "the conversation with " + host + " broke off: " + e.getMessage(), "try again, or another domain"));
        }
        return findings;
    }

    /** Receivers check that the sending address's PTR names the host it says it is (Gmail refuses mail without one). */
    private void reverse(InetAddress source, String helo, List<Finding> findings) {
        if (source.isLoopbackAddress() || source.isSiteLocalAddress() || source.isLinkLocalAddress()) {
            findings.add(Finding.info("out", "this machine sends from the private address " + source.getHostAddress()
                    + ": receivers see the public address of its NAT, whose PTR this probe cannot look up"));
            return;
        }
        DnsAnswer<String> ptr = dns.ptr(source);
        if (ptr.records().isEmpty()) {
            findings.add(Finding.warn("out", source.getHostAddress() + " has no PTR record: many receivers refuse or junk mail from an"
                    + " address without reverse DNS", "ask the provider of the address to set its PTR to " + helo));
        } else if (ptr.records().stream().map(n -> n.endsWith(".") ? n.substring(0, n.length() - 1) : n).noneMatch(n -> n.equalsIgnoreCase(helo))) {
            findings.add(Finding.warn("out", "the PTR of " + source.getHostAddress() + " names " + String.join(", ", ptr.records())
                    + ", but EHLO says " + helo, "make them agree: set the PTR to " + helo + ", or hostname to the PTR's name"));
        } else {
            findings.add(Finding.ok("out", "the PTR of " + source.getHostAddress() + " names " + helo + ", as EHLO says"));
        }
    }

    /** One whole reply from the server (RFC 5321 4.2.1); a closed connection is an IOException. */
    public static Reply readReply(BufferedReader in) throws IOException, ReplyParser.MalformedReply {
        ReplyParser parser = new ReplyParser();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new SocketException("closed by the server");
            }
            Reply reply = parser.feed(line);
            if (reply != null) {
                return reply;
            }
        }
    }

    private Optional<InetAddress> resolve(String host, List<Finding> findings) {
        if (host.matches("[0-9.]+") || host.contains(":")) {
            try {
                findings.add(Finding.info("dns", host + " is an address: no DNS lookup, and no name for the certificate to match"));
                return Optional.of(InetAddress.getByName(host));
            } catch (IOException e) {
                findings.add(Finding.fail("dns", host + " is not an address: " + e.getMessage(), "give a host name or an IP address"));
                return Optional.empty();
            }
        }
        List<InetAddress> found;
        try {
            found = addresses.of(host);
        } catch (IOException e) {
            findings.add(Finding.fail("dns", host + " has no address: " + e.getMessage(),
                    "check the name for a typo; the server's admin publishes an A record for it (and this machine's resolver answers)"));
            return Optional.empty();
        }
        findings.add(Finding.ok("dns", host + " has the address" + (found.size() > 1 ? "es " : " ")
                + String.join(", ", found.stream().map(InetAddress::getHostAddress).toList())
                + (found.size() > 1 ? "; probing the first" : "")));
        int dot = host.indexOf('.');
        String domain = dot > 0 && host.indexOf('.', dot + 1) > 0 ? host.substring(dot + 1) : host;
        for (String service : List.of("_submissions._tcp.", "_submission._tcp.")) {
            DnsAnswer<SrvRecord> srv = dns.srv(service + domain);
            findings.add(srv.records().isEmpty()
                    ? Finding.info("dns", "no " + service + domain + " SRV record (RFC 6186): clients that look for one fall back to guessing")
                    : Finding.info("dns", service + domain + " SRV: " + String.join(", ", srv.records().stream()
                            .map(r -> r.target() + ":" + r.port()).toList())));
        }
        return Optional.of(found.get(0));
    }

    /** One port's conversation, blocking, with the options' timeout on every step. */
    private final class Session {
        private final Options options;
        private final InetAddress address;
        private final int port;
        private final String where;
        private final List<Finding> findings = new ArrayList<>();
        private Socket socket;
        private BufferedReader in;
        private OutputStream out;

        Session(Options options, InetAddress address, int port) {
            this.options = options;
            this.address = address;
            this.port = port;
            this.where = Integer.toString(port);
        }

        /**
         * The port in the mode its number suggests (465: TLS first), and once in the other mode
         * when the first clearly was the wrong one (no greeting in the clear; a plaintext answer
         * to a TLS hello): a client set to the wrong mode is a common reason mail does not send.
         */
        PortResult run() {
            boolean implicit = port == IMPLICIT_TLS_PORT;
            Optional<Boolean> works = attempt(implicit);
            if (works.isEmpty()) {
                implicit = !implicit;
                works = attempt(implicit);
                if (works.orElse(false)) {
                    findings.add(Finding.warn(where, "port " + port + " speaks " + (implicit ? "TLS from the first byte" : "plain SMTP, then STARTTLS")
                                    + ", not what its number suggests", "set the mail client to " + (implicit ? "SSL/TLS" : "STARTTLS")
                                    + " for port " + port));
                }
            }
            return new PortResult(port, works.orElse(false), implicit, List.copyOf(findings));
        }

        /** Whether the port works in this mode; empty when the mode looks wrong (worth one try in the other). */
        private Optional<Boolean> attempt(boolean implicit) {
            try {
                return Optional.of(converse(implicit));
            } catch (WrongMode e) {
                findings.add(Finding.info(where, e.getMessage()));
                return Optional.empty();
            } catch (SocketTimeoutException e) {
                findings.add(Finding.fail(where, "no reply within " + seconds() + " (" + e.getMessage() + ")",
                        "the server is overloaded, or this is not SMTP"));
            } catch (SSLException e) {
                findings.add(Finding.fail(where, "TLS handshake failed: " + e.getMessage(),
                        "the server's TLS setup is broken, or something between us intercepts TLS"));
            } catch (IOException e) {
                findings.add(lost(e));
            } catch (ReplyParser.MalformedReply e) {
                findings.add(Finding.fail(where, "the server does not speak SMTP: " + e.getMessage(), "is this the mail server's port?"));
            } finally {
                close();
            }
            return Optional.of(false);
        }

        private boolean converse(boolean implicit) throws IOException, ReplyParser.MalformedReply {
            if (!connect()) {
                return false;
            }
            if (port == RELAY_PORT && !implicit) {
                findings.add(Finding.info(where, "port 25 is where mail servers relay to each other; mail clients send on 587 or 465"));
            }
            if (implicit) {
                try {
                    startTls(true);
                } catch (SSLException e) {
                    if (String.valueOf(e.getMessage()).contains("plaintext") || String.valueOf(e.getMessage()).contains("Unsupported or unrecognized")) {
                        throw new WrongMode("no TLS from the first byte (" + e.getMessage() + "): trying plain SMTP and STARTTLS");
                    }
                    throw e;
                }
            }
            Reply greeting;
            try {
                greeting = read();
            } catch (SocketTimeoutException e) {
                if (!implicit) {
                    throw new WrongMode("no greeting in plain text within " + seconds() + ": trying TLS from the first byte");
                }
                throw e;
            }
            if (greeting.code() != 220) {
                findings.add(Finding.fail(where, "the server refuses this client at connect: " + greeting.oneLine(),
                        "the reply says why: a ban, too many connections, or a server that is shutting down"));
                return false;
            }
            findings.add(Finding.ok(where, "greeting: " + greeting.oneLine()));
            Extensions offered = ehlo();
            if (offered == null) {
                return false;
            }
            if (!implicit) {
                if (!offered.authMechanisms().isEmpty()) {
                    findings.add(Finding.warn(where, "AUTH " + String.join(" ", new TreeSet<>(offered.authMechanisms()))
                                    + " is offered before TLS: a client could send its password in the clear",
                            "offer AUTH only after STARTTLS (Mailgate always does)"));
                }
                if (!offered.has("STARTTLS")) {
                    findings.add(port == RELAY_PORT
                            ? Finding.warn(where, "no STARTTLS: mail from other servers arrives in the clear", "give the server a certificate")
                            : Finding.fail(where, "no STARTTLS: passwords and mail would travel in the clear",
                                    "a submission port must offer STARTTLS; or use 465, TLS from the first byte"));
                    return false;
                }
                Reply ready = command("STARTTLS");
                if (ready.code() != 220) {
                    findings.add(Finding.fail(where, "STARTTLS refused: " + ready.oneLine(), "the server offers STARTTLS but cannot start it"));
                    return false;
                }
                startTls(false);
                offered = ehlo();
                if (offered == null) {
                    return false;
                }
            }
            if (offered.authMechanisms().isEmpty()) {
                findings.add(port == RELAY_PORT
                        ? Finding.info(where, "no AUTH after TLS: a relay port (MX), not for sending from a mail client")
                        : Finding.fail(where, "no AUTH after TLS: this port takes no logins, so a mail client cannot send here",
                                "use the server's submission port (587 or 465)"));
                return false;
            }
            findings.add(Finding.ok(where, "AUTH " + String.join(" ", new TreeSet<>(offered.authMechanisms())) + " offered after TLS"));
            if (options.login().isPresent() && !login(options.login().get(), offered)) {
                return false;
            }
            if (options.sendTo().isPresent() && options.login().isPresent() && !send(options.login().get().user(), options.sendTo().get())) {
                return false;
            }
            command("QUIT");
            return port != RELAY_PORT;
        }

        private boolean connect() throws IOException {
            socket = new Socket();
            long started = System.nanoTime();
            try {
                socket.connect(new InetSocketAddress(address, port), (int) options.timeout().toMillis());
            } catch (SocketTimeoutException e) {
                findings.add(Finding.fail(where, "no answer to the connection within " + seconds()
                                + ": the packets are dropped, by a firewall or the network",
                        port == RELAY_PORT ? "port 25 is commonly blocked by ISPs and clouds: a mail client should use 587 with STARTTLS, or 465"
                                : "check that the server's firewall opens port " + port + " and that this network lets it out; "
                                        + "if one port is blocked, try the others (587, 465, 2525)"));
                return false;
            } catch (ConnectException e) {
                findings.add(Finding.fail(where, "connection refused: nothing listens on " + address.getHostAddress() + ":" + port,
                        "the server does not offer this port; use one it does, or add a [[listener]] for " + port));
                return false;
            } catch (NoRouteToHostException e) {
                findings.add(Finding.fail(where, "no route to " + address.getHostAddress() + ": " + e.getMessage(),
                        "this machine's network cannot reach the server at all"));
                return false;
            }
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            findings.add(Finding.ok(where, "connected to " + address.getHostAddress() + ":" + port + " in " + millis + " ms"));
            socket.setSoTimeout((int) options.timeout().toMillis());
            streams();
            return true;
        }

        private void streams() throws IOException {
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        private Extensions ehlo() throws IOException, ReplyParser.MalformedReply {
            Reply reply = command("EHLO " + options.helo());
            if (reply.code() != 250) {
                findings.add(Finding.fail(where, "EHLO refused: " + reply.oneLine(), "the server does not take this client"));
                return null;
            }
            return Extensions.parse(reply.lines());
        }

        private void startTls(boolean firstByte) throws IOException {
            Recorder recorder = new Recorder();
            SSLContext context;
            try {
                context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {recorder}, null);
            } catch (GeneralSecurityException e) {
                throw new SSLException("no TLS in this Java: " + e.getMessage(), e);
            }
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, options.host(), port, true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            SSLSession session = tls.getSession();
            socket = tls;
            streams();
            findings.add(Finding.ok(where, (firstByte ? "TLS from the first byte: " : "STARTTLS: ") + session.getProtocol()
                    + " " + session.getCipherSuite()));
            certificate(recorder.chain);
        }

        /** The leaf's names and expiry, and whether this machine's CA store trusts the chain. */
        private void certificate(X509Certificate[] chain) {
            if (chain == null || chain.length == 0) {
                findings.add(Finding.fail(where, "the server sent no certificate", "configure [tls]"));
                return;
            }
            X509Certificate leaf = chain[0];
            List<String> names;
            try {
                names = CertificateNames.of(leaf);
            } catch (CertificateParsingException e) {
                names = List.of("(unreadable names: " + e.getMessage() + ")");
            }
            Instant expires = leaf.getNotAfter().toInstant();
            long days = Duration.between(clock.instant(), expires).toDays();
            String date = DateTimeFormatter.ISO_LOCAL_DATE.format(ZonedDateTime.ofInstant(expires, clock.getZone()));
            findings.add(Finding.info(where, "certificate for " + String.join(", ", names) + ", issued by "
                    + leaf.getIssuerX500Principal().getName() + ", " + chain.length + (chain.length == 1 ? " certificate" : " certificates")
                    + " in the chain"));
            if (expires.isBefore(clock.instant())) {
                findings.add(Finding.fail(where, "the certificate expired on " + date, "renew it (certbot renew), then mailgate reload"));
            } else if (days < CERTIFICATE_WARNING_DAYS) {
                findings.add(Finding.warn(where, "the certificate expires in " + days + " days, on " + date, "renew it soon (certbot renews at 30 days)"));
            } else {
                findings.add(Finding.ok(where, "the certificate is valid until " + date + " (" + days + " days)"));
            }
            boolean literal = options.host().matches("[0-9.]+") || options.host().contains(":");
            if (!literal && names.stream().noneMatch(name -> CertificateNames.matches(name, options.host()))) {
                findings.add(Finding.fail(where, "the certificate does not name " + options.host() + " (it names " + String.join(", ", names) + ")",
                        "connect by a name the certificate holds, or get one for " + options.host()));
            }
            try {
                trusted.checkServerTrusted(chain, "UNKNOWN");
                findings.add(Finding.ok(where, "the chain is trusted by this machine's CA store"));
            } catch (java.security.cert.CertificateException e) {
                findings.add(Finding.warn(where, "the certificate is not trusted by this machine's CA store (self-signed, or a missing"
                                + " intermediate): Python, curl, msmtp and nodemailer refuse it unless told to trust it",
                        "use a certificate from a public CA, e.g. Let's Encrypt's fullchain.pem (README: Certificates)"));
            }
        }

        private boolean login(Login login, Extensions offered) throws IOException, ReplyParser.MalformedReply {
            if (!offered.authMechanisms().contains("PLAIN")) {
                findings.add(Finding.warn(where, "AUTH PLAIN is not offered, so the login was not tried", ""));
                return false;
            }
            String token = Base64.getEncoder().encodeToString(("\0" + login.user() + "\0" + login.password()).getBytes(StandardCharsets.UTF_8));
            Reply reply = command("AUTH PLAIN " + token);
            Finding finding = switch (reply.code()) {
                case 235 -> Finding.ok(where, "logged in as " + login.user());
                case 535 -> Finding.fail(where, "login refused: " + reply.oneLine(),
                        "a wrong password, or no such user (a server says the same for both); check both, or reset the password");
                case 454 -> Finding.fail(where, "login refused for now: " + reply.oneLine(),
                        "too many failed logins locked it for a while: wait, or the admin runs mailgate user unlock " + login.user());
                case 530, 538 -> Finding.fail(where, "login refused: " + reply.oneLine(), "the server wants TLS first");
                default -> Finding.fail(where, "login refused: " + reply.oneLine(), "");
            };
            findings.add(finding);
            return reply.code() == 235;
        }

        private boolean send(String from, String to) throws IOException, ReplyParser.MalformedReply {
            Reply mail = command("MAIL FROM:<" + from + ">");
            if (mail.code() != 250) {
                findings.add(Finding.fail(where, "MAIL FROM:<" + from + "> refused: " + mail.oneLine(), "the reply says why"));
                return false;
            }
            Reply rcpt = command("RCPT TO:<" + to + ">");
            if (rcpt.code() != 250 && rcpt.code() != 251) {
                findings.add(Finding.fail(where, "RCPT TO:<" + to + "> refused: " + rcpt.oneLine(), "the reply says why"));
                return false;
            }
            Reply data = command("DATA");
            if (data.code() != 354) {
                findings.add(Finding.fail(where, "DATA refused: " + data.oneLine(), ""));
                return false;
            }
            String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(clock));
            Reply queued = command("From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: mailgate probe test\r\nDate: " + date
                    + "\r\n\r\nA test message sent by mailgate probe.\r\n.");
            findings.add(queued.code() == 250 ? Finding.ok(where, "test message to " + to + " accepted: " + queued.oneLine())
                    : Finding.fail(where, "the test message was refused: " + queued.oneLine(), "the reply says why"));
            return queued.code() == 250;
        }

        private Reply command(String line) throws IOException, ReplyParser.MalformedReply {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read();
        }

        private Reply read() throws IOException, ReplyParser.MalformedReply {
            return readReply(in);
        }

        private Finding lost(IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return Finding.fail(where, "the connection was lost: " + why,
                    "closed or reset by the server or something between us (antivirus, a firewall, a proxy); a server that bans this"
                            + " address closes at once too");
        }

        private String seconds() {
            return options.timeout().toSeconds() + " s";
        }

        private void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    findings.add(Finding.info(where, "closing: " + e.getMessage()));
                }
            }
        }
    }

    /** The mode a session began in is not the port's: the message says what was seen. */
    private static final class WrongMode extends IOException {
        WrongMode(String message) {
            super(message);
        }
    }

    /** Takes any chain (the probe reports on trust itself) and keeps it to look at. */
    private static final class Recorder implements X509TrustManager {
        X509Certificate[] chain;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a probe is a client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            this.chain = chain;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
