/**
 * Who may send what from where: relay rules for the inbound listener, the sender-login match
 * for submission. Answers in the protocol's vocabulary ({@link org.mailgate.smtp.Refusal}).
 */
package org.mailgate.policy;
