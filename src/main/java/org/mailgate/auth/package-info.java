/**
 * Users and credentials: the user file in the data directory, password hashes (Argon2id, and
 * bcrypt and SHA-512-crypt for imported users), credential checks, and failed-login throttling;
 * with the small pieces the throttles and the live files share (sliding-window counters, client
 * keys, locked text files, file stamps).
 */
package org.mailgate.auth;
