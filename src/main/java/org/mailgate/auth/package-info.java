/**
 * Users and credentials: the user file in the data directory, password hashes (Argon2id, and
 * bcrypt and SHA-512-crypt for imported users), and credential checks.
 */
package org.mailgate.auth;
