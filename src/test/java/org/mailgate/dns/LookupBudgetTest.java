package org.mailgate.dns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LookupBudgetTest {
    @Test
    void lookupsPastTheBudgetFailWithoutReachingTheResolver() {
        FakeResolver dns = new FakeResolver().txt("example.org", "v=spf1 -all");
        LookupBudget budget = new LookupBudget(dns, 2);
        assertThat(budget.txt("example.org").records()).containsExactly("v=spf1 -all");
        assertThat(budget.a("example.org").failed()).isFalse();
        DnsAnswer<String> third = budget.txt("example.org");
        assertThat(third.failed()).isTrue();
        assertThat(third.failure()).isEqualTo("this message's budget of 2 DNS lookups is spent");
        assertThat(dns.lookups()).isEqualTo(2);
    }
}
