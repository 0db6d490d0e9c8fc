<?php
/**
 * View tokens, signed exactly as packages/protocol does (src/token.ts).
 *
 * Version 1, for the server's default site:
 *
 *   token     = "v1." postId "." expiresAt "." signature
 *   signature = base64url-without-padding( HMAC-SHA256( key = secret (UTF-8 bytes),
 *                                                       msg = "vip-presence:v1:" postId ":" expiresAt ) )
 *
 * Version 2, bound to a site (valid only on a socket whose auth.site is that site):
 *
 *   token     = "v2." site "." postId "." expiresAt "." signature
 *   signature = base64url-without-padding( HMAC-SHA256( key = secret (UTF-8 bytes),
 *                                                       msg = "vip-presence:v2:" site ":" postId ":" expiresAt ) )
 *
 * postId and expiresAt (Unix seconds) are decimal, without sign or leading zeros; site is a site key
 * (site-key.php). Tokens are per post, not per user, so a full-page cache may serve one to every reader
 * until it expires. The plugin signs v2 with its site key, or v1 when the key is '' (site-key.php).
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Tells whether a value is a post id the wire protocol accepts: an int from 1 to 2^53 - 1.
 *
 * @since 0.1.0
 *
 * @param mixed $value Value to check.
 * @return bool
 */
function vip_presence_is_post_id( $value ) {
	return is_int( $value ) && $value >= 1 && $value <= VIP_PRESENCE_MAX_POST_ID;
}

/**
 * Encodes bytes as base64url without padding (RFC 4648 section 5).
 *
 * @since 0.1.0
 *
 * @param string $bytes Raw bytes.
 * @return string Encoded text.
 */
function vip_presence_base64url_encode( $bytes ) {
	// phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- the token format is base64url, not obfuscation.
	return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' );
}

/**
 * Signs a view token: v2 bound to a site, or v1 for the server's default site.
 *
 * @since 0.1.0
 * @since 0.2.0 The `$site` parameter (token v2).
 *
 * @param string $secret     Shared secret (non-empty).
 * @param int    $post_id    Post id, 1 to 2^53 - 1.
 * @param int    $expires_at Expiry in Unix seconds, 1 to 999999999999 (the protocol allows 12 digits).
 * @param string $site       Site key (1-64 characters of [A-Za-z0-9_-]) for a v2 token; '' for v1.
 * @return string The token, or '' when an argument is out of range (a malformed site among them).
 */
function vip_presence_sign_token( $secret, $post_id, $expires_at, $site = '' ) {
	if ( ! is_string( $secret ) || '' === $secret || ! vip_presence_is_post_id( $post_id ) ) {
		return '';
	}
	if ( ! is_int( $expires_at ) || $expires_at < 1 || $expires_at > 999999999999 ) {
		return '';
	}
	if ( '' !== $site && ! vip_presence_is_site_key( $site ) ) {
		return '';
	}
	if ( '' === $site ) {
		$head    = 'v1';
		$message = 'vip-presence:v1:' . $post_id . ':' . $expires_at;
	} else {
		$head    = 'v2.' . $site;
		$message = 'vip-presence:v2:' . $site . ':' . $post_id . ':' . $expires_at;
	}
	$signature = vip_presence_base64url_encode( hash_hmac( 'sha256', $message, $secret, true ) );
	return $head . '.' . $post_id . '.' . $expires_at . '.' . $signature;
}

/**
 * Returns how long a token stays valid.
 *
 * @since 0.1.0
 *
 * @return int Seconds; 2 days unless filtered.
 */
function vip_presence_get_token_lifetime() {
	$default = 2 * DAY_IN_SECONDS;

	/**
	 * Filters the lifetime of view tokens. Make it longer than the time a full-page cache keeps a page.
	 *
	 * @since 0.1.0
	 *
	 * @param int $lifetime Seconds. Default 2 days.
	 */
	$lifetime = apply_filters( 'vip_presence_token_lifetime', $default );
	return is_numeric( $lifetime ) && (int) $lifetime >= 1 ? (int) $lifetime : $default;
}

/**
 * Returns the expiry of a token issued now: now + lifetime, rounded up to the next full hour, so every
 * page rendered within the same hour carries the same token (cache friendly).
 *
 * @since 0.1.0
 *
 * @param int $now      Current Unix time in seconds.
 * @param int $lifetime Lifetime in seconds.
 * @return int Expiry in Unix seconds, a multiple of 3600.
 */
function vip_presence_token_expires_at( $now, $lifetime ) {
	$expires_at = (int) $now + (int) $lifetime;
	$remainder  = $expires_at % HOUR_IN_SECONDS;
	return 0 === $remainder ? $expires_at : $expires_at + HOUR_IN_SECONDS - $remainder;
}

/**
 * Returns the view token of a post, signed with the secret in effect for this site: v2 with the site
 * key, or v1 when the key is '' (the server's default site).
 *
 * @since 0.1.0
 * @since 0.2.0 Bound to the site key (v2).
 *
 * @param int      $post_id Post id.
 * @param int|null $now     Current Unix time; null for time().
 * @return string The token, or '' when no secret is set or the post id is out of range.
 */
function vip_presence_get_token( $post_id, $now = null ) {
	$secret = vip_presence_get_secret();
	if ( '' === $secret ) {
		return '';
	}
	$now = null === $now ? time() : (int) $now;
	return vip_presence_sign_token(
		$secret,
		$post_id,
		vip_presence_token_expires_at( $now, vip_presence_get_token_lifetime() ),
		vip_presence_get_site_key()
	);
}
