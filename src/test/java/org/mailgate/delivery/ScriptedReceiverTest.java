package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ScriptedReceiverTest {

    @Test
    @DisplayName("receivers sharing a port on several addresses take another port when theirs is taken on one address: no port is borrowed")
    void portTakenOnOneAddressMeansAnotherTry() throws Exception {
        InetAddress other = InetAddress.getByName("127.0.0.3");
        List<ServerSocket> blockers = new ArrayList<>();
        List<ScriptedReceiver> opened = new ArrayList<>();
        try {
            int port = ScriptedReceiver.onOnePort(p -> {
                opened.forEach(ScriptedReceiverTest::close);
                opened.clear();
                if (blockers.isEmpty()) {
                    blockers.add(new ServerSocket(p, 1, other)); // someone else holds the port there
                }
                opened.add(ScriptedReceiver.accepting(InetAddress.getLoopbackAddress(), p, null));
                opened.add(ScriptedReceiver.accepting(other, p, null));
            });
            assertThat(port).isNotEqualTo(blockers.get(0).getLocalPort());
            assertThat(opened).extracting(ScriptedReceiver::port).containsOnly(port);
        } finally {
            opened.forEach(ScriptedReceiverTest::close);
            for (ServerSocket blocker : blockers) {
                blocker.close();
            }
        }
    }

    private static void close(ScriptedReceiver receiver) {
        try {
            receiver.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
