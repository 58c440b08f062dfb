/**
 * The values every layer shares, typed from the wire to the journal: mailboxes, replies and their
 * enhanced status codes, the refusals the server answers with, and the MAIL and RCPT parameters
 * that delivery carries on (body type, NOTIFY, RET). Imports nothing of ours.
 */
package org.mailgate.mail;
