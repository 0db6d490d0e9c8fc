<?php
/**
 * The site key: which site of a shared presence server this site's counts belong to (DESIGN.md,
 * point 20). Tokens (v2), the SDK's handshake (`auth.site`) and the read API (`?site=`) carry it.
 *
 * A key is 1-64 characters of [A-Za-z0-9_-]; '' stands for the server's default site (v1 tokens, no
 * site sent). The key in effect is, first that applies:
 *
 *   1. the VIP_PRESENCE_SITE_KEY constant, when it is a key or '' (a malformed one is not used);
 *   2. the `vip_presence_site_key` filter, when it returns a key or '' (anything else is not used);
 *   3. the key derived from the site's home URL (vip_presence_derive_site_key()).
 *
 * The derived key is unique per site (each site of a network and each install has its own home URL)
 * and stable across requests: it reads the `home` option (WP_HOME applies), not home_url(), whose
 * scheme follows the request and which plugins filter per language or domain.
 *
 * @package vip-presence
 * @since 0.2.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Tells whether a value is a site key the wire protocol accepts: 1-64 characters of [A-Za-z0-9_-].
 *
 * @since 0.2.0
 *
 * @param mixed $value Value to check.
 * @return bool False for '' too: the default site is the absence of a key.
 */
function vip_presence_is_site_key( $value ) {
	return is_string( $value ) && 1 === preg_match( '/^[A-Za-z0-9_-]{1,64}$/D', $value );
}

/**
 * Derives a site key from a home URL: a readable slug of its host, port and path, then '-' and the
 * first 8 hex digits of the SHA-256 of them, so that two URLs whose slugs are the same (a.com and
 * a-com) still get different keys. The scheme is left out (http and https are one site), the host is
 * lowercased and the path loses its trailing slash.
 *
 * Example: http://News.Example.com/blog/ -> "news-example-com-blog-" + sha256( "news.example.com/blog" )[0..8].
 *
 * @since 0.2.0
 *
 * @param string $home_url Home URL of the site.
 * @return string A site key, at most 64 characters.
 */
function vip_presence_derive_site_key( $home_url ) {
	$home_url = trim( (string) $home_url );
	$parts    = wp_parse_url( $home_url );
	if ( is_array( $parts ) && isset( $parts['host'] ) ) {
		$name = strtolower( $parts['host'] )
			. ( isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '' )
			. untrailingslashit( isset( $parts['path'] ) ? $parts['path'] : '' );
	} else {
		$name = untrailingslashit( preg_replace( '#^[a-z][a-z0-9+.-]*://#i', '', $home_url ) );
	}
	$hash = substr( hash( 'sha256', $name ), 0, 8 );
	$slug = trim( (string) preg_replace( '/[^a-z0-9]+/', '-', strtolower( $name ) ), '-' );
	$slug = trim( substr( $slug, 0, 64 - 1 - strlen( $hash ) ), '-' );
	return ( '' === $slug ? 'site' : $slug ) . '-' . $hash;
}

/**
 * Returns the site key in effect, where it comes from, and what was not used.
 *
 * @since 0.2.0
 *
 * @return array{key: string, source: string, ignored: string} key: the site key, or '' for the default
 *         site. source: 'constant', 'filter' or 'home_url'. ignored: 'constant' or 'filter' when that
 *         one gave a malformed key and was passed over, else ''.
 */
function vip_presence_get_site_key_info() {
	$ignored = '';
	if ( defined( 'VIP_PRESENCE_SITE_KEY' ) ) {
		$constant = VIP_PRESENCE_SITE_KEY;
		if ( '' === $constant || vip_presence_is_site_key( $constant ) ) {
			return array(
				'key'     => $constant,
				'source'  => 'constant',
				'ignored' => '',
			);
		}
		$ignored = 'constant';
	}
	$derived = vip_presence_derive_site_key( get_option( 'home', '' ) );

	/**
	 * Filters the site key, for sites that set it in code rather than in wp-config.php (for example
	 * one key per site of a network, by blog id). The VIP_PRESENCE_SITE_KEY constant wins over it.
	 * A value that is not 1-64 characters of [A-Za-z0-9_-], nor '' (the server's default site), is
	 * not used.
	 *
	 * @since 0.2.0
	 *
	 * @param string $key The key derived from the home URL.
	 */
	$filtered = apply_filters( 'vip_presence_site_key', $derived );
	if ( $filtered !== $derived ) {
		if ( '' === $filtered || vip_presence_is_site_key( $filtered ) ) {
			return array(
				'key'     => $filtered,
				'source'  => 'filter',
				'ignored' => $ignored,
			);
		}
		$ignored = '' === $ignored ? 'filter' : $ignored;
	}
	return array(
		'key'     => $derived,
		'source'  => 'home_url',
		'ignored' => $ignored,
	);
}

/**
 * Returns the key of the current site (of the current blog, in a network).
 *
 * @since 0.2.0
 *
 * @return string 1-64 characters of [A-Za-z0-9_-], or '' for the server's default site (v1 tokens,
 *                no site sent), which only the constant or the filter can choose.
 */
function vip_presence_get_site_key() {
	return vip_presence_get_site_key_info()['key'];
}

/**
 * Returns what an administrator should know about the site key: a constant or filter value that is
 * not used, and a constant that gives every site of a network the same key.
 *
 * @since 0.2.0
 *
 * @return array<int, array{code: string, type: string, message: string}> type is 'error' or 'warning';
 *         message is plain text.
 */
function vip_presence_get_site_key_problems() {
	$info     = vip_presence_get_site_key_info();
	$problems = array();
	$rule     = __( 'a site key is 1 to 64 characters among the letters A-Z and a-z, the digits 0-9, "_" and "-", or the empty string \'\' for the presence server\'s default site', 'vip-presence' );
	if ( 'constant' === $info['ignored'] ) {
		$problems[] = array(
			'code'    => 'vip_presence_invalid_site_key_constant',
			'type'    => 'error',
			'message' => sprintf(
				/* translators: 1: constant name, 2: wp-config.php, 3: the rule a site key follows, 4: the site key used instead */
				__( 'The %1$s constant in %2$s is not used: %3$s. Until it is fixed, this site uses the key %4$s instead.', 'vip-presence' ),
				'VIP_PRESENCE_SITE_KEY',
				'wp-config.php',
				$rule,
				'' === $info['key'] ? "''" : $info['key']
			),
		);
	}
	if ( 'filter' === $info['ignored'] ) {
		$problems[] = array(
			'code'    => 'vip_presence_invalid_site_key_filter',
			'type'    => 'error',
			'message' => sprintf(
				/* translators: 1: filter name, 2: the rule a site key follows, 3: the site key used instead */
				__( 'The %1$s filter returned a value that is not used: %2$s. This site uses the key %3$s instead.', 'vip-presence' ),
				'vip_presence_site_key',
				$rule,
				$info['key']
			),
		);
	}
	if ( 'constant' === $info['source'] && is_multisite() ) {
		$problems[] = array(
			'code'    => 'vip_presence_network_site_key_constant',
			'type'    => 'warning',
			'message' => sprintf(
				/* translators: 1: constant name, 2: filter name */
				__( 'This site is part of a network, and the %1$s constant gives every site of the network the same key, so the presence server mixes their counts. Remove the constant to give each site a key of its own, or set one per site with the %2$s filter.', 'vip-presence' ),
				'VIP_PRESENCE_SITE_KEY',
				'vip_presence_site_key'
			),
		);
	}
	return $problems;
}
