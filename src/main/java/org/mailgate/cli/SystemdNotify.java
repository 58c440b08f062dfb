package org.mailgate.cli;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness protocol (sd_notify(3)) for a Type=notify unit: one datagram to the Unix
 * socket in NOTIFY_SOCKET, "READY=1" once the listeners are bound, "RELOADING=1" and
 * "STOPPING=1" as they happen. Without NOTIFY_SOCKET (not under systemd) it does nothing.
 * Written here because the JDK has no Unix datagram sockets and no Java library sends these;
 * Netty's epoll transport, which the server already uses, provides the socket.
 */
final class SystemdNotify {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);

    private final String socket;

    private SystemdNotify(String socket) {
        this.socket = socket;
    }

    static SystemdNotify fromEnvironment(Map<String, String> environment) {
        return new SystemdNotify(environment.get("NOTIFY_SOCKET"));
    }

    /** Sends the state lines, e.g. "READY=1"; a failure is logged, never fatal (the service still runs). */
    void send(String state) {
        if (socket == null || socket.isEmpty()) {
            return;
        }
        if (!Epoll.isAvailable()) {
            log.warn("NOTIFY_SOCKET is set, but without the epoll transport there is no Unix datagram socket to tell systemd {}", state);
            return;
        }
        // an abstract socket ("@name") is addressed with a leading NUL
        String path = socket.startsWith("@") ? "\0" + socket.substring(1) : socket;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(new DomainSocketAddress(path)).sync().channel();
            channel.writeAndFlush(Unpooled.copiedBuffer(state, StandardCharsets.UTF_8)).sync();
            channel.close().sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) { // sync() rethrows the socket's failure, a native IOException among them
            log.warn("could not tell systemd {} through {}: {}", state.replace('\n', ' '), socket, e.getMessage());
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }
}
