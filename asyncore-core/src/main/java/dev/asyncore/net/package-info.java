/**
 * Network addresses without name resolution: IP literals ({@link dev.asyncore.net.IpLiterals}), networks in CIDR notation
 * ({@link dev.asyncore.net.Cidr}) and the allow and deny rules a server applies to its clients
 * ({@link dev.asyncore.net.AddressRules}). Immutable values, safe on any thread.
 */
package dev.asyncore.net;
