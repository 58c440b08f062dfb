package org.mailgate.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DNS in memory for unit tests: records added by name and type, every answer as secure as the
 * test says, names never added do not exist, and a name can be made to fail. Counts the lookups
 * it answers, so a test can see what was asked.
 */
public final class FakeResolver implements Resolver {
    private record Key(String name, String type) {}

    private final Map<Key, List<Object>> records = new HashMap<>();
    private final Map<Key, String> failures = new HashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private boolean secure;

    /** Every answer DNSSEC-validated (for DANE tests), or none (the default). */
    public synchronized FakeResolver secure(boolean validated) {
        this.secure = validated;
        return this;
    }

    public FakeResolver mx(String domain, int preference, String host) {
        return add(domain, "MX", new MxRecord(preference, host));
    }

    /** An A or AAAA record, by the address's family. */
    public FakeResolver address(String host, String address) {
        try {
            InetAddress parsed = InetAddress.getByName(address);
            return add(host, parsed.getAddress().length == 4 ? "A" : "AAAA", parsed);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + address, e);
        }
    }

    public FakeResolver txt(String name, String text) {
        return add(name, "TXT", text);
    }

    public FakeResolver tlsa(String name, TlsaRecord record) {
        return add(name, "TLSA", record);
    }

    /** Lookups of this name and type fail (SERVFAIL, a timeout): "try later". */
    public synchronized FakeResolver fail(String name, String type, String why) {
        failures.put(key(name, type), why);
        return this;
    }

    public int lookups() {
        return lookups.get();
    }

    private synchronized FakeResolver add(String name, String type, Object record) {
        records.computeIfAbsent(key(name, type), k -> new ArrayList<>()).add(record);
        return this;
    }

    private static Key key(String name, String type) {
        String n = name.toLowerCase(Locale.ROOT);
        return new Key(n.endsWith(".") ? n.substring(0, n.length() - 1) : n, type);
    }

    @SuppressWarnings("unchecked")
    private synchronized <T> DnsAnswer<T> answer(String name, String type) {
        lookups.incrementAndGet();
        Key key = key(name, type);
        if (failures.containsKey(key)) {
            return DnsAnswer.failed(failures.get(key));
        }
        if (records.containsKey(key)) {
            return DnsAnswer.found((List<T>) records.get(key), secure);
        }
        boolean exists = records.keySet().stream().anyMatch(k -> k.name().equals(key.name()));
        return exists ? DnsAnswer.found(List.of(), secure) : DnsAnswer.noSuchName(secure);
    }

    @Override
    public DnsAnswer<MxRecord> mx(String domain) {
        return answer(domain, "MX");
    }

    @Override
    public DnsAnswer<InetAddress> a(String host) {
        return answer(host, "A");
    }

    @Override
    public DnsAnswer<InetAddress> aaaa(String host) {
        return answer(host, "AAAA");
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return answer(name, "TXT");
    }

    @Override
    public DnsAnswer<SrvRecord> srv(String name) {
        return answer(name, "SRV");
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return answer(address.getHostAddress(), "PTR");
    }

    @Override
    public DnsAnswer<TlsaRecord> tlsa(String name) {
        return answer(name, "TLSA");
    }
}
