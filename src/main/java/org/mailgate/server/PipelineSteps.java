package org.mailgate.server;

import java.util.List;
import org.mailgate.message.Examiner;
import org.mailgate.message.Signer;

/**
 * The pipeline steps the server is handed rather than builds: what signs submitted mail (DKIM)
 * and what examines inbound mail (SPF, DKIM, DMARC).
 */
public record PipelineSteps(List<Signer> signers, List<Examiner> examiners) {
    public PipelineSteps {
        signers = List.copyOf(signers);
        examiners = List.copyOf(examiners);
    }
}
