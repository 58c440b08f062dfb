package org.mailgate.delivery.tls;

import java.io.IOException;
import java.util.Optional;

/** Where fetched MTA-STS policies are kept past a restart: files under the data directory, or a database every node shares. */
public interface MtaStsStore {
    /** Keeps nothing: policies live in memory only. */
    MtaStsStore NONE = new MtaStsStore() {
        @Override
        public Optional<MtaSts.Policy> load(String domain) {
            return Optional.empty();
        }

        @Override
        public void save(String domain, MtaSts.Policy policy) {}
    };

    /** The policy kept for the domain, expired or not. */
    Optional<MtaSts.Policy> load(String domain) throws IOException;

    void save(String domain, MtaSts.Policy policy) throws IOException;
}
