/**
 * Who may send what from where: relay rules for the inbound listener, the sender-login match
 * and sending limits for submission, and the bans (manual and automatic) of abusive clients.
 * Answers in the protocol's vocabulary ({@link org.mailgate.mail.Refusal}).
 */
package org.mailgate.policy;

import org.mailgate.mail.Refusal;
