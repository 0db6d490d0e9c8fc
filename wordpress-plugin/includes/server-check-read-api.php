<?php
/**
 * The server check "read API" (see server-checks.php): the read API answers WordPress's credential
 * (the admin column, the dashboard widget and the charts read counts through it).
 *
 * @package vip-presence
 * @since 0.2.0 Apart from server-checks.php.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Checks that the read API (at its own URL) takes WordPress's credential.
 *
 * @since 0.2.0
 *
 * @return array{test: string, status: string, label: string, description: string[]} The result.
 */
function vip_presence_check_read_api() {
	$base     = vip_presence_get_api_url();
	$url      = $base . vip_presence_read_api_path( '/api/v1/top?limit=1', vip_presence_get_site_key() );
	$token    = defined( 'VIP_PRESENCE_READ_TOKEN' ) && is_string( VIP_PRESENCE_READ_TOKEN ) && '' !== VIP_PRESENCE_READ_TOKEN;
	$open     = '' === vip_presence_get_read_credential();
	$admin    = __( 'Readers are not affected by this; but the Reading now column shows no peaks or views, and the Most read right now dashboard widget stays empty.', 'vip-presence' );
	$response = wp_remote_get( $url, array_merge( vip_presence_get_request_args( true ), array( 'timeout' => 3 ) ) );
	$status   = is_wp_error( $response ) ? 0 : (int) wp_remote_retrieve_response_code( $response );
	$fails    = __( 'WordPress cannot read counts from the presence server', 'vip-presence' );
	if ( is_wp_error( $response ) ) {
		return vip_presence_check_result(
			'vip_presence_read_api',
			'critical',
			$fails,
			array(
				/* translators: 1: the read API URL, 2: error message of the request */
				sprintf( __( 'WordPress asked the read API at %1$s and got no answer: %2$s', 'vip-presence' ), $base, $response->get_error_message() ),
				$base === vip_presence_get_server_url()
					? ''
					: __( 'That is the Read API URL (Settings > VIP Presence, or VIP_PRESENCE_API_URL in wp-config.php): it must be an address WordPress\'s server reaches, such as the presence server\'s private port.', 'vip-presence' ),
				$admin,
			)
		);
	}
	if ( 401 === $status || 403 === $status ) {
		if ( $token ) {
			$why = __( 'It refused VIP_PRESENCE_READ_TOKEN: it must be the same as the server\'s READ_API_TOKEN.', 'vip-presence' );
		} elseif ( $open ) {
			$why = __( 'WordPress has no credential to send (no shared secret), and the server asks for one. Set the shared secret to the server\'s PRESENCE_SECRET: until then the server refuses readers too, who come without a signed view token.', 'vip-presence' );
		} else {
			$why = __( 'It refused the shared secret. Either the server has a READ_API_TOKEN of its own (then give it to WordPress: define VIP_PRESENCE_READ_TOKEN in wp-config.php), or the secret is not the server\'s PRESENCE_SECRET: then the server also refuses the view tokens WordPress signs with it, and nobody is counted.', 'vip-presence' );
		}
		return vip_presence_check_result(
			'vip_presence_read_api',
			'critical',
			__( 'The presence server refuses WordPress\'s read API credential', 'vip-presence' ),
			array(
				/* translators: 1: the read API URL, 2: HTTP status code */
				sprintf( __( 'The read API at %1$s answered with HTTP status %2$d.', 'vip-presence' ), $base, $status ),
				$why,
				$token || $open ? $admin : __( 'Either way, the Reading now column shows no peaks or views, and the Most read right now dashboard widget stays empty.', 'vip-presence' ),
			)
		);
	}
	if ( 404 === $status ) {
		return vip_presence_check_result(
			'vip_presence_read_api',
			'critical',
			$fails,
			array(
				/* translators: %s: the read API URL */
				sprintf( __( 'There is no read API at %s (HTTP status 404).', 'vip-presence' ), $base ),
				__( 'Presence servers from 0.2.0 on serve it on a private port of their own (their PRIVATE_HOST and PRIVATE_PORT, 127.0.0.1:3001 by default), not at the URL browsers connect to. Set the Read API URL (Settings > VIP Presence, or VIP_PRESENCE_API_URL in wp-config.php) to the address WordPress reaches that port at, such as http://127.0.0.1:3001 when the server runs on this machine.', 'vip-presence' ),
				$admin,
			)
		);
	}
	if ( 200 !== $status || null === vip_presence_parse_top_posts( json_decode( (string) wp_remote_retrieve_body( $response ), true ) ) ) {
		return vip_presence_check_result(
			'vip_presence_read_api',
			'critical',
			$fails,
			array(
				/* translators: 1: the read API URL, 2: HTTP status code */
				sprintf( __( 'The read API at %1$s answered with HTTP status %2$d, without the list of posts a presence server sends.', 'vip-presence' ), $base, $status ),
				$admin,
			)
		);
	}
	if ( $open ) {
		return vip_presence_check_result(
			'vip_presence_read_api',
			'recommended',
			__( 'The presence server runs without a secret', 'vip-presence' ),
			array(
				/* translators: %s: the read API URL */
				sprintf( __( 'The read API at %s answered without a credential: no shared secret is set, so the server must run in its development mode, where anyone can inflate counts and read them.', 'vip-presence' ), $base ),
				__( 'Set a long random secret here and as the server\'s PRESENCE_SECRET.', 'vip-presence' ),
			)
		);
	}
	if ( $token ) {
		/* translators: %s: the read API URL */
		$took = sprintf( __( 'The read API at %s took VIP_PRESENCE_READ_TOKEN: the Reading now column and the Most read right now dashboard widget get their figures from it.', 'vip-presence' ), $base );
	} else {
		/* translators: %s: the read API URL */
		$took = sprintf( __( 'The read API at %s took the shared secret: the Reading now column and the Most read right now dashboard widget get their figures from it.', 'vip-presence' ), $base );
	}
	return vip_presence_check_result(
		'vip_presence_read_api',
		'good',
		__( 'WordPress reads counts from the presence server', 'vip-presence' ),
		array( $took )
	);
}
