<?php
/**
 * Checks of the presence server, made from WordPress's server, of what readers' browsers will meet:
 *
 *   ready     GET <server URL>/readyz                 200: ready; 503: no store, or shutting down
 *   version   GET <server URL>/healthz                {"status":"ok","version":"0.2.0"}
 *   origins   the Socket.IO handshake of a browser on this site's pages, long-polling, with its Origin:
 *             GET  /socket.io/?EIO=4&transport=polling          0{"sid":"…",…}
 *             POST /socket.io/?EIO=4&transport=polling&sid=…    40{"visitorId":"…","site":"…"}
 *             GET  /socket.io/?EIO=4&transport=polling&sid=…    40{"sid":"…"} (admitted) or
 *                  44{"message":"…","data":{"code":"origin_not_allowed"}} (refused, as the browser is)
 *             POST /socket.io/?EIO=4&transport=polling&sid=…    1 (close)
 *   read API  GET <read API URL>/api/v1/top?limit=1&site=… with the read credential: 401 = refused
 *
 * Each gives a result: a status as Site Health has them ('good', 'recommended', 'critical'), a label
 * and paragraphs of plain text saying what browsers (or the admin screens) will see and what to fix.
 * Tools > Site Health runs them one by one (site-health.php); Settings > VIP Presence shows them
 * all, cached for five minutes and checked again on demand (vip_presence_get_connection_check()).
 *
 * What only a browser can tell is left to it: whether it gets a WebSocket through the proxies
 * between it and the server (the widget's own status).
 *
 * @package vip-presence
 * @since 0.2.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Returns the oldest presence server version this plugin works with: 0.2.0 takes the v2 view tokens
 * (bound to the site key) and the handshake's `site`.
 *
 * @since 0.2.0
 *
 * @return string Version, major.minor.patch.
 */
function vip_presence_min_server_version() {
	return '0.2.0';
}

/**
 * Returns how long Settings > VIP Presence shows a check before making it again.
 *
 * @since 0.2.0
 *
 * @return int Seconds.
 */
function vip_presence_connection_check_ttl() {
	return 5 * MINUTE_IN_SECONDS;
}

/**
 * Makes a check's result.
 *
 * @since 0.2.0
 *
 * @param string   $test        Test id, e.g. 'vip_presence_origin'.
 * @param string   $status      'good', 'recommended' or 'critical'.
 * @param string   $label       What the check found, as a heading.
 * @param string[] $description Paragraphs of plain text: what browsers see, what to fix.
 * @return array{test: string, status: string, label: string, description: string[]}
 */
function vip_presence_check_result( $test, $status, $label, array $description ) {
	return array(
		'test'        => $test,
		'status'      => $status,
		'label'       => $label,
		'description' => array_values( array_filter( $description, 'strlen' ) ),
	);
}

/**
 * Makes a request of a check: no redirect followed, a short timeout.
 *
 * @since 0.2.0
 *
 * @param string               $method 'GET' or 'POST'.
 * @param string               $url    URL.
 * @param array<string, mixed> $args   More arguments of wp_remote_request() (headers, body).
 * @return array|WP_Error The response, or the error of the request.
 */
function vip_presence_check_request( $method, $url, array $args = array() ) {
	return wp_remote_request(
		$url,
		array_merge(
			array(
				'method'      => $method,
				'timeout'     => 3,
				'redirection' => 0,
			),
			$args
		)
	);
}

/**
 * Returns the origin of a URL as a browser sends it in its Origin header: scheme, host and the port
 * unless it is the scheme's default, lowercase.
 *
 * @since 0.2.0
 *
 * @param string $url URL.
 * @return string The origin, e.g. "https://example.com:8443", or '' for a URL that has none.
 */
function vip_presence_url_origin( $url ) {
	$parts  = wp_parse_url( $url );
	$scheme = is_array( $parts ) && isset( $parts['scheme'] ) ? strtolower( $parts['scheme'] ) : '';
	if ( ( 'http' !== $scheme && 'https' !== $scheme ) || empty( $parts['host'] ) ) {
		return '';
	}
	$origin = $scheme . '://' . strtolower( $parts['host'] );
	if ( isset( $parts['port'] ) && (int) $parts['port'] !== ( 'https' === $scheme ? 443 : 80 ) ) {
		$origin .= ':' . (int) $parts['port'];
	}
	return $origin;
}

/**
 * Returns the origins whose browsers connect to the presence server: the site's pages (readers) and,
 * when it differs, wp-admin's (the Reading now column and the dashboard widget). Each site of a
 * network has its own.
 *
 * @since 0.2.0
 *
 * @return array<string, string> Origins keyed by who connects from them: 'readers', 'editors'.
 */
function vip_presence_get_site_origins() {
	// The home option's scheme, not the request's: readers get the pages at the home URL.
	$scheme  = wp_parse_url( (string) get_option( 'home' ), PHP_URL_SCHEME );
	$origins = array( 'readers' => vip_presence_url_origin( home_url( '/', in_array( $scheme, array( 'http', 'https' ), true ) ? $scheme : null ) ) );
	$admin   = vip_presence_url_origin( admin_url() );
	if ( '' !== $admin && $admin !== $origins['readers'] ) {
		$origins['editors'] = $admin;
	}
	return array_filter( $origins, 'strlen' );
}

/**
 * Returns what no check from WordPress's server can tell, and how to see it.
 *
 * @since 0.2.0
 *
 * @return string Plain text.
 */
function vip_presence_browser_only_note() {
	return __( 'What only a browser can tell: whether it gets through to the presence server. Browsers connect over WebSocket, so every proxy and load balancer between them and the server must pass the WebSocket upgrade. Open a post, or Posts > All Posts: the live counts appear once your browser has connected.', 'vip-presence' );
}

/**
 * Checks that the server answers /readyz, at the server URL (the one browsers reach).
 *
 * @since 0.2.0
 *
 * @return array{test: string, status: string, label: string, description: string[], reached: bool}
 *         The result; `reached`: whether the server answered at all.
 */
function vip_presence_check_server_ready() {
	$url = vip_presence_get_server_url();
	if ( '' === $url ) {
		return vip_presence_check_result(
			'vip_presence_server',
			'recommended',
			__( 'VIP Presence has no presence server yet', 'vip-presence' ),
			array( __( 'Readers see no live viewers widget until the plugin knows its presence server: enter its URL in Settings > VIP Presence, or define VIP_PRESENCE_SERVER_URL in wp-config.php.', 'vip-presence' ) )
		) + array( 'reached' => false );
	}
	$started  = microtime( true );
	$response = vip_presence_check_request( 'GET', $url . '/readyz' );
	$elapsed  = (int) round( ( microtime( true ) - $started ) * 1000 );
	if ( is_wp_error( $response ) ) {
		return vip_presence_check_result(
			'vip_presence_server',
			'critical',
			__( 'WordPress cannot reach the presence server', 'vip-presence' ),
			array(
				/* translators: 1: server URL, 2: error message of the request */
				sprintf( __( 'WordPress asked %1$s/readyz and got no answer: %2$s', 'vip-presence' ), $url, $response->get_error_message() ),
				__( 'If readers\' browsers cannot reach it either, the live viewers widgets stay empty and nobody is counted. Check that the server runs, and that the server URL is the address browsers reach it at (through your proxy or load balancer).', 'vip-presence' ),
			)
		) + array( 'reached' => false );
	}
	$status = (int) wp_remote_retrieve_response_code( $response );
	if ( 503 === $status ) {
		return vip_presence_check_result(
			'vip_presence_server',
			'critical',
			__( 'The presence server is not ready', 'vip-presence' ),
			array(
				/* translators: %s: server URL */
				sprintf( __( 'The presence server at %s answered /readyz with HTTP status 503: it cannot reach its Redis (on a Redis Cluster, one of its masters), or it is shutting down.', 'vip-presence' ), $url ),
				__( 'Until it is ready, readers\' widgets stay empty and nobody is counted. Its log says what it is waiting for.', 'vip-presence' ),
			)
		) + array( 'reached' => true );
	}
	if ( 200 !== $status ) {
		return vip_presence_check_result(
			'vip_presence_server',
			'critical',
			__( 'The server URL does not lead to a presence server', 'vip-presence' ),
			array(
				/* translators: 1: server URL, 2: HTTP status code */
				sprintf( __( '%1$s/readyz answered with HTTP status %2$d, where a presence server answers 200 (or 503 while it is not ready).', 'vip-presence' ), $url, $status ),
				__( 'Readers\' browsers would not find the presence server there either: check the server URL, and that your proxy passes its requests on to the presence server.', 'vip-presence' ),
			)
		) + array( 'reached' => true );
	}
	return vip_presence_check_result(
		'vip_presence_server',
		'good',
		__( 'The presence server is ready', 'vip-presence' ),
		array(
			/* translators: 1: server URL, 2: milliseconds */
			sprintf( __( 'The presence server at %1$s answered /readyz in %2$d ms, asked from WordPress\'s server.', 'vip-presence' ), $url, $elapsed ),
		)
	) + array( 'reached' => true );
}

/**
 * Checks the server's version, from its /healthz (`version`, from server 0.2.0 on).
 *
 * @since 0.2.0
 *
 * @return array{test: string, status: string, label: string, description: string[]} The result.
 */
function vip_presence_check_server_version() {
	$url      = vip_presence_get_server_url();
	$needed   = vip_presence_min_server_version();
	$response = vip_presence_check_request( 'GET', $url . '/healthz' );
	if ( is_wp_error( $response ) || 200 !== (int) wp_remote_retrieve_response_code( $response ) ) {
		if ( is_wp_error( $response ) ) {
			/* translators: 1: server URL, 2: error message of the request */
			$why = sprintf( __( 'WordPress asked %1$s/healthz and got no answer: %2$s', 'vip-presence' ), $url, $response->get_error_message() );
		} else {
			/* translators: 1: server URL, 2: HTTP status code */
			$why = sprintf( __( '%1$s/healthz answered with HTTP status %2$d.', 'vip-presence' ), $url, (int) wp_remote_retrieve_response_code( $response ) );
		}
		return vip_presence_check_result(
			'vip_presence_server_version',
			'recommended',
			__( 'The presence server\'s version could not be checked', 'vip-presence' ),
			array( $why )
		);
	}
	$health  = json_decode( (string) wp_remote_retrieve_body( $response ), true );
	$version = is_array( $health ) && isset( $health['version'] ) && is_string( $health['version'] ) ? $health['version'] : '';
	if ( ! preg_match( '/^(\d{1,9}\.\d{1,9}\.\d{1,9})(?:[-+][0-9A-Za-z.+-]{1,64})?$/', $version, $match ) ) {
		return vip_presence_check_result(
			'vip_presence_server_version',
			'recommended',
			__( 'The presence server does not say its version', 'vip-presence' ),
			array(
				/* translators: %s: a version number, e.g. 0.2.0 */
				sprintf( __( 'Its /healthz has no version, as servers before %1$s. This plugin needs version %1$s or later: its view tokens name this site (the site key), and older servers refuse them, so their readers are not counted.', 'vip-presence' ), $needed ),
				__( 'If the live viewers widgets stay empty, update the presence server on every node.', 'vip-presence' ),
			)
		);
	}
	if ( version_compare( $match[1], $needed, '<' ) ) {
		$default_site = '' === vip_presence_get_site_key();
		return vip_presence_check_result(
			'vip_presence_server_version',
			$default_site ? 'recommended' : 'critical',
			__( 'The presence server is older than this plugin needs', 'vip-presence' ),
			array(
				/* translators: 1: the server's version, 2: the oldest version the plugin works with */
				sprintf( __( 'It runs version %1$s; this plugin needs %2$s or later.', 'vip-presence' ), $version, $needed ),
				$default_site
					? __( 'This site is the server\'s default site (its site key is empty), so readers are counted; but the Reading now column gets no peaks or views from it. Update the presence server on every node.', 'vip-presence' )
					: __( 'Readers\' browsers connect, but the server refuses their view tokens, which name this site: nobody is counted. Update the presence server on every node.', 'vip-presence' ),
			)
		);
	}
	return vip_presence_check_result(
		'vip_presence_server_version',
		'good',
		__( 'The presence server\'s version works with this plugin', 'vip-presence' ),
		array(
			/* translators: 1: the server's version, 2: the oldest version the plugin works with */
			sprintf( __( 'It runs version %1$s; this plugin needs %2$s or later.', 'vip-presence' ), $version, $needed ),
		)
	);
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

/**
 * Runs every check now: readiness first; the version and the origins only when the server
 * answered (they would wait for the same timeout again), the read API unless it is at the same
 * URL as a server that did not answer.
 *
 * @since 0.1.0
 * @since 0.2.0 Every check of server-checks.php, each with its result, instead of /readyz alone.
 *
 * @return array{status: string, checked_at: int, checks: array<int, array{test: string, status: string, label: string, description: string[]}>}
 *         status: 'ok' (every check good), 'warning' (some recommended), 'error' (some critical) or
 *         'unconfigured' (no server URL: nothing asked).
 */
function vip_presence_check_connection() {
	$ready   = vip_presence_check_server_ready();
	$reached = $ready['reached'];
	unset( $ready['reached'] );
	$checks = array( $ready );
	if ( ! vip_presence_is_configured() ) {
		return array(
			'status'     => 'unconfigured',
			'checked_at' => time(),
			'checks'     => $checks,
		);
	}
	if ( $reached ) {
		$checks[] = vip_presence_check_server_version();
		$checks[] = vip_presence_check_server_origins();
	}
	if ( $reached || vip_presence_get_api_url() !== vip_presence_get_server_url() ) {
		$checks[] = vip_presence_check_read_api();
	}
	$statuses = array_column( $checks, 'status' );
	$status   = 'ok';
	if ( in_array( 'critical', $statuses, true ) ) {
		$status = 'error';
	} elseif ( in_array( 'recommended', $statuses, true ) ) {
		$status = 'warning';
	}
	return array(
		'status'     => $status,
		'checked_at' => time(),
		'checks'     => $checks,
	);
}

/**
 * Returns the name of the transient that keeps the last check of the current configuration (server
 * and read API URLs, site key, origins, credential, the user's language): a change of any of them
 * is checked afresh. The credential goes in only as a keyed hash.
 *
 * @since 0.2.0
 *
 * @return string vip_presence_check_<md5>.
 */
function vip_presence_connection_check_transient_name() {
	$parts = array(
		vip_presence_get_server_url(),
		vip_presence_get_api_url(),
		vip_presence_get_site_key(),
		implode( ' ', vip_presence_get_site_origins() ),
		wp_hash( vip_presence_get_read_credential() . '|' . vip_presence_get_secret() ),
		get_user_locale(),
	);
	return 'vip_presence_check_' . md5( implode( "\n", $parts ) );
}

/**
 * Returns the checks of Settings > VIP Presence: the last one, kept five minutes, or a new one.
 *
 * @since 0.2.0
 *
 * @param bool $refresh Whether to check again even when a recent check is kept.
 * @return array{status: string, checked_at: int, checks: array<int, array<string, mixed>>} As
 *         vip_presence_check_connection() returns it.
 */
function vip_presence_get_connection_check( $refresh = false ) {
	$name   = vip_presence_connection_check_transient_name();
	$cached = $refresh ? false : get_transient( $name );
	if ( is_array( $cached ) && isset( $cached['status'], $cached['checked_at'], $cached['checks'] ) && is_array( $cached['checks'] ) ) {
		return $cached;
	}
	$check = vip_presence_check_connection();
	if ( 'unconfigured' !== $check['status'] ) {
		set_transient( $name, $check, vip_presence_connection_check_ttl() );
	}
	return $check;
}
