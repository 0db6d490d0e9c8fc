<?php
/**
 * Tools > Site Health: a test of the site key (site-key.php), so that a VIP_PRESENCE_SITE_KEY that
 * is not used, or one that every site of a network shares, shows where administrators look for
 * problems, not only on Settings > VIP Presence; and the checks of the presence server of
 * server-checks.php (what readers' browsers will meet), as asynchronous tests: the Site Health screen
 * asks each of them through a REST route of its own (GET /wp-json/vip-presence/v1/site-health/<test>,
 * for users who may view Site Health), so that a slow server never holds the screen up; the weekly
 * check of Site Health runs them directly.
 *
 * @package vip-presence
 * @since 0.2.0
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit; // Exit if accessed directly.
}

/**
 * Adds the site key test to the direct tests of Site Health.
 *
 * @since 0.2.0
 *
 * @param array<string, array<string, mixed>> $tests Tests by type ('direct', 'async').
 * @return array<string, array<string, mixed>> Tests.
 */
function vip_presence_add_site_status_tests( $tests ) {
	$tests['direct']['vip_presence_site_key'] = array(
		'label' => __( 'VIP Presence site key', 'vip-presence' ),
		'test'  => 'vip_presence_site_health_site_key',
	);
	foreach ( vip_presence_get_server_site_health_tests() as $id => $test ) {
		// Unconfigured, the first test says so; the others would only say it again.
		if ( 'vip_presence_server' !== $id && ! vip_presence_is_configured() ) {
			continue;
		}
		$tests['async'][ $id ] = array(
			'label'             => $test['label'],
			'test'              => rest_url( 'vip-presence/v1/site-health/' . $test['route'] ),
			'has_rest'          => true,
			'async_direct_test' => $test['run'],
		);
	}
	return $tests;
}
add_filter( 'site_status_tests', 'vip_presence_add_site_status_tests' );

/**
 * Runs the site key test: good with the key in effect, critical when a constant or filter value is
 * not used, recommended when one constant gives every site of a network the same key.
 *
 * @since 0.2.0
 *
 * @return array{label: string, status: string, badge: array{label: string, color: string}, description: string, actions: string, test: string}
 */
function vip_presence_site_health_site_key() {
	$key      = vip_presence_get_site_key();
	$problems = vip_presence_get_site_key_problems();
	$status   = 'good';
	foreach ( $problems as $problem ) {
		$status = 'error' === $problem['type'] ? 'critical' : ( 'critical' === $status ? $status : 'recommended' );
	}
	if ( 'good' !== $status ) {
		$label      = __( 'The VIP Presence site key needs attention', 'vip-presence' );
		$paragraphs = array_column( $problems, 'message' );
	} elseif ( '' === $key ) {
		$label      = __( 'VIP Presence counts this site as the presence server\'s default site', 'vip-presence' );
		$paragraphs = array( __( 'The VIP_PRESENCE_SITE_KEY constant is empty, so this site has no site key: its counts are those of the presence server\'s default site.', 'vip-presence' ) );
	} else {
		/* translators: %s: the site key */
		$label      = sprintf( __( 'VIP Presence counts this site under the site key %s', 'vip-presence' ), $key );
		$paragraphs = array( __( 'The presence server keeps this site\'s counts apart from those of every other site that shares it.', 'vip-presence' ) );
	}
	return vip_presence_site_health_result( vip_presence_check_result( 'vip_presence_site_key', $status, $label, $paragraphs ) );
}

/**
 * Returns the Site Health tests of the presence server, keyed by test id.
 *
 * @since 0.2.0
 *
 * @return array<string, array{label: string, route: string, run: callable}> Each test's label, REST
 *         route (under /vip-presence/v1/site-health/) and function (which returns its result).
 */
function vip_presence_get_server_site_health_tests() {
	return array(
		'vip_presence_server'         => array(
			'label' => __( 'VIP Presence server', 'vip-presence' ),
			'route' => 'server',
			'run'   => 'vip_presence_site_health_server',
		),
		'vip_presence_server_version' => array(
			'label' => __( 'VIP Presence server version', 'vip-presence' ),
			'route' => 'server-version',
			'run'   => 'vip_presence_site_health_server_version',
		),
		'vip_presence_origin'         => array(
			'label' => __( 'VIP Presence connections from this site', 'vip-presence' ),
			'route' => 'origin',
			'run'   => 'vip_presence_site_health_origin',
		),
		'vip_presence_read_api'       => array(
			'label' => __( 'VIP Presence read API', 'vip-presence' ),
			'route' => 'read-api',
			'run'   => 'vip_presence_site_health_read_api',
		),
	);
}

/**
 * Turns a check's result (server-checks.php) into a result of Site Health: its paragraphs escaped,
 * a link to the settings screen.
 *
 * @since 0.2.0
 *
 * @param array<string, mixed> $result A check's result.
 * @param string[]             $more   Paragraphs of plain text to add.
 * @return array{label: string, status: string, badge: array{label: string, color: string}, description: string, actions: string, test: string}
 */
function vip_presence_site_health_result( array $result, array $more = array() ) {
	$description = '';
	foreach ( array_merge( $result['description'], $more ) as $paragraph ) {
		$description .= '<p>' . esc_html( $paragraph ) . '</p>';
	}
	return array(
		'label'       => $result['label'],
		'status'      => $result['status'],
		'badge'       => array(
			'label' => __( 'VIP Presence', 'vip-presence' ),
			'color' => 'blue',
		),
		'description' => $description,
		'actions'     => sprintf(
			'<p><a href="%1$s">%2$s</a></p>',
			esc_url( admin_url( 'options-general.php?page=vip-presence' ) ),
			esc_html__( 'Settings > VIP Presence', 'vip-presence' )
		),
		'test'        => $result['test'],
	);
}

/**
 * Site Health test: the presence server answers and is ready (/readyz).
 *
 * @since 0.2.0
 *
 * @return array<string, mixed> Site Health result.
 */
function vip_presence_site_health_server() {
	$result = vip_presence_check_server_ready();
	unset( $result['reached'] );
	return vip_presence_site_health_result( $result );
}

/**
 * Site Health test: the presence server's version works with this plugin.
 *
 * @since 0.2.0
 *
 * @return array<string, mixed> Site Health result.
 */
function vip_presence_site_health_server_version() {
	return vip_presence_site_health_result( vip_presence_check_server_version() );
}

/**
 * Site Health test: the presence server lets browsers of this site connect (their origin), and what
 * only a browser can tell.
 *
 * @since 0.2.0
 *
 * @return array<string, mixed> Site Health result.
 */
function vip_presence_site_health_origin() {
	return vip_presence_site_health_result( vip_presence_check_server_origins(), array( vip_presence_browser_only_note() ) );
}

/**
 * Site Health test: the read API takes WordPress's credential.
 *
 * @since 0.2.0
 *
 * @return array<string, mixed> Site Health result.
 */
function vip_presence_site_health_read_api() {
	return vip_presence_site_health_result( vip_presence_check_read_api() );
}

/**
 * Registers the REST routes through which the Site Health screen runs the tests of the presence
 * server: GET /wp-json/vip-presence/v1/site-health/<server|server-version|origin|read-api>.
 *
 * @since 0.2.0
 */
function vip_presence_register_site_health_routes() {
	foreach ( vip_presence_get_server_site_health_tests() as $id => $test ) {
		register_rest_route(
			'vip-presence/v1',
			'/site-health/' . $test['route'],
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => $test['run'],
				'permission_callback' => function () use ( $id ) {
					/** This filter is documented in wp-includes/rest-api/endpoints/class-wp-rest-site-health-controller.php */
					$capability = apply_filters( "site_health_test_rest_capability_{$id}", 'view_site_health_checks', $id ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals.DynamicHooknameFound -- WordPress's own filter of the capability a Site Health test asks, given this test's id, as for WordPress's tests.
					return current_user_can( $capability );
				},
			)
		);
	}
}
add_action( 'rest_api_init', 'vip_presence_register_site_health_routes' );
