/**
 * The one typed, validated configuration: loaded from TOML (or the embedded defaults), refused
 * with file, line and what was expected when wrong.
 */
package org.mailgate.config;
