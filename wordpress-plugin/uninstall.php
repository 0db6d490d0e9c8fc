<?php
/**
 * Deletes the plugin's options and transients when the plugin is deleted (on every site of a network).
 *
 * @package vip-presence
 * @since 0.1.0
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

// The site key and the names of the cached read API answers (the plugin itself is not loaded here).
require_once __DIR__ . '/includes/site-key.php';
require_once __DIR__ . '/includes/http-client.php';

/**
 * Deletes the options and transients of the current site.
 *
 * @since 0.1.0
 */
function vip_presence_uninstall_site() {
	global $wpdb;

	$options = array(
		'vip_presence_server_url',
		'vip_presence_api_url',
		'vip_presence_secret',
		'vip_presence_auto_insert',
		'vip_presence_post_types',
		'vip_presence_hide_below',
		'vip_presence_hidden_tabs_minutes',
	);
	foreach ( $options as $option ) {
		delete_option( $option );
	}

	// Transient names carry a hash of their site and request (vip_presence_top_<md5>, vip_presence_counts_<md5>).
	// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- no API deletes transients by prefix; this runs once, on uninstall.
	$wpdb->query(
		$wpdb->prepare(
			"DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
			$wpdb->esc_like( '_transient_vip_presence_' ) . '%',
			$wpdb->esc_like( '_transient_timeout_vip_presence_' ) . '%'
		)
	);
	// With a persistent object cache the transients live there and expire within seconds; drop the known one
	// (the dashboard widget's top 10 of this site).
	delete_transient( vip_presence_api_transient_name( 'top', '10', vip_presence_get_site_key() ) );
}

if ( is_multisite() ) {
	foreach ( get_sites(
		array(
			'fields' => 'ids',
			'number' => 0,
		)
	) as $vip_presence_site_id ) {
		switch_to_blog( $vip_presence_site_id );
		vip_presence_uninstall_site();
		restore_current_blog();
	}
} else {
	vip_presence_uninstall_site();
}
