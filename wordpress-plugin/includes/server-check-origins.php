<?php
/**
 * The server check "origins" (see server-checks.php): the Socket.IO handshake a browser on each of
 * this site's origins makes, long-polling, so that WordPress sees what readers will: admitted, or
 * refused with origin_not_allowed.
 *
 * @package vip-presence
 * @since 0.2.0 Apart from server-checks.php.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Opens a Socket.IO connection to the server as a browser on a page of an origin would, over
 * long-polling (plain HTTP requests), and closes it again. The server checks the Origin header in
 * its handshake exactly as for a browser's WebSocket, and refuses an origin that is not allowed
 * with `origin_not_allowed`. The connection joins no post: it counts no one.
 *
 * @since 0.2.0
 *
 * @param string $url    Server URL.
 * @param string $origin Origin of the pages, e.g. "https://example.com".
 * @param string $site   Site key, or '' (the default site).
 * @return array{outcome: string, code: string, detail: string} outcome: 'admitted'; 'refused' (code:
 *         the error code, detail: the server's message); 'unreachable' (detail: the request's error);
 *         'not_socket_io' (detail: the HTTP status); 'incomplete' (detail: what went wrong).
 */
function vip_presence_probe_origin( $url, $origin, $site ) {
	$endpoint = $url . '/socket.io/?EIO=4&transport=polling';
	$headers  = array( 'Origin' => $origin );
	$result   = array(
		'outcome' => 'incomplete',
		'code'    => '',
		'detail'  => '',
	);

	$open = vip_presence_check_request( 'GET', $endpoint, array( 'headers' => $headers ) );
	if ( is_wp_error( $open ) ) {
		return array_merge(
			$result,
			array(
				'outcome' => 'unreachable',
				'detail'  => $open->get_error_message(),
			)
		);
	}
	$status = (int) wp_remote_retrieve_response_code( $open );
	$body   = (string) wp_remote_retrieve_body( $open );
	$opened = 0 === strpos( $body, '0{' ) ? json_decode( substr( $body, 1 ), true ) : null;
	$sid    = is_array( $opened ) && isset( $opened['sid'] ) && is_string( $opened['sid'] ) ? $opened['sid'] : '';
	if ( 200 !== $status || ! preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $sid ) ) {
		return array_merge(
			$result,
			array(
				'outcome' => 'not_socket_io',
				'detail'  => (string) $status,
			)
		);
	}

	$session = $endpoint . '&sid=' . $sid;
	$auth    = array( 'visitorId' => 'vip-presence-site-health' );
	if ( '' !== $site ) {
		$auth['site'] = $site;
	}
	$post_args = array(
		'headers' => $headers + array( 'Content-Type' => 'text/plain;charset=UTF-8' ),
		'body'    => '40' . wp_json_encode( $auth ),
	);
	$sent      = vip_presence_check_request( 'POST', $session, $post_args );
	if ( is_wp_error( $sent ) ) {
		$result['detail'] = $sent->get_error_message();
		return $result;
	}
	if ( 200 !== (int) wp_remote_retrieve_response_code( $sent ) ) {
		/* translators: %d: HTTP status code */
		$result['detail'] = sprintf( __( 'the second request of the connection was answered with HTTP status %d (several server nodes behind a load balancer without sticky sessions?)', 'vip-presence' ), (int) wp_remote_retrieve_response_code( $sent ) );
		return $result;
	}

	$answer = vip_presence_check_request( 'GET', $session, array( 'headers' => $headers ) );
	// Closes the connection, whatever it said (the server would drop it after a while anyway).
	vip_presence_check_request( 'POST', $session, array_merge( $post_args, array( 'body' => '1' ) ) );
	if ( is_wp_error( $answer ) ) {
		$result['detail'] = $answer->get_error_message();
		return $result;
	}
	// Packets are separated by the record separator; the connection's answer is one of them.
	foreach ( explode( "\x1e", (string) wp_remote_retrieve_body( $answer ) ) as $packet ) {
		if ( 0 === strpos( $packet, '40' ) ) {
			$result['outcome'] = 'admitted';
			return $result;
		}
		if ( 0 === strpos( $packet, '44' ) ) {
			$error = json_decode( substr( $packet, 2 ), true );
			$code  = is_array( $error ) && isset( $error['data']['code'] ) && is_string( $error['data']['code'] ) ? $error['data']['code'] : '';
			return array(
				'outcome' => 'refused',
				'code'    => preg_match( '/^[a-z_]{1,64}$/', $code ) ? $code : 'unknown',
				'detail'  => is_array( $error ) && isset( $error['message'] ) && is_string( $error['message'] ) ? $error['message'] : '',
			);
		}
	}
	$result['detail'] = __( 'the server did not answer the connection', 'vip-presence' );
	return $result;
}

/**
 * Checks that the server lets browsers on this site's pages (and on wp-admin's, when that origin
 * differs) connect.
 *
 * @since 0.2.0
 *
 * @return array{test: string, status: string, label: string, description: string[]} The result.
 */
function vip_presence_check_server_origins() {
	$url       = vip_presence_get_server_url();
	$site      = vip_presence_get_site_key();
	$affected  = array(
		'readers' => __( 'readers\' widgets stay empty and nobody is counted.', 'vip-presence' ),
		'editors' => __( 'the Reading now column and the dashboard widget do not update live.', 'vip-presence' ),
	);
	$critical  = array();
	$unsure    = array();
	$admitted  = array();
	foreach ( vip_presence_get_site_origins() as $who => $origin ) {
		$probe = vip_presence_probe_origin( $url, $origin, $site );
		switch ( $probe['outcome'] ) {
			case 'admitted':
				$admitted[] = $origin;
				break;
			case 'refused':
				if ( 'origin_not_allowed' === $probe['code'] ) {
					/* translators: 1: an origin, e.g. https://example.com, 2: what browsers there see */
					$critical[] = sprintf( __( 'The presence server refuses browsers on pages of %1$s (origin_not_allowed): %2$s', 'vip-presence' ), $origin, $affected[ $who ] );
					/* translators: %s: an origin, e.g. https://example.com */
					$critical[] = sprintf( __( 'Add %s to the server\'s ALLOWED_ORIGINS (a comma-separated list, the same on every node) and restart it.', 'vip-presence' ), $origin );
				} elseif ( in_array( $probe['code'], array( 'unavailable', 'too_many_connections' ), true ) ) {
					/* translators: 1: an origin, 2: the error code, 3: the server's message */
					$unsure[] = sprintf( __( 'The test connection as from %1$s was refused for a passing reason (%2$s: %3$s); check again later.', 'vip-presence' ), $origin, $probe['code'], $probe['detail'] );
				} else {
					/* translators: 1: an origin, 2: the error code, 3: the server's message, 4: what browsers there see */
					$critical[] = sprintf( __( 'The presence server refuses browsers on pages of %1$s (%2$s: %3$s): %4$s', 'vip-presence' ), $origin, $probe['code'], $probe['detail'], $affected[ $who ] );
				}
				break;
			case 'unreachable':
				/* translators: 1: server URL, 2: an origin, 3: error message of the request */
				$critical[] = sprintf( __( 'WordPress could not open a connection at %1$s/socket.io/ as a browser on %2$s would: %3$s', 'vip-presence' ), $url, $origin, $probe['detail'] );
				break;
			case 'not_socket_io':
				/* translators: 1: server URL, 2: HTTP status code */
				$critical[] = sprintf( __( '%1$s/socket.io/ answered with HTTP status %2$s, not as a presence server: browsers cannot connect there. Check that your proxy passes /socket.io/ on to the presence server.', 'vip-presence' ), $url, $probe['detail'] );
				break;
			default:
				/* translators: 1: an origin, 2: what went wrong */
				$unsure[] = sprintf( __( 'The test connection as from %1$s could not be completed: %2$s.', 'vip-presence' ), $origin, $probe['detail'] );
		}
		if ( in_array( $probe['outcome'], array( 'unreachable', 'not_socket_io' ), true ) ) {
			break; // The next origin would meet the same.
		}
	}
	if ( array() !== $critical ) {
		return vip_presence_check_result(
			'vip_presence_origin',
			'critical',
			__( 'Browsers on this site cannot connect to the presence server', 'vip-presence' ),
			$critical
		);
	}
	if ( array() !== $unsure ) {
		return vip_presence_check_result(
			'vip_presence_origin',
			'recommended',
			__( 'Whether browsers on this site may connect to the presence server could not be checked', 'vip-presence' ),
			$unsure
		);
	}
	return vip_presence_check_result(
		'vip_presence_origin',
		'good',
		__( 'The presence server lets browsers on this site connect', 'vip-presence' ),
		array(
			/* translators: %s: origins, e.g. https://example.com */
			sprintf( __( 'WordPress\'s server opened a test connection as a browser on pages of %s does, and the presence server admitted it.', 'vip-presence' ), implode( ', ', $admitted ) ),
		)
	);
}
