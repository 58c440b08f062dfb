package org.mailgate.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.mailgate.config.Limits;
import org.mailgate.mail.Refusal;

/**
 * A connection's timeouts (RFC 5321 4.5.3.2), kept on its event loop. The clock restarts only on
 * progress: a whole command answered, or a block of message content received. A byte now and
 * then (slowloris) is not progress, so such a client is cut off when the timeout runs out
 * however busy it looks; and no connection outlives the session timeout.
 */
final class Deadlines {
    /** Content received that counts as progress in DATA or BDAT (RFC 5321 4.5.3.2.5: a data block). */
    static final int DATA_BLOCK = 8 * 1024;

    /** What happens when time runs out: true when the connection was closed, false when it was busy (waiting for a check or the disk). */
    interface Expiry {
        boolean expired(Refusal reason);
    }

    private final ChannelHandlerContext ctx;
    private final Limits limits;
    private final Expiry expiry;
    private long lastProgress = System.nanoTime();
    private long contentSinceProgress;
    private boolean inData;
    private ScheduledFuture<?> idle;
    private ScheduledFuture<?> session;

    Deadlines(ChannelHandlerContext ctx, Limits limits, Expiry expiry) {
        this.ctx = ctx;
        this.limits = limits;
        this.expiry = expiry;
    }

    void start() {
        armSession(limits.sessionTimeout().toNanos());
        armIdle(timeout());
    }

    /** A reply was sent: the command it answers is done. */
    void progress() {
        lastProgress = System.nanoTime();
        contentSinceProgress = 0;
    }

    void dataMode(boolean data) {
        inData = data;
    }

    void content(int bytes) {
        contentSinceProgress += bytes;
        if (contentSinceProgress >= DATA_BLOCK) {
            progress();
        }
    }

    void cancel() {
        if (idle != null) {
            idle.cancel(false);
        }
        if (session != null) {
            session.cancel(false);
        }
    }

    private long timeout() {
        return (inData ? limits.dataTimeout() : limits.commandTimeout()).toNanos();
    }

    private void armSession(long delayNanos) {
        session = ctx.executor().schedule(() -> {
            if (!expiry.expired(Refusal.SESSION_TIME_EXCEEDED)) {
                armSession(TimeUnit.SECONDS.toNanos(1)); // finishing a message: close right after
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void armIdle(long delayNanos) {
        idle = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        long remaining = lastProgress + timeout() - System.nanoTime();
        if (remaining > 0) {
            armIdle(remaining);
        } else if (!expiry.expired(Refusal.TIMEOUT)) {
            progress(); // the server was the slow one: the client's clock starts again
            armIdle(timeout());
        }
    }
}
