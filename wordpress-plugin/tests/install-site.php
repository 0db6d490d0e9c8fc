<?php
/**
 * Installs WordPress on the fresh SQLite database of a test run and activates the plugin, as the
 * installer and the Plugins screen do. VIP_Presence_Test_Site runs it in a PHP process of its own:
 * installing needs WP_INSTALLING, which the process that runs the tests must not have.
 *
 * Usage: php install-site.php <WordPress folder> [site|network]
 *
 * With `network`, it also makes the network's tables and the network (the main site being this site),
 * as Tools > Network Setup does, and activates nothing: install-network.php network-activates the
 * plugin once wp-config.php has the multisite constants.
 *
 * @package vip-presence
 */

if ( PHP_SAPI !== 'cli' || empty( $argv[1] ) ) {
	exit( 2 );
}

require_once __DIR__ . '/class-vip-presence-test-site.php';

define( 'WP_INSTALLING', true );
require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

// Nothing sends mail here; the "new site" mail would only fail.
add_filter( 'pre_wp_mail', '__return_true' );

$vip_presence_installed = wp_install( 'VIP Presence tests', 'admin', 'admin@' . VIP_Presence_Test_Site::DOMAIN, false, '', 'password' );
if ( empty( $vip_presence_installed['user_id'] ) || ! is_blog_installed() ) {
	fwrite( STDERR, "install-site: WordPress did not install\n" );
	exit( 1 );
}

if ( isset( $argv[2] ) && 'network' === $argv[2] ) {
	require_once ABSPATH . 'wp-admin/includes/network.php';
	define( 'WP_INSTALLING_NETWORK', true );
	foreach ( $wpdb->tables( 'ms_global' ) as $vip_presence_table => $vip_presence_prefixed ) {
		$wpdb->$vip_presence_table = $vip_presence_prefixed;
	}
	install_network();
	$vip_presence_network = populate_network( 1, VIP_Presence_Test_Site::DOMAIN, 'admin@' . VIP_Presence_Test_Site::DOMAIN, 'VIP Presence tests', '/', false );
	if ( is_wp_error( $vip_presence_network ) ) {
		fwrite( STDERR, 'install-site: the network was not made: ' . $vip_presence_network->get_error_message() . "\n" );
		exit( 1 );
	}
	// populate_network() gives the main site /blog/ permalinks; keep the plain ones of the single site.
	update_option( 'permalink_structure', '' );
	exit( 0 );
}

$vip_presence_activated = activate_plugin( VIP_Presence_Test_Site::PLUGIN_SLUG . '/vip-presence.php' );
if ( is_wp_error( $vip_presence_activated ) ) {
	fwrite( STDERR, 'install-site: the plugin did not activate: ' . $vip_presence_activated->get_error_message() . "\n" );
	exit( 1 );
}
