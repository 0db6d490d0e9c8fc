<?php
/**
 * Tools > Site Health: a test of the site key (site-key.php), so that a VIP_PRESENCE_SITE_KEY that
 * is not used, or one that every site of a network shares, shows where administrators look for
 * problems, not only on Settings > VIP Presence.
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
		$label       = __( 'The VIP Presence site key needs attention', 'vip-presence' );
		$description = '';
		foreach ( $problems as $problem ) {
			$description .= '<p>' . esc_html( $problem['message'] ) . '</p>';
		}
	} elseif ( '' === $key ) {
		$label       = __( 'VIP Presence counts this site as the presence server\'s default site', 'vip-presence' );
		$description = '<p>' . esc_html__( 'The VIP_PRESENCE_SITE_KEY constant is empty, so this site has no site key: its counts are those of the presence server\'s default site.', 'vip-presence' ) . '</p>';
	} else {
		/* translators: %s: the site key */
		$label       = sprintf( __( 'VIP Presence counts this site under the site key %s', 'vip-presence' ), $key );
		$description = '<p>' . esc_html__( 'The presence server keeps this site\'s counts apart from those of every other site that shares it.', 'vip-presence' ) . '</p>';
	}
	return array(
		'label'       => $label,
		'status'      => $status,
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
		'test'        => 'vip_presence_site_key',
	);
}
