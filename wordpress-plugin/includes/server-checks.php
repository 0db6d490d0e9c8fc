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
 * Here: what the checks share, "ready" and "version", and all four cached together; "origins" is in
 * server-check-origins.php, "read API" in server-check-read-api.php.
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
