package org.mailgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LocalDomainsTest {
    private static final User ALICE = new User("alice@example.com", "hash", List.of("sales@example.com"), false);
    private static final User BOB = new User("bob@example.org", "hash", List.of("postmaster@example.org"), false);
    private static final UserDirectory USERS = new UserDirectory(List.of(ALICE, BOB));

    private static LocalDomains local(String postmaster) {
        return new LocalDomains(Set.of("example.net"), "mx.example.com", postmaster, () -> USERS);
    }

    @Test
    @DisplayName("configured domains, users' domains and our own host name are local; nothing else")
    void localDomains() {
        assertThat(local(null).isLocal("example.net")).isTrue();
        assertThat(local(null).isLocal("Example.COM")).isTrue();
        assertThat(local(null).isLocal("mx.example.com")).isTrue();
        assertThat(local(null).isLocal("remote.example")).isFalse();
    }

    @Test
    @DisplayName("RFC 5321 4.5.1: postmaster@ a local domain reaches the first user, unless a user has that address")
    void postmasterReachesTheFirstUser() {
        assertThat(local(null).recipient("PostMaster@example.net")).contains(ALICE);
        assertThat(local(null).recipient("postmaster@mx.example.com")).contains(ALICE);
        assertThat(local(null).recipient("postmaster@example.org")).contains(BOB);
        assertThat(local(null).recipient("nobody@example.net")).isEmpty();
    }

    @Test
    void theConfiguredPostmasterWins() {
        assertThat(local("bob@example.org").recipient("postmaster@example.com")).contains(BOB);
        assertThat(local("nobody@example.com").postmasterMailbox()).isEmpty();
    }
}
