package org.mailgate.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mailgate.auth.Authenticator;
import org.mailgate.auth.ClientKey;
import org.mailgate.auth.LoginThrottle;
import org.mailgate.auth.User;
import org.mailgate.config.Limits;
import org.mailgate.config.LoginThrottleConfig;
import org.mailgate.mail.Refusal;
import org.mailgate.policy.AutoBan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the credentials of an AUTH: the throttle first (a locked-out client or account gets no
 * password check at all), then a remembered recent login (microseconds, on the event loop), else
 * a full hash on the bounded pool. Every failure is answered after the throttle's delay, the same
 * for unknown users and wrong passwords, and counts toward an automatic ban.
 */
final class Logins {
    private static final Logger log = LoggerFactory.getLogger(Logins.class);

    /** How the connection hears the outcome, on its event loop: the user, and why not when refused. */
    interface Answer {
        void answer(String user, Optional<Refusal> refusal);
    }

    private final Authenticator authenticator;
    private final LoginThrottle throttle;
    private final AutoBan autoBan;
    private final ExecutorService pool;
    private final ServerMetrics metrics;

    Logins(Authenticator authenticator, LoginThrottle throttle, AutoBan autoBan, ExecutorService pool, ServerMetrics metrics) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.autoBan = autoBan;
        this.pool = pool;
        this.metrics = metrics;
    }

    /** A reload's new [login-throttle], auth-failure-delay and auth-cache-ttl; failures counted and lockouts stay. */
    void reconfigure(LoginThrottleConfig throttling, Limits limits) {
        throttle.reconfigure(throttling, limits.authFailureDelay());
        authenticator.cacheTtl(limits.authCacheTtl());
    }

    /**
     * @param loop the connection's event loop: every answer runs there, in a task of its own. A
     *     throttle that asks a shared store is asked on a virtual thread, never on the loop.
     */
    void check(SessionTag session, String username, String password, ScheduledExecutorService loop, Answer answer) {
        if (throttle.isShared()) {
            Thread.ofVirtual().name("login-check").start(() -> admit(session, username, password, loop, answer));
        } else {
            admit(session, username, password, loop, answer);
        }
    }

    private void admit(SessionTag session, String username, String password, ScheduledExecutorService loop, Answer answer) {
        InetAddress client = session.client();
        String clientKey = ClientKey.of(client);
        String account = User.normalize(username);
        if (!throttle.begin(clientKey, account)) {
            autoBan.record(client, AutoBan.Offence.FAILED_LOGIN);
            metrics.login(ServerMetrics.Login.LOCKED);
            fail(loop, answer, username, Refusal.AUTH_LOCKED, throttle.refusedDelay());
            return;
        }
        // A recent login is remembered (a keyed hash): it never queues behind the full hashes
        // a password-guessing flood puts on the pool.
        Optional<User> remembered = authenticator.remembered(username, password);
        if (remembered.isPresent()) {
            succeed(session, clientKey, account, remembered.get(), loop, answer);
            return;
        }
        pool.execute(() -> {
            Optional<User> user = authenticator.authenticate(username, password);
            if (user.isPresent()) {
                succeed(session, clientKey, account, user.get(), loop, answer);
            } else {
                Duration delay = throttle.failed(clientKey, account, password);
                autoBan.record(client, AutoBan.Offence.FAILED_LOGIN);
                log.info("{} authentication failed user={}", session, username);
                metrics.login(ServerMetrics.Login.FAILURE);
                fail(loop, answer, username, Refusal.AUTH_FAILED, delay);
            }
        });
    }

    private void succeed(SessionTag session, String clientKey, String account, User user, ScheduledExecutorService loop, Answer answer) {
        throttle.succeeded(clientKey, account);
        loop.execute(() -> {
            log.info("{} authenticated user={}", session, user.address());
            metrics.login(ServerMetrics.Login.SUCCESS);
            answer.answer(user.address(), Optional.empty());
        });
    }

    private static void fail(ScheduledExecutorService loop, Answer answer, String username, Refusal refusal, Duration delay) {
        loop.schedule(() -> answer.answer(username, Optional.of(refusal)), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
}
